"""Creating and editing objectives with their key results in the browser's forms."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import KeyResult, Objective, UnitRollup
from objectives.rollups import recompute_all
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def form_data(objective_fields: dict, key_results: list[dict], *, version: str = "") -> dict:
    data = {
        "level": "quarterly",
        "kind": "committed",
        "perspective": "customer",
        "progress_source": "key_results",
        "weight": "1",
        "version": version,
        "description": "",
        **objective_fields,
        "key_results-TOTAL_FORMS": str(len(key_results)),
        "key_results-INITIAL_FORMS": str(sum(1 for kr in key_results if kr.get("id"))),
    }
    for index, key_result in enumerate(key_results):
        defaults = {
            "metric_type": "number",
            "direction": "increase",
            "weight": "1",
            "unit_label": "",
            "version": "",
        }
        for name, value in {**defaults, **key_result}.items():
            data[f"key_results-{index}-{name}"] = value
    return data


def opened_version(client, objective) -> str:
    page = client.get(reverse("objective_edit", args=[objective.pk]))
    return str(page.context["form"]["version"].value())


@pytest.fixture
def regional_objective(emea, quarter, alice):
    return ObjectiveFactory(
        title="Make EMEA the benchmark for on-time delivery", unit=emea, cycle=quarter, owner=alice
    )


def test_a_manager_creates_an_objective_with_key_results_aligned_to_a_parent(
    client,
    alice,
    bob,
    emea_logistics,
    quarter,
    regional_objective,
    django_capture_on_commit_callbacks,
):
    client.force_login(alice)
    data = form_data(
        {
            "title": "Dock-to-stock under 24 hours",
            "unit": emea_logistics.pk,
            "owner": bob.pk,
            "cycle": quarter.pk,
            "parent": regional_objective.pk,
        },
        [
            {
                "title": "Dock-to-stock from 40 to 24 hours",
                "owner": bob.pk,
                "start_value": "40",
                "target_value": "24",
                "direction": "decrease",
                "unit_label": "hours",
            },
            {
                "title": "Pick accuracy stays above 99.5%",
                "owner": bob.pk,
                "start_value": "",
                "target_value": "99.5",
                "direction": "stay_above",
            },
            {
                "title": "New scanner live",
                "owner": bob.pk,
                "metric_type": "boolean",
                "start_value": "",
                "target_value": "",
                "direction": "increase",
            },
        ],
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("objective_create"), data)

    objective = Objective.objects.get(title="Dock-to-stock under 24 hours")
    assert response.status_code == 302
    assert response["Location"] == reverse("objective_detail", args=[objective.pk])
    assert objective.parent == regional_objective
    assert objective.is_aligned is False  # the regional objective itself has no parent
    assert [kr.title for kr in objective.key_results.order_by("id")] == [
        "Dock-to-stock from 40 to 24 hours",
        "Pick accuracy stays above 99.5%",
        "New scanner live",
    ]
    yes_no = objective.key_results.get(metric_type="boolean")
    assert (yes_no.start_value, yes_no.target_value) == (0, 1)
    assert objective.progress == 0.0


def test_bad_key_results_come_back_with_messages_and_nothing_is_saved(
    client, alice, emea_logistics, quarter
):
    client.force_login(alice)
    data = form_data(
        {"title": "Half-baked", "unit": emea_logistics.pk, "owner": alice.pk, "cycle": quarter.pk},
        [
            {
                "title": "Same start and target",
                "owner": alice.pk,
                "start_value": "5",
                "target_value": "5",
                "direction": "increase",
            }
        ],
    )

    response = client.post(reverse("objective_create"), data)

    assert response.status_code == 200
    assert "The target must differ from the start value." in response.content.decode()
    assert not Objective.objects.filter(title="Half-baked").exists()


def test_editing_changes_the_objective_and_its_key_results(client, alice, regional_objective):
    key_result = KeyResultFactory(objective=regional_objective, title="Old title")
    client.force_login(alice)
    version = opened_version(client, regional_objective)
    data = form_data(
        {
            "title": "EMEA on time, every time",
            "unit": regional_objective.unit_id,
            "owner": alice.pk,
            "cycle": regional_objective.cycle_id,
        },
        [
            {
                "id": key_result.pk,
                "title": "New title",
                "owner": key_result.owner_id,
                "start_value": "0",
                "target_value": "100",
                "version": str(
                    client.get(reverse("objective_edit", args=[regional_objective.pk]))
                    .context["formset"]
                    .forms[0]["version"]
                    .value()
                ),
            }
        ],
        version=version,
    )

    response = client.post(reverse("objective_edit", args=[regional_objective.pk]), data)

    assert response.status_code == 302
    regional_objective.refresh_from_db()
    key_result.refresh_from_db()
    assert regional_objective.title == "EMEA on time, every time"
    assert key_result.title == "New title"


def test_the_second_of_two_concurrent_edits_is_refused_and_keeps_its_input(
    client, alice, sam, regional_objective
):
    client.force_login(alice)
    alices_version = opened_version(client, regional_objective)
    # Sam saves first, from the admin or another tab.
    regional_objective.title = "Sam's title"
    regional_objective._history_user = sam
    regional_objective.save()

    data = form_data(
        {
            "title": "Alice's title",
            "unit": regional_objective.unit_id,
            "owner": alice.pk,
            "cycle": regional_objective.cycle_id,
        },
        [],
        version=alices_version,
    )
    response = client.post(reverse("objective_edit", args=[regional_objective.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "changed by Sam since you opened it" in page
    assert "Alice&#x27;s title" in page
    regional_objective.refresh_from_db()
    assert regional_objective.title == "Sam's title"

    # Seen the conflict, she saves again on purpose, and now her title wins.
    data["version"] = str(response.context["form"]["version"].value())
    client.post(reverse("objective_edit", args=[regional_objective.pk]), data)
    regional_objective.refresh_from_db()
    assert regional_objective.title == "Alice's title"


def test_a_key_result_with_check_ins_cannot_be_deleted(client, alice, regional_objective):
    key_result = KeyResultFactory(objective=regional_objective)
    CheckInFactory(key_result=key_result)
    client.force_login(alice)
    page = client.get(reverse("objective_edit", args=[regional_objective.pk]))
    data = form_data(
        {
            "title": regional_objective.title,
            "unit": regional_objective.unit_id,
            "owner": alice.pk,
            "cycle": regional_objective.cycle_id,
        },
        [
            {
                "id": key_result.pk,
                "title": key_result.title,
                "owner": key_result.owner_id,
                "start_value": "0",
                "target_value": "100",
                "DELETE": "on",
                "version": str(page.context["formset"].forms[0]["version"].value()),
            }
        ],
        version=str(page.context["form"]["version"].value()),
    )

    response = client.post(reverse("objective_edit", args=[regional_objective.pk]), data)

    assert response.status_code == 200
    assert "has check-ins, which are a record" in response.content.decode()
    assert KeyResult.objects.filter(pk=key_result.pk).exists()


def test_warnings_do_not_block_a_save(client, alice, emea, quarter):
    for _ in range(5):
        ObjectiveFactory(unit=emea, cycle=quarter)
    client.force_login(alice)

    form_page = client.get(reverse("objective_create"), {"unit": emea.pk, "cycle": quarter.pk})
    assert "already has 5 objectives" in form_page.content.decode()

    response = client.post(
        reverse("objective_create"),
        form_data(
            {"title": "The sixth", "unit": emea.pk, "owner": alice.pk, "cycle": quarter.pk}, []
        ),
        follow=True,
    )
    page = response.content.decode()
    assert Objective.objects.filter(title="The sixth").exists()
    assert "has no key results yet" in page
    assert "has 6 objectives" in page


def test_more_than_five_key_results_is_a_warning(client, alice, regional_objective):
    KeyResultFactory.create_batch(6, objective=regional_objective)
    client.force_login(alice)
    page = client.get(reverse("objective_detail", args=[regional_objective.pk])).content.decode()
    assert "has 6 key results; more than 5 dilutes it" in page


def test_archiving_leaves_every_figure_and_keeps_history(
    client, alice, regional_objective, emea, django_capture_on_commit_callbacks
):
    KeyResultFactory(objective=regional_objective)
    keep = ObjectiveFactory(unit=emea, cycle=regional_objective.cycle)
    recompute_all()
    assert UnitRollup.objects.get(unit=emea, cycle=keep.cycle).objective_count == 2
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("objective_archive", args=[regional_objective.pk]))

    assert UnitRollup.objects.get(unit=emea, cycle=keep.cycle).objective_count == 1
    regional_objective.refresh_from_db()
    assert regional_objective.archived_at <= timezone.now()
    page = client.get(reverse("objective_detail", args=[regional_objective.pk])).content.decode()
    assert "Archived: left out of every figure" in page


def test_the_parent_search_offers_only_objectives_the_person_may_see(
    client, bob, charlie, regional_objective, apac, quarter
):
    ObjectiveFactory(title="Win the Japanese OEM market", unit=apac, cycle=quarter)
    client.force_login(bob)

    options = client.get(reverse("parent_options"), {"q": "e", "cycle": quarter.pk})

    page = options.content.decode()
    assert "Make EMEA the benchmark" in page
    assert "Japanese OEM" not in page


def test_a_parent_the_person_may_not_see_is_refused(client, alice, emea, quarter, apac):
    hidden = ObjectiveFactory(title="APAC only", unit=apac, cycle=quarter)
    client.force_login(alice)
    response = client.post(
        reverse("objective_create"),
        form_data(
            {
                "title": "Sneaky",
                "unit": emea.pk,
                "owner": alice.pk,
                "cycle": quarter.pk,
                "parent": hidden.pk,
            },
            [],
        ),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Objective.objects.filter(title="Sneaky").exists()
