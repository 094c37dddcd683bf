"""Helpers for tests that submit a page's forms as a browser does (django-webtest)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["en", "de"])
def language(request) -> str:
    """Each form test runs once for a person reading English and once for one reading German."""
    return request.param


def reading(user, language: str):
    """The person, set to read the site in this language."""
    user.language = language
    user.save(update_fields=["language"])
    return user


def written(number: str, language: str) -> str:
    """A number as a person of this language types it: 12.5 in English, 12,5 in German."""
    return number.replace(".", ",") if language == "de" else number


def form_holding(page, field_name: str):
    """The form on the page that holds this field (the page also has the sign-out form)."""
    for form in page.forms.values():
        if field_name in form.fields:
            return form
    raise AssertionError(f"no form on the page has a field {field_name!r}")


def error_texts(page) -> list[str]:
    """Every error the page shows next to a field or above a form."""
    return [
        " ".join(element.get_text(" ", strip=True).split())
        for element in page.html.select(".invalid-feedback, .alert-danger")
    ]


def field_errors(page) -> dict[str, list[str]]:
    """The errors shown under each field, by the field's name, to say in a failing assertion."""
    errors: dict[str, list[str]] = {}
    for feedback in page.html.select(".invalid-feedback"):
        field = feedback.find_previous(["input", "select", "textarea"])
        name = field.get("name", "?") if field else "?"
        errors.setdefault(name, []).append(feedback.get_text(" ", strip=True))
    return errors


# The EMEA review and its plan, as the review tests know them.
from tests.reviews.conftest import emea_plan, review  # noqa: E402, F401
