"""The sign-in, password and profile pages in Chromium, in English and German, on a laptop and a
phone: what a person sees, screenshotted into test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from .conftest import page_fits_its_width, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def bob_signs_in_with(bob):
    bob.email = "bob@helix.example"
    bob.set_password("old-password-1")
    bob.save()
    return bob


def sign_in(page, username="bob", password="old-password-1", *, german=False):  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("Benutzername" if german else "Username").fill(username)
    page.get_by_label("Passwort" if german else "Password").fill(password)
    page.get_by_role("button", name="Anmelden" if german else "Sign in").click()
    page.wait_for_url("**/")


def test_bob_resets_his_password_in_german(new_context, bob_signs_in_with):
    page = new_context(locale="de-DE").new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    screenshot(page, "login-de")
    page.get_by_role("link", name="Passwort vergessen?").click()
    expect(page.get_by_role("heading", name="Passwort zurücksetzen")).to_be_visible()
    page.get_by_label("E-Mail").fill("bob@helix.example")
    screenshot(page, "password-reset-de")
    page.get_by_role("button", name="Link senden").click()
    expect(page.get_by_role("heading", name="Sehen Sie in Ihr Postfach")).to_be_visible()
    screenshot(page, "password-reset-done-de")

    (message,) = mail.outbox
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    page.goto(path)
    expect(page.get_by_role("heading", name="Neues Passwort wählen")).to_be_visible()
    page.get_by_label("Neues Passwort", exact=True).fill("correct-horse-battery-staple")
    page.get_by_label("Neues Passwort bestätigen").fill("correct-horse-battery-staple")
    screenshot(page, "password-reset-confirm-de")
    page.get_by_role("button", name="Neues Passwort speichern").click()
    expect(page.get_by_role("heading", name="Ihr Passwort ist geändert")).to_be_visible()

    page.get_by_role("link", name="Anmelden").last.click()
    sign_in(page, password="correct-horse-battery-staple", german=True)
    expect(page.get_by_role("heading", name="Meine Arbeit, Bob")).to_be_visible()


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, PHONE], ids=["laptop", "phone"]
)
def test_the_profile_reads_well_in_both_languages_and_sizes(
    new_context, bob_signs_in_with, locale, viewport
):
    page = new_context(locale=locale, viewport=viewport).new_page()
    german = locale == "de-DE"
    sign_in(page, german=german)
    page.goto("/accounts/profile/")
    heading = "Ihr Profil" if german else "Your profile"
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    screenshot(page, f"profile-{locale}-{viewport['width']}")
    assert page_fits_its_width(page)


def test_bob_switches_to_english_uk_and_berlin_time(new_context, bob_signs_in_with):
    page = new_context(locale="en-US").new_page()
    sign_in(page)
    page.get_by_role("link", name="Bob Keller").click()
    page.get_by_label("Language").select_option("en-gb")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Weekly digest of stale KPIs").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    expect(page.locator("#shown-now")).to_contain_text("(Europe/Berlin)")
    screenshot(page, "profile-saved-en-gb")
    bob_signs_in_with.refresh_from_db()
    assert (bob_signs_in_with.language, bob_signs_in_with.timezone) == ("en-gb", "Europe/Berlin")
    assert not bob_signs_in_with.email_stale_kpi_digest


def test_a_language_not_offered_is_said_at_sign_in_and_on_the_profile(
    new_context, bob_signs_in_with
):
    bob_signs_in_with.language = "ja"
    bob_signs_in_with.save()
    page = new_context(locale="en-GB").new_page()
    sign_in(page)
    expect(page.get_by_role("status")).to_contain_text("You chose Japanese")
    page.get_by_role("link", name="Choose a language on your profile").click()
    expect(page.locator("#language-notice")).to_contain_text("You see English (UK) instead.")
    screenshot(page, "profile-language-fallback")


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_the_password_change_page(new_context, bob_signs_in_with, locale):
    page = new_context(locale=locale).new_page()
    german = locale == "de-DE"
    sign_in(page, german=german)
    page.goto("/accounts/password_change/")
    screenshot(page, f"password-change-{locale}")
    page.get_by_label("Altes Passwort" if german else "Old password").fill("wrong")
    page.get_by_role(
        "button", name="Mein Passwort ändern" if german else "Change my password"
    ).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    screenshot(page, f"password-change-error-{locale}")
    assert page_fits_its_width(page)
