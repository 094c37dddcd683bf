"""A person signs in through the styled login page and sees their work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_wrong_password_is_refused_with_a_clear_message(page, demo):
    sign_in(page, "anna", "not-her-password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    screenshot(page, "login-error")


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844)], ids=["laptop", "phone"])
def test_anna_signs_in_and_sees_her_key_results(new_context, demo, width, height):
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, "anna", "demo")

    expect(page.get_by_role("heading", name="My work, Anna")).to_be_visible()
    card = page.locator("section").filter(has_text="Reduce last-mile delivery cost by 15%")
    expect(card.get_by_text("Last-mile cost per parcel from €8.40 to €7.14")).to_be_visible()
    expect(card.get_by_role("progressbar").first).to_be_visible()
    no_horizontal_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    screenshot(page, f"my-work-{width}")
    assert no_horizontal_scroll
