"""Global deployment: one objective, copied to the regions, each adapting its own key results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from objectives.deployment import deployment_comparison, objective_deploy
from objectives.models import Objective
from objectives.progress import MetricType
from objectives.rollups import recompute_all
from okrplatform.org.models import Notification
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions(company, emea, apac):
    emea.lead = UserFactory(username="jonas", first_name="Jonas")
    emea.currency = "EUR"
    emea.save()
    apac.lead = UserFactory(username="mei", first_name="Mei")
    apac.currency = "SGD"
    apac.save()
    return [emea, apac]


@pytest.fixture
def global_objective(company, quarter, sam):
    objective = ObjectiveFactory(
        title="Reduce last-mile cost by 15%", unit=company, cycle=quarter, owner=sam
    )
    KeyResultFactory(
        objective=objective,
        title="Cost per parcel from 8.40 to 7.14",
        metric_type=MetricType.CURRENCY,
        unit_label="EUR",
        start_value=Decimal("8.40"),
        target_value=Decimal("7.14"),
        direction="decrease",
    )
    KeyResultFactory(objective=objective, title="Routes optimised", unit_label="routes")
    return objective


def test_each_unit_gets_a_copy_aligned_to_the_original_and_owned_by_its_lead(
    sam, regions, global_objective
):
    copies = objective_deploy(original=global_objective, units=regions, by=sam)

    assert [copy.unit for copy in copies] == regions
    for copy in copies:
        assert copy.title == "Reduce last-mile cost by 15%"
        assert copy.parent == global_objective
        assert copy.deployed_from == global_objective
        assert copy.cycle == global_objective.cycle
        assert copy.owner == copy.unit.lead
    recompute_all()
    assert all(copy.is_aligned for copy in Objective.objects.filter(deployed_from__isnull=False))


def test_copies_start_from_the_original_key_results_in_the_local_currency(
    sam, regions, global_objective
):
    emea_copy, apac_copy = objective_deploy(original=global_objective, units=regions, by=sam)

    cost = apac_copy.key_results.get(title__startswith="Cost per parcel")
    assert cost.unit_label == "SGD"
    assert cost.owner == apac_copy.owner
    assert emea_copy.key_results.get(title__startswith="Cost per parcel").unit_label == "EUR"
    assert apac_copy.key_results.get(title="Routes optimised").unit_label == "routes"


def test_local_key_results_are_independent_of_each_other_and_of_the_original(
    sam, regions, global_objective
):
    emea_copy, apac_copy = objective_deploy(original=global_objective, units=regions, by=sam)
    apac_cost = apac_copy.key_results.get(title__startswith="Cost per parcel")
    apac_cost.start_value, apac_cost.target_value = Decimal("11.20"), Decimal("9.52")
    apac_cost.save()
    CheckInFactory(key_result=apac_cost, value=Decimal("10.36"))

    recompute_all()

    original_cost = global_objective.key_results.get(title__startswith="Cost per parcel")
    emea_cost = emea_copy.key_results.get(title__startswith="Cost per parcel")
    assert original_cost.target_value == emea_cost.target_value == Decimal("7.14")
    assert emea_cost.check_ins.count() == 0
    apac_cost.refresh_from_db()
    assert apac_cost.progress == pytest.approx(0.5)
    emea_cost.refresh_from_db()
    assert emea_cost.progress == 0


def test_an_original_without_key_results_takes_its_progress_from_the_copies(
    sam, company, regions, quarter
):
    original = ObjectiveFactory(unit=company, cycle=quarter)
    emea_copy, apac_copy = objective_deploy(original=original, units=regions, by=sam)
    for copy, value in ((emea_copy, 20), (apac_copy, 60)):
        CheckInFactory(key_result=KeyResultFactory(objective=copy), value=Decimal(value))

    recompute_all()

    original.refresh_from_db()
    assert original.progress_source == Objective.ProgressSource.CHILDREN
    assert original.progress == pytest.approx(0.4)


def test_a_unit_outside_the_subtree_or_with_a_copy_already_is_refused(
    sam, company, emea, regions, global_objective
):
    outside = OrgUnitFactory(name="Another group")
    with pytest.raises(ValidationError, match="is not below"):
        objective_deploy(original=global_objective, units=[outside], by=sam)
    objective_deploy(original=global_objective, units=[emea], by=sam)
    with pytest.raises(ValidationError, match="EMEA already has a copy"):
        objective_deploy(original=global_objective, units=regions, by=sam)
    assert global_objective.deployments.count() == 1, "nothing half-done"


def test_the_new_owners_are_asked_to_adapt_their_key_results(sam, regions, global_objective):
    objective_deploy(original=global_objective, units=regions, by=sam)
    notified = Notification.objects.values_list("recipient__username", flat=True)
    assert sorted(notified) == ["jonas", "mei"]


def test_the_comparison_puts_the_copies_side_by_side_with_their_progress_over_time(
    sam, regions, global_objective
):
    _emea_copy, apac_copy = objective_deploy(original=global_objective, units=regions, by=sam)
    key_result = apac_copy.key_results.get(title="Routes optimised")
    CheckInFactory(key_result=key_result, value=Decimal(30))
    CheckInFactory(key_result=key_result, value=Decimal(70))

    comparison = deployment_comparison(global_objective)

    assert [copy.unit.name for copy in comparison.copies] == ["APAC", "EMEA"]
    apac_series, emea_series = comparison.series
    assert apac_series["label"] == "APAC"
    assert [point["y"] for point in apac_series["points"]] == [15.0, 35.0]
    assert emea_series["points"] == []


def test_a_manager_deploys_from_the_page(client, alice, emea, emea_logistics, quarter):
    regional = ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter)
    client.force_login(alice)
    url = reverse("objective_deploy", args=[regional.pk])

    form = client.get(url).content.decode()
    assert "EMEA Logistics" in form

    response = client.post(url, {"units": [emea_logistics.pk], "copy_key_results": "on"})

    assert response.status_code == 302
    assert response.url == reverse("objective_deployments", args=[regional.pk])
    copy = regional.deployments.get()
    assert copy.unit == emea_logistics
    assert copy.owner == alice, "the unit has no lead, so the deployer owns the copy"


def test_choosing_no_unit_is_a_clear_error(client, alice, emea, emea_logistics, quarter):
    regional = ObjectiveFactory(unit=emea, cycle=quarter)
    client.force_login(alice)
    response = client.post(reverse("objective_deploy", args=[regional.pk]), {})
    assert response.status_code == 400
    assert "Choose at least one unit to deploy to." in response.content.decode()


def test_only_a_manager_of_the_objectives_unit_deploys(
    client, bob, vera, emea, emea_logistics, quarter
):
    regional = ObjectiveFactory(unit=emea, cycle=quarter)
    url = reverse("objective_deploy", args=[regional.pk])
    for person in (bob, vera):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"units": [emea_logistics.pk]}).status_code == 403
    assert not regional.deployments.exists()


def test_the_comparison_page_shows_every_regions_copy_without_other_rights(
    client, sam, charlie, regions, global_objective
):
    emea_copy, _apac_copy = objective_deploy(original=global_objective, units=regions, by=sam)
    client.force_login(charlie)  # APAC only

    page = client.get(reverse("objective_deployments", args=[global_objective.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert ">APAC</a>" in html
    assert f'id="copy-{emea_copy.pk}">EMEA</h2>' in html, "EMEA's copy is compared, unlinked"
    assert "Cost per parcel from 8.40 to 7.14" in html.split(f'id="copy-{emea_copy.pk}"')[1]
    assert client.get(reverse("objective_detail", args=[emea_copy.pk])).status_code == 403


def test_a_copy_leads_to_the_comparison_of_its_original(client, sam, regions, global_objective):
    emea_copy, _ = objective_deploy(original=global_objective, units=regions, by=sam)
    client.force_login(sam)
    response = client.get(reverse("objective_deployments", args=[emea_copy.pk]))
    assert response.url == reverse("objective_deployments", args=[global_objective.pk])
