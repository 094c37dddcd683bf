"""Guessing passwords is refused, pages carry a Content-Security-Policy without inline scripts,
and the API's schema is for people who signed in."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import translation

from okrplatform.org.models import ApiToken

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_ten_wrong_passwords_lock_the_person_out_for_a_quarter_of_an_hour(client, bob):
    bob.set_password("right horse battery")
    bob.save()
    for _ in range(9):
        assert sign_in(client, "bob", "guess").status_code == 200  # the form again, with an error
    locked = sign_in(client, "bob", "guess")
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()

    # Even the right password is refused while locked, and nobody is signed in.
    right = sign_in(client, "bob", "right horse battery")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock holds for this person from this address: Bob elsewhere still signs in.
    assert sign_in(client, "bob", "right horse battery", address="198.51.100.2").status_code == 302


def test_the_lockout_speaks_the_persons_language(client, bob):
    with translation.override("de"):
        for _ in range(10):
            response = client.post(
                LOGIN, {"username": "bob", "password": "x"}, HTTP_ACCEPT_LANGUAGE="de"
            )
    assert response.status_code == 429
    assert "Versuchen Sie es in 15 Minuten erneut" in response.content.decode()


def test_staff_unlock_a_locked_person_in_admin(client, bob, sam):
    bob.set_password("right horse battery")
    bob.save()
    for _ in range(10):
        sign_in(client, "bob", "guess")
    assert AccessAttempt.objects.filter(username="bob").exists()

    client.force_login(sam)
    listed = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listed.status_code == 200
    attempt = AccessAttempt.objects.get(username="bob")
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    client.logout()
    assert sign_in(client, "bob", "right horse battery").status_code == 302


def test_tokens_are_not_passwords_and_are_never_locked_out(client, bob):
    _token, key = ApiToken.issue(user=bob, name="etl")
    for _ in range(12):
        sign_in(client, "bob", "guess")
    response = client.get("/api/objectives/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_pages_allow_only_the_sites_own_scripts(client, bob):
    client.force_login(bob)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if "script-src" in part)
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert " onclick=" not in html
    assert " onchange=" not in html
    assert '"allowEval": false' in html
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions
    assert "fullscreen=(self)" in permissions


def test_the_schema_and_docs_need_sign_in(client, bob):
    assert client.get("/api/schema/").status_code in {401, 403}
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert docs.url.startswith(reverse("login"))
    client.force_login(bob)
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_a_version_changed_by_hand_is_a_form_to_open_again(client, alice, emea, quarter):
    client.force_login(alice)
    page = client.get(reverse("review_create"), {"unit": emea.pk})
    assert page.status_code == 200
    response = client.post(
        reverse("review_create"),
        {
            "unit": emea.pk,
            "cycle": quarter.pk,
            "title": "Q4",
            "version": "0",
            "scheduled_for": "2026-12-15T10:00",
            "facilitator": alice.pk,
        },
    )
    assert response.status_code == 400
    assert "open the page again" in response.content.decode()
