"""A walk through the whole app in Chromium as each person of the demo, in German: every page of
the navigation, one page of each kind of detail they can reach, and the projector. On each: no
server error, nothing wider than the screen, and no English sentence of our own left untranslated.
(English is walked by the journeys and the pages' own tests.)"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from okrplatform.org.models import User

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = ["elena", "jonas", "lukas", "anna", "nina", "victor"]
LANGUAGES = os.environ.get("OKR_WALK_LANGUAGES", "de").split(",")

NAVIGATION = [
    "/",
    "/units/",
    "/kpis/",
    "/alignment/map/",
    "/alignment/x-matrix/",
    "/alignment/strategy-map/",
    "/alignment/quality/",
    "/reviews/",
    "/reviews/health/",
    "/accounts/profile/",
]
# The same for everyone: walked as a manager and as a viewer.
ONCE = ["/kpis/?projector=1", "/kpis/upload/", "/import/", "/tools/okr-or-kpi/", "/tools/roi/"]
# One page of each kind of detail, the first the person's pages link to.
DETAILS = {
    "objective": r"^/objectives/\d+/$",
    "deployments": r"^/objectives/\d+/deployments/$",
    "check-ins": r"^/key-results/\d+/check-ins/$",
    "kpi": r"^/kpis/\d+/$",
    "intervention": r"^/interventions/\d+/$",
    "tension": r"^/tensions/\d+/$",
    "review": r"^/reviews/\d+/$",
    "unit": r"^/units/\d+/(\?.*)?$",
}

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "de" / "LC_MESSAGES" / "django.mo"


def _untranslatable_as_german() -> set[str]:
    """Our English sentences that German says otherwise: one of them on a German page is a
    string that escaped translation."""
    with CATALOGUE.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    return {
        msgid.split("\x04")[-1]  # without its context
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str)  # plurals are keyed (msgid, n)
        and msgid
        and "%" not in msgid
        and "{" not in msgid
        and len(msgid) > 3
        and msgstr != msgid
    }


ENGLISH = _untranslatable_as_german()

TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest('script, style, [hidden]')) continue;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text) texts.push(text);
  }
  document.querySelectorAll('[placeholder], [title], [aria-label]').forEach((element) => {
    for (const name of ['placeholder', 'title', 'aria-label']) {
      const value = element.getAttribute(name);
      if (value) texts.push(value.trim());
    }
  });
  return texts;
}"""

WIDE = """() => [...document.querySelectorAll('main *')]
  .filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width && box.right > window.innerWidth + 1
      && !element.closest('.table-responsive, .okr-x-wrap, [style*="overflow"]');
  })
  .slice(0, 3).map((element) => element.outerHTML.slice(0, 120))"""


def problems_on(page: Page, path: str, language: str, links: dict[str, str]) -> list[str]:
    """What is wrong with the page; the first link to each kind of detail goes into ``links``."""
    response = page.goto(path)
    if response is None or response.status >= 500:
        return [f"{path}: answered {response.status if response else 'nothing'}"]
    if response.status >= 400:
        return []  # refused: a page this person may not see
    problems = []
    if not page_fits_its_width(page):
        problems.append(f"{path}: wider than the screen: {page.evaluate(WIDE)}")
    if language == "de":
        left = sorted({text for text in page.evaluate(TEXTS) if text in ENGLISH})
        if left:
            problems.append(f"{path}: English on a German page: {left}")
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    for kind, pattern in DETAILS.items():
        if kind not in links:
            found = next((href for href in hrefs if re.match(pattern, href)), None)
            if found:
                links[kind] = found
    if os.environ.get("OKR_WALK_SCREENSHOTS"):
        name = re.sub(r"[^a-z0-9]+", "-", path.strip("/").lower()) or "home"
        screenshot(page, f"walk-{language}-{page.username}-{name}")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reads_right_for_each_demo_person(new_context, demo, language):
    User.objects.filter(username__in=PEOPLE).update(language=language)
    problems: list[str] = []
    for username in PEOPLE:
        page = new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.username = username
        sign_in(page, username)
        links: dict[str, str] = {}
        paths = NAVIGATION + (ONCE if username in ("elena", "nina") else [])
        for path in paths:
            problems += [f"{username}: {p}" for p in problems_on(page, path, language, links)]
        details = list(links.values())
        if "review" in links:
            details.append(links["review"] + "present/")  # the projector
        for path in details:
            problems += [f"{username}: {p}" for p in problems_on(page, path, language, links)]
        page.context.close()
    assert problems == [], "\n".join(problems)
