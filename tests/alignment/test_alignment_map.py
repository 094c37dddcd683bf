"""The alignment map: the cascade from breakthrough objectives down to the teams, with what
aligns to nothing called out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alignment import cascade
from alignment.cascade import alignment_map
from objectives.models import Objective
from objectives.rollups import recompute_all
from okrplatform.org.access import access_for
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def titles(nodes) -> list[str]:
    return [node.title for node in nodes]


def test_the_cascade_runs_from_breakthrough_through_annual_to_the_teams(
    sam, company, cycles, strategy
):
    alignment = alignment_map(company, cycles.q4, access_for(sam))

    assert titles(alignment.aligned) == [
        "Be the most reliable partner",
        "Deliver on time",
        "APAC on time at 95%",
        "EMEA on time at 97%",
        "Dock to stock in a day",
    ]
    by_title = {node.title: node for node in alignment.aligned}
    assert by_title["Deliver on time"].parent_id == strategy.reliable.pk
    assert by_title["Dock to stock in a day"].parent_id == strategy.emea_on_time.pk
    assert by_title["Be the most reliable partner"].level == Objective.Level.BREAKTHROUGH


def test_unaligned_objectives_are_called_out_with_what_hangs_below_them(
    sam, company, cycles, strategy
):
    alignment = alignment_map(company, cycles.q4, access_for(sam))

    assert titles(alignment.unaligned) == ["New signs in the warehouse", "Repaint the warehouse"]
    assert alignment.unaligned_count == 2
    assert titles(alignment.unaligned_trees) == [
        "Repaint the warehouse",
        "New signs in the warehouse",
    ]
    assert "Repaint the warehouse" not in titles(alignment.aligned)


def test_a_quarter_leaves_out_the_other_quarters_and_a_year_holds_them(
    sam, company, cycles, strategy
):
    quarter = alignment_map(company, cycles.q4, access_for(sam))
    year = alignment_map(company, cycles.year, access_for(sam))

    assert "EMEA carriers scored" not in titles(quarter.aligned)
    assert "EMEA carriers scored" in titles(year.aligned)


def test_a_unit_sees_what_it_aligns_to_above_as_context(alice, emea, cycles, strategy):
    alignment = alignment_map(emea, cycles.q4, access_for(alice))

    by_title = {node.title: node for node in alignment.aligned}
    assert not by_title["Be the most reliable partner"].in_scope
    assert not by_title["Deliver on time"].in_scope
    assert by_title["EMEA on time at 97%"].in_scope
    assert "APAC on time at 95%" not in by_title, "a sibling region is not on EMEA's map"
    assert alignment.objective_count == 4, "EMEA's own, the team's and the two unaligned"


def test_a_person_sees_only_the_branches_of_their_units(charlie, company, cycles, strategy):
    alignment = alignment_map(company, cycles.q4, access_for(charlie))

    shown = titles(alignment.aligned) + titles(alignment.unaligned_trees)
    assert "APAC on time at 95%" in shown
    assert "Deliver on time" in shown, "the company's objectives are visible to everyone in it"
    assert "EMEA on time at 97%" not in shown
    assert "Repaint the warehouse" not in shown


def test_also_supports_shows_on_the_node_without_changing_the_tree(sam, company, cycles, strategy):
    strategy.dock.supports.add(strategy.apac_on_time)

    alignment = alignment_map(company, cycles.q4, access_for(sam))

    dock = next(node for node in alignment.aligned if node.title == "Dock to stock in a day")
    assert titles(dock.supports) == ["APAC on time at 95%"]
    assert dock.parent_id == strategy.emea_on_time.pk


def test_objectives_in_negotiation_are_marked(client, sam, company, cycles, strategy):
    Objective.objects.filter(pk=strategy.dock.pk).update(catchball=Objective.Catchball.PROPOSED)
    client.force_login(sam)

    page = client.get(reverse("alignment_map"), {"unit": company.pk, "cycle": cycles.q4.pk})

    assert alignment_map(company, cycles.q4, access_for(sam)).negotiation_count == 1
    assert "Proposed, awaiting agreement" in page.content.decode()


def test_a_large_map_draws_within_its_budget_and_opens_branches_on_demand(
    client, sam, company, cycles, strategy, monkeypatch
):
    monkeypatch.setattr(cascade, "MAP_BUDGET", 3)

    alignment = alignment_map(company, cycles.q4, access_for(sam))

    assert titles(alignment.aligned) == ["Be the most reliable partner", "Deliver on time"]
    on_time = alignment.aligned[1]
    assert on_time.hidden_children == 2
    client.force_login(sam)
    branch = client.get(
        reverse("alignment_map_branch", args=[strategy.on_time.pk]),
        {"unit": company.pk, "cycle": cycles.q4.pk},
    ).content.decode()
    assert "APAC on time at 95%" in branch
    assert "EMEA on time at 97%" in branch
    assert "<html" not in branch, "a fragment for htmx, not a page"


def test_the_map_page_shows_the_index_the_cascade_and_the_unaligned(
    client, sam, company, cycles, strategy
):
    client.force_login(sam)

    page = client.get(reverse("alignment_map"), {"unit": company.pk, "cycle": cycles.q4.pk})
    html = page.content.decode()

    assert page.status_code == 200
    assert 'id="alignment-index">60%' in html, "three of five objectives of the quarter align"
    assert "Unaligned objectives" in html
    assert html.index("Be the most reliable partner") < html.index("Dock to stock in a day")
    assert f'href="/objectives/{strategy.dock.pk}/"' in html, "a node opens its objective"


def test_without_a_unit_the_map_starts_at_the_top_of_what_one_sees(client, bob, cycles, strategy):
    client.force_login(bob)
    page = client.get(reverse("alignment_map"), {"cycle": cycles.q4.pk})
    assert page.status_code == 200
    assert "Alignment map · Helix Group" in page.content.decode()


def test_the_map_requires_login_and_a_visible_unit(client, charlie, emea, cycles, strategy):
    url = reverse("alignment_map")
    assert client.get(url, {"unit": emea.pk}).status_code == 302
    client.force_login(charlie)
    assert client.get(url, {"unit": emea.pk}).status_code == 403


def test_the_map_runs_a_bounded_number_of_queries(sam, company, stays_bounded):
    # the header (unit, ancestors, children, cycles, rollup), the cycle family, the objectives
    # above, the tops of the cascade and outside it, a query per level drawn, the "also
    # supports" links, the tiles and the unaligned list
    page = stays_bounded(sam, "alignment_map", company, queries=21)
    assert page.content.decode().count("okr-map__node") > 90


def test_the_header_and_the_tiles_count_the_objectives_one_sees(
    client, charlie, company, cycles, strategy
):
    client.force_login(charlie)  # APAC only: of the quarter's objectives, APAC's one, aligned

    page = client.get(reverse("alignment_map"), {"unit": company.pk, "cycle": cycles.q4.pk})
    html = page.content.decode()

    assert 'id="alignment-index">100%' in html
    assert 'id="header-alignment-index">100%' in html
    assert "60%" not in html, "the company's stored index counts objectives Charlie cannot see"


def test_the_budget_holds_for_the_tops_of_the_trees_too(
    client, sam, company, cycles, strategy, monkeypatch
):
    for number in range(3):
        ObjectiveFactory(
            title=f"Breakthrough {number}",
            unit=company,
            cycle=cycles.plan,
            level=Objective.Level.BREAKTHROUGH,
        )
    recompute_all(on=cycles.q4.start_date)
    monkeypatch.setattr(cascade, "MAP_BUDGET", 2)

    alignment = alignment_map(company, cycles.q4, access_for(sam))

    assert titles(alignment.aligned) == ["Be the most reliable partner", "Breakthrough 0"]
    assert alignment.hidden_roots == 2, "Breakthrough 1 and 2 wait, whatever the budget"
    client.force_login(sam)
    page = client.get(reverse("alignment_map"), {"unit": company.pk, "cycle": cycles.q4.pk})
    assert "2 more trees are not drawn here" in page.content.decode()
