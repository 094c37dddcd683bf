"""An administrator runs the demo organisation from Django admin in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from objectives.models import Objective

from .conftest import screenshot, sign_in_to_admin

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_shows_the_demo_objectives_with_progress_and_status_labels(page, demo):
    sign_in_to_admin(page, "admin", "admin")

    page.get_by_role("link", name="Objectives", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Promise only dates we can keep")
    expect(row).to_be_visible()
    expect(row.get_by_role("progressbar")).to_be_visible()
    status = Objective.objects.get(title="Promise only dates we can keep").get_status_display()
    expect(row).to_contain_text(status)
    expect(page.get_by_text("Not aligned").first).to_be_visible()
    screenshot(page, "admin-objectives")


def test_a_stale_admin_form_does_not_overwrite_a_newer_save(new_context, demo):
    objective = Objective.objects.get(title="Cut scrap at Stuttgart to 2%")
    url = f"/admin/objectives/objective/{objective.pk}/change/"
    first, second = new_context().new_page(), new_context().new_page()
    sign_in_to_admin(first, "admin", "admin")
    sign_in_to_admin(second, "admin", "admin")
    first.goto(url)
    second.goto(url)

    second.get_by_label("Title").fill("Cut scrap at Stuttgart to 1.8%")
    second.get_by_role("button", name="Save", exact=True).click()
    expect(second.get_by_text("was changed successfully")).to_be_visible()

    first.get_by_label("Title").fill("Cut scrap at Stuttgart below 2%")
    first.get_by_role("button", name="Save", exact=True).click()

    expect(first.get_by_text("since you opened it")).to_be_visible()
    expect(first.get_by_label("Title")).to_have_value("Cut scrap at Stuttgart below 2%")
    objective.refresh_from_db()
    assert objective.title == "Cut scrap at Stuttgart to 1.8%"
    screenshot(first, "admin-edit-conflict")

    # Having seen the conflict, saving again is an informed decision and wins.
    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.get_by_text("was changed successfully")).to_be_visible()
    objective.refresh_from_db()
    assert objective.title == "Cut scrap at Stuttgart below 2%"
