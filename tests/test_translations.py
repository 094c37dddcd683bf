"""Only finished languages are offered: every catalogue behind settings.LANGUAGES has no
untranslated and no fuzzy message, counted by GNU gettext's own msgfmt --statistics, for the
strings the code has today (not only those the catalogue happens to list)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENGLISH = {"en", "en-gb"}  # the source language: its strings are the catalogue
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", "node_modules", "staticfiles", "test-artifacts", "*.sqlite3*", "__pycache__"
)


@pytest.fixture(scope="module")
def msgfmt() -> str:
    found = shutil.which("msgfmt")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must check the translations, but msgfmt (GNU gettext) is missing.")
        pytest.skip("GNU gettext is not installed here (apt-get install gettext).")
    return found


def statistics(msgfmt: str, catalogue: Path) -> dict[str, int]:
    """translated, fuzzy and untranslated counts, as msgfmt --statistics reports them."""
    result = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", os.devnull, str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    )
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for number, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr):
        counts[kind] = int(number)
    return counts


def translated_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code not in ENGLISH]


def catalogue_of(root: Path, code: str) -> Path:
    return root / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"


def test_the_site_offers_english_in_both_spellings_and_its_default():
    codes = [code for code, _name in settings.LANGUAGES]
    assert {"en", "en-gb"} <= set(codes)
    assert settings.LANGUAGE_CODE in codes


@pytest.mark.parametrize("code", translated_languages())
def test_every_offered_language_is_finished(msgfmt, code):
    catalogue = catalogue_of(PROJECT_ROOT, code)
    assert catalogue.exists(), f"{code} is offered but has no catalogue"
    counts = statistics(msgfmt, catalogue)
    assert counts["translated"] > 0
    assert (counts["fuzzy"], counts["untranslated"]) == (0, 0), f"{code}: {counts}"


@pytest.mark.parametrize("code", translated_languages())
def test_the_compiled_catalogue_is_the_current_one(msgfmt, code, tmp_path):
    catalogue = catalogue_of(PROJECT_ROOT, code)
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(compiled), str(catalogue)], check=True)
    assert compiled.read_bytes() == catalogue.with_suffix(".mo").read_bytes(), (
        "run `make messages` and commit the .mo"
    )


def test_the_catalogues_cover_every_string_the_code_has_today(msgfmt, tmp_path):
    # makemessages rewrites the catalogues, so it runs on a copy of the project.
    copy = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT, copy, ignore=COPY_IGNORE)
    languages = [arg for code in translated_languages() for arg in ("-l", to_locale(code))]
    ignored = ["bench", "tests", "staticfiles", "node_modules"]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location", *languages]
        + [f"--ignore={name}" for name in ignored],
        cwd=copy,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"},
        capture_output=True,
        check=True,
        timeout=300,
    )
    for code in translated_languages():
        counts = statistics(msgfmt, catalogue_of(copy, code))
        assert (counts["fuzzy"], counts["untranslated"]) == (0, 0), (
            f"{code}: {counts} once the catalogue takes in today's strings; run `make messages` "
            "and translate what is new"
        )
