"""A person who forgot their password gets a link by e-mail and chooses a new one, in their
language; the pages are Django's reset views, filled in as a browser fills them (WebTest)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def bob_with_email(bob):
    bob.email = "bob@helix.example"
    bob.set_password("old-password-1")
    bob.save()
    return bob


def ask_for_a_link(app, email: str):
    page = app.get("/accounts/login/").click(href="/accounts/password_reset/")
    form = page.forms["password-reset-form"]
    form["email"] = email
    return form.submit().follow()


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def test_bob_resets_his_forgotten_password_and_signs_in_with_the_new_one(
    django_app, bob_with_email, settings
):
    settings.SITE_URL = "https://okr.helix.example"
    done = ask_for_a_link(django_app, "BOB@helix.example")  # addresses match in any case
    assert "Check your e-mail" in done.text

    (message,) = mail.outbox
    assert message.to == ["bob@helix.example"]
    assert message.subject == "Choose a new okrplatform password"
    assert "Hello Bob," in message.body
    assert "Your username, in case you need it: bob" in message.body
    link = re.search(r"https://okr\.helix\.example(/accounts/reset/\S+/)", message.body).group(1)

    page = django_app.get(link).follow()  # Django swaps the token for a session key
    form = page.forms["set-password-form"]
    form["new_password1"] = NEW_PASSWORD
    form["new_password2"] = NEW_PASSWORD
    page = form.submit().follow()
    assert "Your password is changed" in page.text

    form = django_app.get("/accounts/login/").forms["sign-in-form"]
    form["username"] = "bob"
    form["password"] = NEW_PASSWORD
    assert form.submit().follow().request.path == "/"


def test_the_mail_and_pages_speak_german_to_a_german_reader(app_in, bob_with_email):
    bob_with_email.language = "de"
    bob_with_email.save()
    app = app_in("de")
    done = ask_for_a_link(app, "bob@helix.example")
    assert "Sehen Sie in Ihr Postfach" in done.text

    (message,) = mail.outbox
    assert message.subject == "Neues okrplatform-Passwort wählen"
    assert "Hallo Bob," in message.body

    page = app.get(path_of(link_in(message))).follow()
    assert "Neues Passwort wählen" in page.text
    form = page.forms["set-password-form"]
    form["new_password1"] = "kurz"
    form["new_password2"] = "anders"
    page = form.submit()
    assert "Die beiden Passwörter sind nicht identisch." in page.text


def test_the_mail_goes_out_in_the_persons_language_whatever_the_browser_says(
    app_in, bob_with_email
):
    bob_with_email.language = "de"
    bob_with_email.save()
    ask_for_a_link(app_in("en"), "bob@helix.example")
    assert mail.outbox[0].subject == "Neues okrplatform-Passwort wählen"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(django_app, bob_with_email):
    done = ask_for_a_link(django_app, "nobody@elsewhere.example")
    assert "Check your e-mail" in done.text
    assert mail.outbox == []


def test_a_link_works_once(django_app, bob_with_email):
    ask_for_a_link(django_app, "bob@helix.example")
    link = path_of(link_in(mail.outbox[0]))
    form = django_app.get(link).follow().forms["set-password-form"]
    form["new_password1"] = NEW_PASSWORD
    form["new_password2"] = NEW_PASSWORD
    form.submit()

    page = django_app.get(link).maybe_follow()
    assert "This link does not work any more" in page.text
    assert "set-password-form" not in page.forms


def test_the_link_names_the_site_not_the_host_the_request_claimed(
    django_app, bob_with_email, settings
):
    settings.ALLOWED_HOSTS = ["*"]  # even on a site that accepts any Host header
    settings.SITE_URL = "https://okr.helix.example"
    host = {"HTTP_HOST": "evil.example"}
    form = django_app.get("/accounts/password_reset/", extra_environ=host).forms[
        "password-reset-form"
    ]
    form["email"] = "bob@helix.example"
    form.submit(extra_environ=host)
    (message,) = mail.outbox
    assert "evil.example" not in message.body
    assert "https://okr.helix.example/accounts/reset/" in message.body
