"""/api/objectives/: the same rules as the pages, computed figures, optimistic locking."""

from __future__ import annotations

import pytest

from objectives.models import Objective
from tests.factories import MembershipFactory, ObjectiveFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

LIST = "/api/objectives/"


def detail(objective) -> str:
    return f"/api/objectives/{objective.pk}/"


def new_objective(unit, cycle, owner, **fields) -> dict:
    return {
        "title": "Cut dwell time at the hubs",
        "unit": unit.code,
        "cycle": cycle.code,
        "owner": owner.username,
        "perspective": "internal_process",
        **fields,
    }


def test_other_systems_need_a_token(api, emea_objective):
    response = api().get(LIST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    bad = api()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert bad.get(LIST).status_code == 401


def test_reading_an_objective_gives_its_figures_and_links(api, vera, emea_objective):
    body = api(vera).get(detail(emea_objective)).json()

    assert body["title"] == "EMEA on time at 97%"
    assert body["unit"] == "emea"
    assert body["progress"] == pytest.approx(0.4)
    assert body["status"] == emea_objective.status
    assert 0 <= body["expected_progress"] <= 1
    assert body["is_aligned"] is False
    assert body["unit_url"].endswith(f"/api/v1/org-units/{emea_objective.unit_id}/")
    assert len(body["key_results"]) == 1
    assert body["key_results"][0].startswith("http://testserver/api/v1/key-results/")
    assert body["grade"] is None
    assert body["version"] == emea_objective.version


def test_people_see_only_the_objectives_of_units_they_see(api, charlie, emea_objective, apac):
    apac_objective = ObjectiveFactory(unit=apac, title="APAC growth")
    titles = [row["title"] for row in api(charlie).get(LIST).json()["results"]]
    assert titles == [apac_objective.title]
    assert api(charlie).get(detail(emea_objective)).status_code == 404


def test_a_manager_creates_an_objective_and_the_rollups_follow(api, alice, emea, quarter):
    response = api(alice).post(LIST, new_objective(emea, quarter, alice))

    assert response.status_code == 201, response.json()
    objective = Objective.objects.get(title="Cut dwell time at the hubs")
    assert objective.unit == emea
    assert response.json()["url"].endswith(f"/api/v1/objectives/{objective.pk}/")


@pytest.mark.parametrize("who", ["bob", "vera"])
def test_only_managers_of_the_unit_create(api, request, who, emea, quarter, alice):
    person = request.getfixturevalue(who)
    response = api(person).post(LIST, new_objective(emea, quarter, alice))
    assert response.status_code == 403
    assert not Objective.objects.filter(title="Cut dwell time at the hubs").exists()


def test_a_unit_out_of_sight_is_unknown_rather_than_forbidden(api, charlie, emea, quarter, alice):
    response = api(charlie).post(LIST, new_objective(emea, quarter, alice))
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]
    assert not Objective.objects.filter(title="Cut dwell time at the hubs").exists()


def test_bad_input_is_named_field_by_field(api, alice, emea, quarter):
    response = api(alice).post(
        LIST,
        {**new_objective(emea, quarter, alice), "perspective": "vibes", "cycle": "2099-q9"},
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"perspective", "cycle"}
    response = api(alice).post(LIST, new_objective(emea, quarter, alice, weight="0"))
    assert response.status_code == 400
    assert response.json() == {"weight": ["The weight must be greater than zero."]}


def test_an_update_must_send_the_version_it_read_and_a_stale_one_is_refused(
    api, alice, emea_objective
):
    client = api(alice)
    read = client.get(detail(emea_objective)).json()

    missing = client.patch(detail(emea_objective), {"title": "Mine"})
    assert missing.status_code == 400
    assert "version" in missing.json()

    first = client.patch(detail(emea_objective), {"title": "Theirs", "version": read["version"]})
    assert first.status_code == 200
    second = client.patch(detail(emea_objective), {"title": "Mine", "version": read["version"]})
    assert second.status_code == 409
    assert "was changed by Alice Martin" in second.json()["detail"]
    assert "send it with the new version" in second.json()["detail"]
    emea_objective.refresh_from_db()
    assert emea_objective.title == "Theirs"


def test_contributors_and_viewers_do_not_change_objectives(api, bob, vera, emea_objective):
    for person in (bob, vera):
        response = api(person).patch(
            detail(emea_objective), {"title": "Mine", "version": emea_objective.version}
        )
        assert response.status_code == 403


def test_deleting_archives_and_restoring_brings_it_back(api, alice, emea_objective):
    client = api(alice)
    assert client.delete(detail(emea_objective)).status_code == 204
    emea_objective.refresh_from_db()
    assert emea_objective.is_archived
    assert client.get(LIST).json()["count"] == 0
    assert client.get(LIST, {"archived": "true"}).json()["count"] == 1

    restored = client.post(detail(emea_objective) + "restore/")
    assert restored.status_code == 200
    assert restored.json()["archived"] is False
    assert client.get(detail(emea_objective)).json()["archived"] is False


def test_an_archived_objective_is_gone_from_its_route_and_held_by_the_archived_list(
    api, alice, emea_objective
):
    client = api(alice)
    before = client.get(detail(emea_objective)).json()["updated_at"]
    client.delete(detail(emea_objective))

    assert client.get(detail(emea_objective)).status_code == 404
    edit = {"title": "Too late", "version": emea_objective.version}
    assert client.patch(detail(emea_objective), edit).status_code == 404
    assert client.delete(detail(emea_objective)).status_code == 404
    (archived,) = client.get(LIST, {"archived": "true"}).json()["results"]
    assert (archived["id"], archived["archived"]) == (emea_objective.pk, True)
    # A system syncing by updated_since learns of the archive.
    assert archived["updated_at"] > before
    assert Objective.objects.get(pk=emea_objective.pk).title == emea_objective.title


def test_only_who_may_edit_it_restores_an_archived_objective(api, alice, bob, emea_objective):
    api(alice).delete(detail(emea_objective))
    assert api(bob).post(detail(emea_objective) + "restore/").status_code == 403
    assert Objective.objects.get(pk=emea_objective.pk).is_archived


def test_filters_narrow_the_list(api, sam, emea, emea_logistics, quarter, emea_objective):
    ObjectiveFactory(unit=emea_logistics, cycle=quarter, title="Dock to stock")
    client = api(sam)

    def titles(**query) -> list[str]:
        return sorted(row["title"] for row in client.get(LIST, query).json()["results"])

    assert titles(unit=emea.pk) == ["EMEA on time at 97%"]
    assert titles(unit=emea.pk, below="true") == ["Dock to stock", "EMEA on time at 97%"]
    assert titles(status=emea_objective.status, unit=emea.pk) == ["EMEA on time at 97%"]
    assert titles(updated_since="2999-01-01T00:00:00Z") == []
    assert client.get(LIST, {"unit": "nope"}).status_code == 400


def test_changed_since_takes_any_iso_moment_and_refuses_what_is_not_one(api, sam, emea_objective):
    client = api(sam)

    def count(since: str):
        response = client.get(LIST, {"updated_since": since})
        return response.json()["count"] if response.status_code == 200 else response.json()

    # Offsets beyond the ±15:59 PostgreSQL accepts are valid ISO 8601: read as the same moment.
    assert count("2000-01-01T00:00:00-18:24") == 1
    assert count("2999-01-01T00:00:00+18:00") == 0
    # A moment that has no UTC equivalent, or no moment at all, is a clear 400.
    assert count("0001-01-01T00:00:00+01:00") == {
        "updated_since": ["Give a date and time such as 2026-11-01T09:00:00Z."]
    }
    assert count("last tuesday") == {
        "updated_since": ["Give a date and time such as 2026-11-01T09:00:00Z."]
    }


def test_the_list_runs_a_bounded_number_of_queries(
    api, sam, emea, quarter, django_assert_max_num_queries
):
    client = api(sam)
    for teams in (3, 30):
        for _ in range(teams):
            team = OrgUnitFactory(parent=emea)
            MembershipFactory(unit=team)
            ObjectiveFactory(unit=team, cycle=quarter)
        with django_assert_max_num_queries(6):
            response = client.get(LIST, {"page_size": 100})
        assert response.status_code == 200
    assert response.json()["count"] == 33


def test_an_objective_for_a_unit_out_of_sight_names_nothing(api, charlie, emea, quarter):
    body = {
        "title": "Grow",
        "unit": "emea",
        "cycle": quarter.code,
        "owner": "charlie",
        "perspective": "customer",
    }
    response = api(charlie).post("/api/objectives/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]
    assert "EMEA" not in response.content.decode()
