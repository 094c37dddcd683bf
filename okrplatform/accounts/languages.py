"""How a person's language choice is put into words: the options with the dates each gives,
and the notice for a language that is not offered."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def language_name(code: str) -> str:
    """The language's name in the reader's language, e.g. "Japanese" or "Japanisch"."""
    offered = dict(settings.LANGUAGES)
    if code in offered:
        return str(offered[code])
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


def date_in(code: str, day: datetime.date | None = None) -> str:
    """How a date looks in a language: 21/11/2026 in English (UK), 11/21/2026 in English (US)."""
    with translation.override(code):
        return formats.date_format(day or timezone.localdate(), "SHORT_DATE_FORMAT")


def language_choices() -> list[tuple[str, str]]:
    """The offered languages for the profile form, each with how it writes today's date."""
    return [(code, f"{name} — {date_in(code)}") for code, name in settings.LANGUAGES]


def language_not_offered_notice(code: str, profile_url: str) -> SafeString:
    return format_html(
        _(
            "You chose {language}, which okrplatform does not offer yet: its translation is "
            'not finished. You see {current} instead. <a href="{url}">Choose a language on '
            "your profile</a>."
        ),
        language=language_name(code),
        current=language_name(translation.get_language() or settings.LANGUAGE_CODE),
        url=profile_url,
    )
