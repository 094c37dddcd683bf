"""Tokens: made and revoked by their person, shown once, kept as a hash; token writes are
throttled, people in the browser are not."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from okrplatform.org.models import ApiToken, Membership
from tests.factories import MembershipFactory, ObjectiveFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_makes_a_token_sees_it_once_and_signs_in_with_it(client, alice):
    client.force_login(alice)
    page = client.post("/account/tokens/", {"action": "create", "name": "ERP nightly push"})
    key = page.context["new_key"]
    assert key in page.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.digest == ApiToken.digest_of(key), "only a hash is kept"
    assert key not in token.digest
    assert key not in client.get("/account/tokens/").content.decode(), "shown this once"

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/objectives/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(client, alice):
    token, key = ApiToken.issue(user=alice, name="old script")
    client.force_login(alice)
    client.post("/account/tokens/", {"action": "revoke", "token": token.pk})
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/objectives/").status_code == 401


def test_one_cannot_revoke_someone_elses_token(client, alice, bob):
    token, _key = ApiToken.issue(user=alice, name="mine")
    client.force_login(bob)
    client.post("/account/tokens/", {"action": "revoke", "token": token.pk})
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_a_token_name_is_needed_and_unique(client, alice):
    client.force_login(alice)
    assert client.post("/account/tokens/", {"action": "create", "name": ""}).status_code == 400
    client.post("/account/tokens/", {"action": "create", "name": "ERP"})
    again = client.post("/account/tokens/", {"action": "create", "name": "ERP"})
    assert again.status_code == 400
    assert "You already have a token with that name." in again.content.decode()


def test_scripts_get_a_token_from_the_management_command(alice):
    call_command("drf_create_token", "alice", stdout=io.StringIO())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=alice).key}")
    assert api.get("/api/cycles/").status_code == 200


@pytest.fixture
def three_writes_a_minute(settings):
    """The throttle reads its rate from the settings on every request."""
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token_writes": "3/minute"},
    }
    yield
    cache.clear()


def test_token_writes_are_throttled_but_reads_and_browser_writes_are_not(
    api, alice, emea, quarter, three_writes_a_minute
):
    token_client = api(alice)
    payload = {"title": "x", "unit": emea.code, "cycle": quarter.code, "owner": "alice"}
    codes = [token_client.post("/api/objectives/", payload).status_code for _ in range(4)]
    assert codes[:3] == [400, 400, 400], "missing perspective: refused, but counted"
    assert codes[3] == 429
    assert token_client.get("/api/objectives/").status_code == 200
    session = APIClient()
    session.force_login(alice)
    assert session.post("/api/objectives/", payload).status_code == 400


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


def test_the_token_lookup_also_tells_whether_its_person_sees_every_unit(
    api, alice, company, emea, apac, quarter
):
    ceo = UserFactory(username="ceo")
    MembershipFactory(user=ceo, unit=company, role=Membership.Role.VIEWER)
    ObjectiveFactory(title="APAC margin", unit=apac, cycle=quarter)
    ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter)

    def titles(client) -> list[str]:
        return sorted(row["title"] for row in client.get("/api/objectives/").json()["results"])

    # The company-wide person's list asks nothing more about them than the token lookup did.
    company_wide = api(ceo)
    assert not any("RECURSIVE" in sql for sql in queries_of(company_wide, "/api/objectives/"))
    assert titles(company_wide) == ["APAC margin", "EMEA on time"]
    # A regional manager is still walked down their branch, and sees only it.
    regional = api(alice)
    assert any("RECURSIVE" in sql for sql in queries_of(regional, "/api/objectives/"))
    assert titles(regional) == ["EMEA on time"]
    # A second organisation tree: a role at the top of one is not everywhere any more.
    OrgUnitFactory(parent=None)
    assert any("RECURSIVE" in sql for sql in queries_of(company_wide, "/api/objectives/"))
    assert titles(company_wide) == ["APAC margin", "EMEA on time"]
