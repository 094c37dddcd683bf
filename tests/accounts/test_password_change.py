"""A signed-in person changes their password from their profile (WebTest, English and German)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_with_password(alice):
    alice.set_password("old-password-1")
    alice.save()
    return alice


def test_alice_changes_her_password_from_her_profile(django_app, alice_with_password):
    profile = django_app.get("/accounts/profile/", user="alice")
    page = profile.click("Change your password")
    form = page.forms["password-change-form"]
    form["old_password"] = "old-password-1"
    form["new_password1"] = "a-much-longer-passphrase"
    form["new_password2"] = "a-much-longer-passphrase"
    page = form.submit().follow()
    assert "Your password is changed" in page.text
    alice_with_password.refresh_from_db()
    assert alice_with_password.check_password("a-much-longer-passphrase")


def test_a_wrong_old_password_is_refused_in_german(django_app, alice_with_password):
    alice_with_password.language = "de"
    alice_with_password.save()
    page = django_app.get("/accounts/password_change/", user="alice")
    assert "Passwort ändern" in page.text
    form = page.forms["password-change-form"]
    form["old_password"] = "not-it"
    form["new_password1"] = "a-much-longer-passphrase"
    form["new_password2"] = "a-much-longer-passphrase"
    page = form.submit()
    assert "Das alte Passwort war falsch. Bitte neu eingeben." in page.text
    alice_with_password.refresh_from_db()
    assert alice_with_password.check_password("old-password-1")


def test_changing_a_password_needs_sign_in(django_app, db):
    page = django_app.get("/accounts/password_change/")
    assert page.status_code == 302
    assert page.location.startswith("/accounts/login/")
