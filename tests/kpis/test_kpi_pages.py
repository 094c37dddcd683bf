"""The KPI board, a KPI's page, recording a value there, and the intervention page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import Measurement
from kpis.rollups import refresh_kpis
from objectives.models import Intervention, KPILink
from tests.factories import (
    DecisionFactory,
    InterventionFactory,
    KPIFactory,
    KPILinkFactory,
    MeasurementFactory,
    ObjectiveFactory,
    OrgUnitFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


def kpi_with(values: list[int], **fields):
    kpi = KPIFactory(frequency="monthly", **fields)
    for months_ago, value in enumerate(reversed(values)):
        period = (MONTH - timedelta(days=31 * months_ago)).replace(day=1)
        MeasurementFactory(kpi=kpi, period=period, value=Decimal(value))
    return kpi


class TestBoard:
    def test_exceptions_come_first_with_words_for_every_colour(self, client, sam, emea):
        kpi_with([95, 96], name="Healthy", unit=emea)
        kpi_with([92, 85], name="Sliding", unit=emea)
        kpi_with([90, 75], name="Broken", unit=emea)
        refresh_kpis()
        client.force_login(sam)

        page = client.get(reverse("kpi_board"), {"unit": emea.pk}).content.decode()

        assert page.index("Broken") < page.index("Sliding") < page.index("Healthy")
        for words in ("Critical", "Warning", "On target", "worsening", "improving"):
            assert words in page
        assert page.count('class="okr-sparkline') == 3

    def test_units_below_are_included_unless_switched_off(self, client, sam, emea, emea_logistics):
        kpi_with([95], name="Regional", unit=emea)
        kpi_with([95], name="Departmental", unit=emea_logistics)
        client.force_login(sam)

        with_below = client.get(reverse("kpi_board"), {"unit": emea.pk, "below": "on"})
        only_unit = client.get(reverse("kpi_board"), {"unit": emea.pk})

        assert "Departmental" in with_below.content.decode()
        assert "Departmental" not in only_unit.content.decode()

    def test_filters_by_perspective_lead_or_lag_and_owner(self, client, sam, alice, emea):
        kpi_with(
            [95],
            name="Lead customer KPI",
            unit=emea,
            indicator="lead",
            perspective="customer",
            owner=alice,
        )
        kpi_with([95], name="Lag finance KPI", unit=emea, indicator="lag", perspective="financial")
        client.force_login(sam)
        url = reverse("kpi_board")

        by_perspective = client.get(url, {"unit": emea.pk, "perspective": "customer"})
        by_indicator = client.get(url, {"unit": emea.pk, "indicator": "lag"})
        by_owner = client.get(url, {"unit": emea.pk, "owner": alice.pk})

        assert "Lag finance" not in by_perspective.content.decode()
        assert "Lead customer" not in by_indicator.content.decode()
        assert "Lag finance" not in by_owner.content.decode()

    def test_people_see_only_the_kpis_of_their_units(self, client, bob, emea, apac):
        kpi_with([95], name="EMEA KPI", unit=emea)
        kpi_with([95], name="APAC KPI", unit=apac)
        client.force_login(bob)
        page = client.get(reverse("kpi_board")).content.decode()
        assert "EMEA KPI" in page
        assert "APAC KPI" not in page
        assert client.get(reverse("kpi_board"), {"unit": apac.pk}).status_code in {200, 403}
        assert (
            "APAC KPI" not in client.get(reverse("kpi_board"), {"unit": apac.pk}).content.decode()
        )

    def test_the_board_runs_the_same_queries_at_ten_times_the_kpis(
        self, client, alice, emea, django_assert_num_queries
    ):
        def grow(count: int) -> None:
            for _ in range(count):
                kpi_with([90, 92, 95, 93, 97, 96, 94, 95], unit=OrgUnitFactory(parent=emea))
            refresh_kpis()

        client.force_login(alice)
        grow(4)
        # session, user, access, the chosen unit, its children, the units above it, the
        # count, the page of KPIs (the subtree is a subquery of both), their sparkline values;
        # the owners to choose from are those on the page, read with their KPIs
        with django_assert_num_queries(10):
            client.get(reverse("kpi_board"), {"unit": emea.pk, "below": "on"})
        grow(36)
        with django_assert_num_queries(10):
            page = client.get(reverse("kpi_board"), {"unit": emea.pk, "below": "on"})
        assert page.content.decode().count('class="okr-sparkline') == 40


class TestKPIPage:
    def test_it_shows_chart_thresholds_decisions_links_and_interventions(
        self, client, alice, emea, quarter
    ):
        kpi = kpi_with([95, 93, 88], name="On-time delivery", unit=emea, owner=alice)
        objective = ObjectiveFactory(title="Deliver on time", unit=emea, cycle=quarter)
        KPILinkFactory(kpi=kpi, objective=objective, kind=KPILink.Kind.LEADS)
        decision = DecisionFactory(title="Add a second shift", decided_by=alice)
        decision.kpis.add(kpi)
        InterventionFactory(kpi=kpi, objective=objective)
        refresh_kpis()
        client.force_login(alice)

        response = client.get(reverse("kpi_detail", args=[kpi.pk]))

        page = response.content.decode()
        chart = response.context["chart"]
        assert [point["y"] for point in chart["points"]] == [95, 93, 88]
        assert (chart["target"], chart["warning"], chart["critical"]) == (100, 90, 80)
        assert chart["decisions"][0]["title"] == "Add a second shift"
        assert "Deliver on time" in page
        assert "Open interventions" in page
        assert "Record" in page

    def test_recording_a_value_with_htmx_swaps_the_panel(self, client, alice, emea):
        kpi = kpi_with([95], unit=emea, owner=alice)
        client.force_login(alice)
        response = client.post(
            reverse("kpi_measurements", args=[kpi.pk]),
            {"period": str(TODAY), "value": "85.5", "note": "storm"},
            headers={"HX-Request": "true"},
        )
        page = response.content.decode()
        assert page.lstrip().startswith(
            '<section class="card shadow-sm mb-4" id="measurement-panel"'
        )
        assert "Measurement recorded." in page
        assert "Warning" in page
        assert Measurement.objects.get(kpi=kpi, period=MONTH).value == Decimal("85.5")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"period": str(TODAY), "value": "lots"}, "Enter a number"),
            ({"period": "2999-01-01", "value": "5"}, "That period has not started yet."),
            ({"period": "", "value": "5"}, "This field is required."),
        ],
    )
    def test_a_bad_value_comes_back_and_nothing_is_saved(self, client, alice, emea, data, message):
        kpi = kpi_with([95], unit=emea, owner=alice)
        client.force_login(alice)
        response = client.post(reverse("kpi_measurements", args=[kpi.pk]), data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert Measurement.objects.filter(kpi=kpi).count() == 1

    def test_who_may_record(self, client, alice, bob, vera, charlie, emea_logistics):
        kpi = kpi_with([95], unit=emea_logistics)
        url = reverse("kpi_measurements", args=[kpi.pk])
        for person, expected in [(alice, 302), (bob, 302), (vera, 403), (charlie, 403)]:
            client.force_login(person)
            response = client.post(url, {"period": str(TODAY), "value": "96"})
            assert response.status_code == expected, person

    def test_outsiders_cannot_open_it(self, client, charlie, emea):
        kpi = kpi_with([95], unit=emea)
        client.force_login(charlie)
        assert client.get(reverse("kpi_detail", args=[kpi.pk])).status_code == 403

    def test_a_value_sent_again_shows_what_it_was(self, client, alice, emea):
        kpi = kpi_with([95], unit=emea, owner=alice)
        client.force_login(alice)
        client.post(
            reverse("kpi_measurements", args=[kpi.pk]), {"period": str(MONTH), "value": "91"}
        )
        page = client.get(reverse("kpi_detail", args=[kpi.pk])).content.decode()
        assert "95, changed to 91 by Alice Martin" in page


class TestInterventionPage:
    @pytest.fixture
    def intervention(self, emea_logistics, apac, bob, charlie, quarter):
        kpi = KPIFactory(unit=apac, owner=charlie, name="Throughput")
        objective = ObjectiveFactory(unit=emea_logistics, owner=bob, cycle=quarter)
        intervention = InterventionFactory(kpi=kpi, objective=objective)
        intervention.assignees.set([bob, charlie])
        return intervention

    def test_assignees_acknowledge_write_and_resolve(self, client, bob, intervention):
        client.force_login(bob)
        url = reverse("intervention_detail", args=[intervention.pk])
        assert "Acknowledge: I am on it" in client.get(url).content.decode()

        client.post(reverse("intervention_acknowledge", args=[intervention.pk]))
        client.post(reverse("intervention_notes", args=[intervention.pk]), {"text": "On it."})
        client.post(reverse("intervention_resolve", args=[intervention.pk]), {"text": "Fixed."})

        intervention.refresh_from_db()
        assert intervention.state == Intervention.State.RESOLVED
        assert list(intervention.notes.values_list("text", flat=True)) == ["On it.", "Fixed."]

    def test_viewers_see_it_but_cannot_act(self, client, vera, intervention):
        client.force_login(vera)
        page = client.get(reverse("intervention_detail", args=[intervention.pk]))
        assert page.status_code == 200
        assert "Acknowledge" not in page.content.decode()
        refused = client.post(reverse("intervention_resolve", args=[intervention.pk]))
        assert refused.status_code == 403
        intervention.refresh_from_db()
        assert intervention.state == Intervention.State.OPEN

    def test_my_work_lists_the_interventions_i_am_on(self, client, bob, intervention):
        client.force_login(bob)
        page = client.get(reverse("home")).content.decode()
        assert "Open interventions you are on" in page
        assert "Throughput" in page


def test_each_decision_beside_the_chart_points_to_its_marker(client, alice, emea):
    from tests.factories import DecisionFactory

    kpi = kpi_with([95, 96], name="On-time delivery", unit=emea, owner=alice)
    decision = DecisionFactory(title="Two more carriers", decided_by=alice)
    decision.kpis.add(kpi)
    client.force_login(alice)

    page = client.get(reverse("kpi_detail", args=[kpi.pk])).content.decode()

    assert 'tabindex="0" data-decision-index="0" title="Two more carriers"' in page
