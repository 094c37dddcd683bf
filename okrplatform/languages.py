"""The languages the site offers: only finished translations, listed in settings.LANGUAGES.

A person or unit may still hold another language (set before it was withdrawn, or by an import);
they then see the site in the language their browser or the site prefers, and are told so.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def offered_languages() -> list[tuple[str, Any]]:
    """The choices for a person's or unit's language (names stay lazy, said in the reader's
    language); a callable so that finishing a translation needs no migration."""
    return list(settings.LANGUAGES)


def is_offered(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def language_for(code: str) -> str:
    """The language to write to someone who prefers ``code``: it, or the site's default."""
    return code if code and is_offered(code) else settings.LANGUAGE_CODE
