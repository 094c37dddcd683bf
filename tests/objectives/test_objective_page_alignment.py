"""What an objective's page says about its alignment beyond its parent: the other objectives it
also supports and those that also support it, each with its unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def alignment_of(django_app, user, objective) -> dict[str, list[str]]:
    page = django_app.get(reverse("objective_detail", args=[objective.pk]), user=user)
    terms = page.html.select("dl dt")
    return {
        term.get_text(strip=True): [
            " ".join(row.get_text(" ", strip=True).split())
            for row in term.find_next_sibling("dd").find_all("div")
        ]
        for term in terms
        if term.get_text(strip=True) in ("Also supports", "Supported by")
    }


def test_both_directions_are_shown_by_title_with_their_units(django_app, alice, emea, quarter):
    helper = ObjectiveFactory(unit=emea, cycle=quarter, title="Open two depots")
    first = ObjectiveFactory(unit=emea, cycle=quarter, title="A faster last mile")
    second = ObjectiveFactory(unit=emea, cycle=quarter, title="Better margins")
    backer = ObjectiveFactory(unit=emea, cycle=quarter, title="Hire drivers")
    helper.supports.add(second, first)
    backer.supports.add(helper)

    assert alignment_of(django_app, alice, helper) == {
        "Also supports": ["A faster last mile · EMEA", "Better margins · EMEA"],
        "Supported by": ["Hire drivers · EMEA"],
    }
    # Seen from the other end: it supports nothing else, and is supported by the helper.
    assert alignment_of(django_app, alice, first) == {
        "Also supports": [],
        "Supported by": ["Open two depots · EMEA"],
    }


def test_an_objective_with_no_such_links_shows_neither(django_app, alice, emea, quarter):
    alone = ObjectiveFactory(unit=emea, cycle=quarter)
    assert alignment_of(django_app, alice, alone) == {}
