"""The strategy map: objectives in the four perspectives, cause and effect from the links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alignment.strategy_map import ALIGNS, SUPPORTS, strategy_map
from kpis.models import Perspective
from okrplatform.org.access import access_for
from tests.factories import KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def perspectives(company, emea, emea_logistics, cycles, strategy):
    """A learning objective of EMEA that also supports the company's customer objective, and
    KPIs in two perspectives."""
    skills = ObjectiveFactory(
        title="Certify every dispatcher",
        unit=emea,
        cycle=cycles.q4,
        perspective=Perspective.LEARNING_GROWTH,
        parent=strategy.on_time,
    )
    skills.supports.add(strategy.emea_on_time)
    KPIFactory(name="Employee engagement", unit=company, perspective=Perspective.LEARNING_GROWTH)
    KPIFactory(name="Net promoter score", unit=emea, perspective=Perspective.CUSTOMER)
    KPIFactory(name="Dock utilisation", unit=emea_logistics, perspective=Perspective.CUSTOMER)
    return skills


def band(smap, perspective):
    return next(band for band in smap.bands if band.perspective == perspective)


def test_objectives_sit_in_their_perspective_and_horizon(
    alice, emea, cycles, strategy, perspectives
):
    smap = strategy_map(emea, cycles.q4, access_for(alice))

    assert [band.perspective for band in smap.bands] == [
        Perspective.FINANCIAL,
        Perspective.CUSTOMER,
        Perspective.INTERNAL_PROCESS,
        Perspective.LEARNING_GROWTH,
    ], "outcomes at the top, enablers at the bottom"
    breakthrough, annual, quarterly = band(smap, Perspective.CUSTOMER).cells
    assert [node.title for node in breakthrough.objectives] == ["Be the most reliable partner"]
    assert [node.title for node in annual.objectives] == ["Deliver on time"]
    assert [node.title for node in quarterly.objectives] == [
        "EMEA on time at 97%",  # EMEA's own first, then the units right below
        "Dock to stock in a day",
        "New signs in the warehouse",
        "Repaint the warehouse",
    ]
    learning = band(smap, Perspective.LEARNING_GROWTH).cells[2].objectives
    assert [node.title for node in learning] == ["Certify every dispatcher"]
    assert not breakthrough.objectives[0].in_scope, "the company's plan is context for EMEA"


def test_cause_and_effect_follows_alignment_and_also_supports(
    alice, emea, cycles, strategy, perspectives
):
    smap = strategy_map(emea, cycles.q4, access_for(alice))

    edges = {(edge.source.title, edge.target.title, edge.kind) for edge in smap.edges}
    assert ("Certify every dispatcher", "Deliver on time", ALIGNS) in edges
    assert ("Certify every dispatcher", "EMEA on time at 97%", SUPPORTS) in edges
    assert ("EMEA on time at 97%", "Deliver on time", ALIGNS) in edges
    assert ("Deliver on time", "Be the most reliable partner", ALIGNS) in edges
    assert {"from", "to", "kind"} == set(smap.edge_data[0])


def test_each_perspective_lists_the_kpis_of_the_unit_and_the_units_below(
    alice, emea, cycles, strategy, perspectives
):
    smap = strategy_map(emea, cycles.q4, access_for(alice))

    assert [kpi.name for kpi in band(smap, Perspective.CUSTOMER).kpis] == [
        "Dock utilisation",
        "Net promoter score",
    ]
    assert band(smap, Perspective.LEARNING_GROWTH).kpis == [], "the company's KPI is above EMEA"


def test_the_page_draws_bands_cards_and_the_arrows_data(
    client, alice, emea, cycles, strategy, perspectives
):
    client.force_login(alice)
    page = client.get(reverse("strategy_map"), {"unit": emea.pk, "cycle": cycles.q4.pk})
    html = page.content.decode()

    assert page.status_code == 200
    for label in ("Financial", "Customer", "Internal process", "Learning &amp; growth"):
        assert f">{label}</h2>" in html
    assert f'id="smap-{perspectives.pk}"' in html
    assert 'id="strategy-map-edges"' in html
    assert "“Certify every dispatcher” also supports “EMEA on time at 97%”" in html


def test_the_page_runs_a_bounded_number_of_queries(alice, emea, stays_bounded):
    stays_bounded(alice, "strategy_map", emea, queries=16)
