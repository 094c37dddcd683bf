"""How the API answers errors: DRF's answers, and collisions as 409 Conflict.

Kept apart from ``okrplatform.api``, which DRF's settings import while ``rest_framework.views``
is still loading: this module imports it."""

from __future__ import annotations

from concurrency.exceptions import RecordModifiedError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from rest_framework.views import exception_handler as drf_exception_handler

from .api import Conflict


def exception_handler(error, context):
    """A write that collided with another at the same moment (a unique rule, or a newer
    version reached first) is 409: nothing of it was stored, and sending it again may work."""
    if isinstance(error, IntegrityError | RecordModifiedError):
        error = Conflict(
            _("Another change reached this at the same moment; nothing was stored: send it again.")
        )
    return drf_exception_handler(error, context)
