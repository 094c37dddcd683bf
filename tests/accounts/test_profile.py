"""A person sets their own language (and with it how dates look), time zone and e-mails on
their profile page, submitted as the page renders it (WebTest)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from okrplatform.org.models import Reminder
from okrplatform.org.notifications import notify, send_weekly_digest

pytestmark = pytest.mark.django_db


def test_bob_chooses_german_berlin_time_and_no_digests(django_app, bob):
    page = django_app.get("/accounts/profile/", user="bob")
    assert "Your profile" in page.text
    form = page.forms["profile-form"]
    assert form["email_check_in_digest"].checked  # every e-mail is on until someone says no
    form["language"] = "de"
    form["timezone"] = "Europe/Berlin"
    form["email_check_in_digest"] = False
    form["email_stale_kpi_digest"] = False
    page = form.submit().follow()

    assert "Ihr Profil ist gespeichert." in page.text  # said in the language just chosen
    assert "Ihr Profil" in page.text
    bob.refresh_from_db()
    assert (bob.language, bob.timezone) == ("de", "Europe/Berlin")
    assert bob.email_notifications
    assert not bob.email_check_in_digest
    assert not bob.email_stale_kpi_digest
    assert page.forms["profile-form"]["timezone"].value == "Europe/Berlin"


def test_english_uk_writes_the_day_first(django_app, bob):
    form = django_app.get("/accounts/profile/", user="bob").forms["profile-form"]
    today = timezone.localdate()
    uk_option = next(text for value, _, text in form["language"].options if value == "en-gb")
    us_option = next(text for value, _, text in form["language"].options if value == "en")
    assert today.strftime("%d/%m/%Y") in uk_option
    assert today.strftime("%m/%d/%Y") in us_option
    form["language"] = "en-gb"
    page = form.submit().follow()
    assert today.strftime("%d/%m/%Y") in page.text  # "Now, as this site shows it to you: …"


def test_a_german_reader_sees_the_page_in_german(django_app, bob):
    bob.language = "de"
    bob.save()
    page = django_app.get("/accounts/profile/", user="bob")
    assert "Sprache und Zeit" in page.text
    assert "Deutsch" in page.text
    form = page.forms["profile-form"]
    form["timezone"] = "Asia/Tokyo"
    page = form.submit().follow()
    bob.refresh_from_db()
    assert bob.timezone == "Asia/Tokyo"
    assert bob.language == "de"


def test_a_language_that_is_not_offered_falls_back_visibly(django_app, bob):
    bob.language = "ja"  # chosen before its translation was withdrawn, or by an import
    bob.save()
    page = django_app.get("/accounts/profile/", user="bob", headers={"Accept-Language": "en"})
    notice = page.html.find(id="language-notice").text
    assert "You chose Japanese, which okrplatform does not offer yet" in notice
    assert "You see English (US) instead." in notice
    assert page.html.find("html")["lang"] == "en"


def test_the_sign_in_page_tells_of_the_fallback_too(django_app, bob):
    bob.language = "fr"
    bob.set_password("old-password-1")
    bob.save()
    form = django_app.get("/accounts/login/").forms["sign-in-form"]
    form["username"] = "bob"
    form["password"] = "old-password-1"
    page = form.submit().follow()
    assert "You chose French, which okrplatform does not offer yet" in page.text


def test_only_finished_languages_are_offered(django_app, bob):
    form = django_app.get("/accounts/profile/", user="bob").forms["profile-form"]
    assert [value for value, _, _ in form["language"].options] == ["", "en", "en-gb", "de"]


def test_an_unknown_time_zone_is_refused(django_app, bob):
    form = django_app.get("/accounts/profile/", user="bob").forms["profile-form"]
    form["timezone"].force_value("Mars/Olympus_Mons")
    page = form.submit()
    assert "Select a valid choice" in page.text
    bob.refresh_from_db()
    assert bob.timezone == ""


def test_the_profile_needs_sign_in(django_app, db):
    page = django_app.get("/accounts/profile/")
    assert page.status_code == 302
    assert page.location.startswith("/accounts/login/")


def test_the_menu_leads_to_the_profile(django_app, bob):
    page = django_app.get("/", user="bob")
    assert page.click("Bob Keller").request.path == "/accounts/profile/"


def test_without_notification_mails_the_notice_stays_in_the_app(bob):
    bob.email = "bob@helix.example"
    bob.email_notifications = False
    bob.save()
    notify(recipients=[bob], message=lambda: "A KPI you lead went critical", url="/kpis/1/")
    assert bob.notifications.count() == 1
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)  # the digest's e-mails leave as each digest commits
def test_without_the_digest_no_weekly_mail_is_sent(bob, alice):
    bob.email, alice.email = "bob@helix.example", "alice@helix.example"
    bob.email_check_in_digest = False
    bob.save()
    alice.save()
    sent = send_weekly_digest(
        kind=Reminder.Kind.CHECK_INS,
        items=[bob, alice],  # any items, grouped by owner
        owner_of=lambda person: person,
        subject=lambda count: f"{count} waiting",
        template="objectives/email/check_in_reminder.txt",
        now=timezone.make_aware(datetime.datetime(2026, 11, 23, 7)),
    )
    assert sent == 1
    assert [message.to for message in mail.outbox] == [["alice@helix.example"]]
