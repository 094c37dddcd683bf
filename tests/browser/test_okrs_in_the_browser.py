"""Managers and contributors run their OKRs in a real browser on the demo organisation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from objectives.models import CheckIn, KeyResult, Objective

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_check_in_moves_the_bar_without_a_reload(page, demo):
    key_result = KeyResult.objects.get(title="Expedited shipments from 18% to 8% of volume")
    sign_in(page, "anna")
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"#key-result-{key_result.pk}")
    objective_progress = page.locator(f"#objective-{key_result.objective_id}-progress")
    before = objective_progress.inner_text()

    row.get_by_role("link", name="Check in").click()
    row.get_by_label("Value in %").fill("8")
    row.get_by_label("Confidence (0–10)").fill("9")
    row.get_by_label("Note").fill("Non-priority orders ship standard now.")
    row.get_by_role("button", name="Save check-in").click()

    expect(row.get_by_text("Checked in.")).to_be_visible()
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(objective_progress).not_to_have_text(before)
    assert page.evaluate("window.notReloaded === true"), "the page must not reload"
    assert CheckIn.objects.filter(key_result=key_result, note__startswith="Non-priority").exists()
    screenshot(page, "check-in-done")


def test_an_invalid_check_in_is_explained_inline_and_saves_nothing(page, demo):
    key_result = KeyResult.objects.get(title="Expedited shipments from 18% to 8% of volume")
    count = CheckIn.objects.filter(key_result=key_result).count()
    sign_in(page, "anna")
    row = page.locator(f"#key-result-{key_result.pk}")

    row.get_by_role("link", name="Check in").click()
    row.get_by_label("Value in %").fill("lots")
    row.get_by_label("Confidence (0–10)").fill("11")
    row.get_by_role("button", name="Save check-in").click()

    expect(row.get_by_text("Enter a number")).to_be_visible()
    expect(row.get_by_text("Confidence runs from 0")).to_be_visible()
    expect(row.get_by_label("Value in %")).to_have_value("lots")
    assert CheckIn.objects.filter(key_result=key_result).count() == count
    screenshot(page, "check-in-invalid")


def test_a_manager_creates_an_objective_aligned_to_a_parent(page, demo):
    sign_in(page, "elena")
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="EMEA", exact=True).click()
    page.get_by_role("link", name="New objective").click()

    page.get_by_label("Title", exact=True).fill("Cut customs delays at the Rotterdam hub")
    page.get_by_label("BSC perspective").select_option(label="Internal process")
    page.get_by_label("Search for the objective to align to").fill("benchmark")
    parent = page.locator("#id_parent option", has_text="Make EMEA the benchmark")
    expect(parent).to_have_count(1)
    page.get_by_label("Aligns to").select_option(parent.get_attribute("value"))
    form = page.locator(".okr-key-result-form").first
    form.get_by_label("Key result", exact=True).fill("Customs clearance from 30 to 12 hours")
    form.get_by_label("Owner").select_option(label="Tom de Vries")
    form.get_by_label("Direction").select_option(label="Decrease to")
    form.get_by_label("Start").fill("30")
    form.get_by_label("Target").fill("12")
    page.get_by_role("button", name="Add a key result").click()
    second = page.locator(".okr-key-result-form").nth(1)
    second.get_by_label("Key result", exact=True).fill("Broker portal live")
    second.get_by_label("Owner").select_option(label="Tom de Vries")
    second.get_by_label("Metric").select_option(label="Yes/no")
    screenshot(page, "objective-form")
    page.get_by_role("button", name="Save objective").click()

    expect(
        page.get_by_role("heading", name="Cut customs delays at the Rotterdam hub")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Make EMEA the benchmark for on-time delivery")
    ).to_be_visible()
    created = Objective.objects.get(title="Cut customs delays at the Rotterdam hub")
    assert created.parent.title == "Make EMEA the benchmark for on-time delivery"
    assert created.key_results.count() == 2
    screenshot(page, "objective-created")


def test_a_viewer_sees_no_edit_button_and_a_direct_post_is_refused(page, demo):
    objective = Objective.objects.get(title="Close the books in four working days")
    key_result = objective.key_results.first()
    sign_in(page, "nina")
    page.goto(f"/objectives/{objective.pk}/")

    expect(page.get_by_role("heading", name=objective.title)).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Check in")).to_have_count(0)
    status = page.evaluate(
        """async (url) => {
            const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
            const body = new URLSearchParams({value: "5", confidence: "7"});
            const response = await fetch(url, {method: "POST", body,
                headers: {"X-CSRFToken": token}});
            return response.status;
        }""",
        f"/key-results/{key_result.pk}/check-ins/",
    )
    assert status == 403
    assert not CheckIn.objects.filter(key_result=key_result, author__username="nina").exists()


def test_the_dashboard_drills_down_without_a_reload(page, demo):
    sign_in(page, "elena")
    page.get_by_role("link", name="Organisation").click()
    expect(page.get_by_role("heading", name="Helix Industrial Group", level=1)).to_be_visible()
    page.evaluate("window.notReloaded = true")

    page.get_by_role("link", name="Show the units of EMEA").click()

    expect(page.get_by_role("link", name="EMEA Logistics", exact=True)).to_be_visible()
    assert page.evaluate("window.notReloaded === true")
    screenshot(page, "dashboard-drilled-down")


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (390, 844)], ids=["projector", "phone"])
def test_the_pages_fit_the_screen(new_context, demo, width, height):
    objective = Objective.objects.get(title="Cut scrap at Stuttgart to 2%")
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, "elena")
    for name, path in [
        ("my-work", "/"),
        ("dashboard", "/units/"),
        ("objective", f"/objectives/{objective.pk}/"),
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-{width}")
        assert page_fits_its_width(page), f"{path} scrolls sideways at {width}px"
