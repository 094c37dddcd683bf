"""With a shared cache, list pages are served from it until anything is written to the database,
and people who see different parts of the organisation never share a page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext

from objectives.models import Objective
from okrplatform.org import api_cache
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db(transaction=True)  # writes commit, as in production

LIST = "/api/objectives/"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.API_LIST_CACHE = True
    api_cache.install()
    cache.clear()
    yield
    connection_created.disconnect(dispatch_uid="api-cache-watch")
    for open_connection in connections.all(initialized_only=True):
        if api_cache.note_writes in open_connection.execute_wrappers:
            open_connection.execute_wrappers.remove(api_cache.note_writes)
    cache.clear()


def titles(client) -> list[str]:
    return sorted(row["title"] for row in client.get(LIST).json()["results"])


def queries_for(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_a_page_is_served_from_the_cache_until_something_is_written(api, sam, emea, quarter):
    ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter)
    client = api(sam)
    queries_for(client)  # the first page of a view tells which tables its pages read
    built = queries_for(client)

    assert queries_for(client) < built, "the next read is served from the cache"
    assert titles(client) == ["EMEA on time"]

    ObjectiveFactory(title="Dock to stock", unit=emea, cycle=quarter)
    assert titles(client) == ["Dock to stock", "EMEA on time"]

    # A set-based UPDATE, as the rollups write, counts as much as a save.
    Objective.objects.filter(title="Dock to stock").update(title="Dock to stock in 2 h")
    assert titles(client) == ["Dock to stock in 2 h", "EMEA on time"]


def test_a_write_shows_once_its_transaction_commits(api, sam, emea, quarter):
    objective = ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter)
    client = api(sam)
    titles(client)

    def rename_then_fail() -> None:
        with transaction.atomic():
            Objective.objects.filter(pk=objective.pk).update(title="Rolled back")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rename_then_fail()
    assert titles(client) == ["EMEA on time"]

    with transaction.atomic():
        Objective.objects.filter(pk=objective.pk).update(title="EMEA on time at 97%")
    assert titles(client) == ["EMEA on time at 97%"]


def test_people_who_see_part_of_the_organisation_get_their_own_pages(
    api, alice, charlie, sam, emea, apac, quarter
):
    ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter)
    ObjectiveFactory(title="APAC on time", unit=apac, cycle=quarter)

    assert titles(api(sam)) == ["APAC on time", "EMEA on time"]
    assert titles(api(charlie)) == ["APAC on time"]
    assert titles(api(alice)) == ["EMEA on time"]
    assert titles(api(charlie)) == ["APAC on time"]


def test_a_check_in_leaves_the_kpi_pages_in_the_cache(api, bob, emea_logistics, quarter):
    from decimal import Decimal

    from objectives.services import check_in_record
    from tests.factories import KeyResultFactory, KPIFactory

    KPIFactory(code="emea-throughput", name="Throughput", unit=emea_logistics, owner=bob)
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(unit=emea_logistics, cycle=quarter), owner=bob
    )
    client = api(bob)

    def kpi_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/kpis/").status_code == 200
        return len(queries)

    kpi_queries()
    built = kpi_queries()
    assert kpi_queries() < built

    check_in_record(key_result=key_result, author=bob, value=Decimal(40), confidence=7, note="ok")

    assert kpi_queries() < built, "a check-in writes nothing a KPI page shows"
    assert queries_for(client) > 0
    from kpis.models import KPI

    KPI.objects.filter(code="emea-throughput").update(name="Throughput per day")
    assert client.get("/api/kpis/").json()["results"][0]["name"] == "Throughput per day"


def test_a_page_comes_back_as_the_bytes_it_was_first_sent_as(api, sam, emea, quarter):
    ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter)
    client = api(sam)
    first, second, third = (client.get(LIST) for _ in range(3))

    assert first.content == second.content == third.content
    assert third["Content-Type"] == first["Content-Type"] == "application/json"
