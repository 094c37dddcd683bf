"""Quality warnings: where a unit drifts from good practice, named, with a link to the fix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alignment.quality import quality_warnings
from kpis.health import Health
from objectives.progress import MetricType
from objectives.rollups import recompute_all
from okrplatform.org.access import access_for
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory, TensionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drifting(emea, emea_logistics, cycles, strategy):
    """EMEA Logistics with six objectives, one with six key results, a milestone, an open
    tension, a KPI without owner and a stale one."""
    crowded = [
        ObjectiveFactory(unit=emea_logistics, cycle=cycles.q4, parent=strategy.emea_on_time)
        for _ in range(3)
    ]
    for _ in range(6):
        KeyResultFactory(objective=crowded[0])
    KeyResultFactory(objective=crowded[1], title="Warehouse app live", metric_type="boolean")
    KeyResultFactory(objective=crowded[2])
    KeyResultFactory(objective=strategy.dock)
    KeyResultFactory(objective=strategy.repaint, metric_type=MetricType.PERCENTAGE)
    KeyResultFactory(objective=strategy.signs)
    throughput = KPIFactory(name="Throughput", unit=emea)
    TensionFactory(objective=strategy.dock, kpi=throughput)
    KPIFactory(name="Forklift uptime", unit=emea_logistics, owner=None)
    KPIFactory(name="Returns rate", unit=emea_logistics, health=Health.STALE)
    recompute_all(on=cycles.q4.start_date)
    return crowded


def warnings_by_kind(groups) -> dict[str, list[str]]:
    return {group.kind: [warning.subject for warning in group.warnings] for group in groups}


def test_every_kind_of_warning_names_its_object(alice, emea, cycles, strategy, drifting):
    found = warnings_by_kind(quality_warnings(emea, cycles.q4, access_for(alice)))

    assert found["too_many_objectives"] == ["EMEA Logistics"]
    assert found["key_results"] == [
        strategy.emea_on_time.title,  # no key results at all
        drifting[0].title,  # six
    ]
    assert found["not_measurable"] == ["Warehouse app live"]
    assert found["unaligned"] == ["New signs in the warehouse", "Repaint the warehouse"]
    assert found["open_tension"] == [f"{strategy.dock.title} ↔ Throughput"]
    assert found["kpi_owner"] == ["Forklift uptime"]
    assert found["kpi_stale"] == ["Returns rate"]


def test_each_warning_links_to_its_fix(alice, emea, cycles, strategy, drifting):
    groups = {group.kind: group for group in quality_warnings(emea, cycles.q4, access_for(alice))}

    unaligned = groups["unaligned"].warnings[0]
    assert unaligned.url == reverse("objective_edit", args=[strategy.signs.pk])
    assert unaligned.fix == "Edit the objective", "Alice manages EMEA, so she can fix it"
    tension = groups["open_tension"].warnings[0]
    assert tension.url.startswith("/tensions/")
    assert groups["kpi_stale"].warnings[0].fix == "Record a measurement"


def test_a_viewer_is_sent_to_read_what_they_cannot_edit(vera, emea, cycles, strategy, drifting):
    groups = {group.kind: group for group in quality_warnings(emea, cycles.q4, access_for(vera))}
    unaligned = groups["unaligned"].warnings[0]
    assert unaligned.url == reverse("objective_detail", args=[strategy.signs.pk])


def test_a_decided_tension_and_an_aligned_objective_warn_no_more(
    alice, emea, cycles, strategy, drifting
):
    strategy.repaint.parent = strategy.emea_on_time
    strategy.repaint.save()
    strategy.dock.tensions.update(state="decided", trade_off="Throughput first until May.")
    recompute_all(on=cycles.q4.start_date)
    found = warnings_by_kind(quality_warnings(emea, cycles.q4, access_for(alice)))

    assert found["unaligned"] == []
    assert found["open_tension"] == []


def test_the_page_lists_the_warnings_with_counts(client, alice, emea, cycles, drifting):
    client.force_login(alice)
    page = client.get(reverse("quality"), {"unit": emea.pk, "cycle": cycles.q4.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "9 warnings for this unit and everything below it" in html
    assert "Warehouse app live" in html
    assert "Record the trade-off" in html


def test_the_page_runs_a_bounded_number_of_queries(alice, emea, drifting, stays_bounded):
    stays_bounded(alice, "quality", emea, queries=17)
