"""People saving at the same moment, as threads against PostgreSQL: nobody's save is silently
overwritten, nobody gets an error page, and every check-in is kept."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from objectives.models import CheckIn
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: concurrency is PostgreSQL's to prove.")


def all_at_once(count: int, work: Callable[[int], object]) -> list:
    """Run ``work(i)`` in ``count`` threads released together; their results in order."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = work(index)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_check_ins_at_once_are_twenty_rows_and_the_latest_counts(bob, key_result):
    def check_in(index: int) -> int:
        client = Client()
        client.force_login(bob)
        url = reverse("key_result_check_ins", args=[key_result.pk])
        value = str(100 + index)
        return client.post(url, {"value": value, "confidence": "7", "note": "busy day"}).status_code

    answers = all_at_once(20, check_in)

    assert answers == [302] * 20
    check_ins = CheckIn.objects.filter(key_result=key_result)
    assert check_ins.count() == 20
    latest = check_ins.order_by("-created_at", "-pk").first()
    key_result.refresh_from_db()
    assert key_result.current_value == latest.value


def test_ten_people_saving_one_objective_at_once_one_wins_nine_are_told(
    django_app, alice, emea_logistics, this_quarter
):
    objective = ObjectiveFactory(unit=emea_logistics, cycle=this_quarter, title="Cut cost")
    KeyResultFactory(objective=objective, title="Dense routes", start_value=0, target_value=200)
    page = django_app.get(reverse("objective_edit", args=[objective.pk]), user=alice)
    form = next(form for form in page.forms.values() if "title" in form.fields)
    # Everyone opened the same version of the page and sends all it rendered, their own title.
    fields = form.submit_fields()

    def save(index: int) -> tuple[int, str]:
        client = Client()
        client.force_login(alice)
        data = [
            (name, f"Cut cost, take {index}" if name == "title" else value)
            for name, value in fields
        ]
        body: dict[str, list] = {}
        for name, value in data:
            body.setdefault(name, []).append(value)
        response = client.post(reverse("objective_edit", args=[objective.pk]), body)
        return response.status_code, response.content.decode()

    answers = all_at_once(10, save)

    winners = [body for status, body in answers if status == 302]
    told = [body for status, body in answers if status != 302]
    assert len(winners) == 1
    assert len(told) == 9
    assert all(status < 500 for status, _ in answers)
    assert all("since you opened it" in body for body in told)
    objective.refresh_from_db()
    assert objective.title.startswith("Cut cost, take ")
    assert objective.version != 0
