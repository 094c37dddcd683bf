"""A page asked with an odd id in its query string answers as if it had not been given: a
digit Python reads but int() refuses ("¹"), or a number no database integer holds, is no id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from okrplatform.http import id_from
from tests.factories import ObjectiveFactory, ReviewMeetingFactory

pytestmark = pytest.mark.django_db

ODD_IDS = ["¹", "²³", "٣", "9" * 25, "-1", "1.0", " 1"]


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("page", ["kpi_board", "alignment_map", "x_matrix", "quality"])
def test_a_page_takes_an_odd_unit_or_cycle_as_none_given(client, alice, emea, quarter, page, odd):
    ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    client.force_login(alice)
    plain = client.get(reverse(page))
    odd_one = client.get(reverse(page), {"unit": odd, "cycle": odd})
    assert plain.status_code == odd_one.status_code == 200


@pytest.mark.parametrize("odd", ODD_IDS)
def test_the_review_agenda_starts_at_the_top_for_an_odd_start(client, alice, emea, quarter, odd):
    review = ReviewMeetingFactory(unit=emea, cycle=quarter, facilitator=alice)
    client.force_login(alice)
    response = client.get(reverse("review_detail", args=[review.pk]), {"objectives": odd})
    assert response.status_code == 200


def test_an_id_is_ascii_digits_that_a_database_integer_holds():
    assert [id_from(text) for text in ["7", "007", str(2**63 - 1)]] == [7, 7, 2**63 - 1]
    assert [id_from(text) for text in [*ODD_IDS, str(2**63), "", None]] == [None] * 10
