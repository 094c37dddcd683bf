"""A unit's local copy of an objective (deployed from the unit above) is changed through the API
like any other objective: the rule of one live copy per unit does not refuse the copy itself."""

from __future__ import annotations

import pytest

from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_a_manager_renames_the_local_copy_of_an_objective(api, alice, emea, quarter):
    group_objective = ObjectiveFactory(title="Cut logistics cost", unit=emea, cycle=quarter)
    copy = ObjectiveFactory(
        title="Cut logistics cost", unit=emea, cycle=quarter, deployed_from=group_objective
    )
    client = api(alice)
    version = client.get(f"/api/objectives/{copy.pk}/").json()["version"]

    response = client.patch(
        f"/api/objectives/{copy.pk}/",
        {"title": "Cut EMEA logistics cost by 5%", "version": version},
        format="json",
    )

    assert response.status_code == 200, response.content
    copy.refresh_from_db()
    assert copy.title == "Cut EMEA logistics cost by 5%"
    assert copy.deployed_from == group_objective
