"""How the API answers errors: DRF's answers, collisions as 409 Conflict, and every error body
an object.

Kept apart from ``okrplatform.api``, which DRF's settings import while ``rest_framework.views``
is still loading: this module imports it."""

from __future__ import annotations

from concurrency.exceptions import RecordModifiedError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from .api import Conflict


def _codes(detail) -> set[str]:
    if isinstance(detail, dict):
        return set().union(*(_codes(value) for value in detail.values()))
    if isinstance(detail, list):
        return set().union(*(_codes(value) for value in detail))
    return {detail}


def exception_handler(error, context):
    """A write that collided with another at the same moment (a unique rule, or a newer
    version reached first) is 409: nothing of it was stored, and sending it again may work.
    A body refused only because its code, or its person and unit, are taken already is 409 as
    well: the request was well formed, what exists stands in its way."""
    if isinstance(error, IntegrityError | RecordModifiedError):
        error = Conflict(
            _("Another change reached this at the same moment; nothing was stored: send it again.")
        )
    response = drf_exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, ValidationError) and _codes(error.get_codes()) == {"unique"}:
        response.status_code = status.HTTP_409_CONFLICT
    if isinstance(response.data, list):
        # DRF answers a ValidationError raised with a list as a bare list; the schema (and
        # every client) expects an object.
        response.data = {"non_field_errors": response.data}
    return response
