"""The journeys of issue 12 in a real Chromium, once in English and once in German: forms
submitted exactly as the browser renders them, with screenshots in test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from objectives.models import KeyResult, Objective
from okrplatform.org.models import OrgUnit, User

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {"blocks": "say what blocks it", "saved": "Objective saved."},
    "de": {"blocks": "blockiert", "saved": "Ziel gespeichert."},
}


def reading(username: str, language: str) -> None:
    User.objects.filter(username=username).update(language=language)


def written(number: str, language: str) -> str:
    return number.replace(".", ",") if language == "de" else number


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_contributor_checks_in_off_track_and_must_say_what_blocks_it(page, demo, language):
    key_result = KeyResult.objects.get(title="Expedited shipments from 18% to 8% of volume")
    reading("anna", language)
    sign_in(page, "anna")
    row = page.locator(f"#key-result-{key_result.pk}")

    row.locator('a[hx-get*="check_in=1"]:visible').first.click()
    row.locator('[name="value"]').fill(written("17.5", language))
    row.locator('[name="confidence"]').fill("6")
    row.locator('[name="note"]').fill("")
    row.locator('button[type="submit"]').click()

    expect(row.get_by_text(WORDS[language]["blocks"], exact=False)).to_be_visible()
    screenshot(page, f"journey-check-in-off-track-refused-{language}")
    row.locator('[name="note"]').fill("Two carriers dropped the Rotterdam route.")
    row.locator('button[type="submit"]').click()

    expect(row.locator('a[hx-get*="check_in=1"]:visible').first).to_be_visible()
    check_in = key_result.check_ins.order_by("-created_at").first()
    assert (check_in.value, check_in.note) == (
        Decimal("17.5"),
        "Two carriers dropped the Rotterdam route.",
    )
    assert page_fits_its_width(page)
    screenshot(page, f"journey-check-in-off-track-saved-{language}")


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_manager_creates_edits_and_archives_an_objective(page, demo, language):
    emea = OrgUnit.objects.get(code="emea")
    reading("jonas", language)
    sign_in(page, "jonas")

    page.goto(f"/objectives/new/?unit={emea.pk}")
    page.locator('[name="title"]').fill("Win the Benelux parcel tender")
    page.locator('[name="perspective"]').select_option("customer")
    page.locator('[name="key_results-0-title"]').fill("Tender score")
    page.locator('[name="key_results-0-start_value"]').fill(written("6.5", language))
    page.locator('[name="key_results-0-target_value"]').fill(written("8.5", language))
    screenshot(page, f"journey-objective-new-{language}")
    page.locator('form[method="post"] button[type="submit"].btn-primary').click()
    expect(page.get_by_text(WORDS[language]["saved"])).to_be_visible()
    objective = Objective.objects.get(title="Win the Benelux parcel tender")
    assert objective.key_results.get().owner.username == "jonas"

    page.goto(f"/objectives/{objective.pk}/edit/")
    expect(page.locator('[name="key_results-0-target_value"]')).to_have_value(
        written("8.5", language)
    )
    page.locator('[name="key_results-0-target_value"]').fill(written("9.25", language))
    page.locator('[name="key_results-1-title"]').fill("Reference customers signed")
    page.locator('[name="key_results-1-start_value"]').fill("0")
    page.locator('[name="key_results-1-target_value"]').fill("3")
    page.locator("#add-key-result").click()  # a third row appears, left blank
    screenshot(page, f"journey-objective-edit-{language}")
    page.locator('form[method="post"] button[type="submit"].btn-primary').click()
    expect(page.get_by_text(WORDS[language]["saved"])).to_be_visible()
    titles = dict(objective.key_results.values_list("title", "target_value"))
    assert titles == {"Tender score": Decimal("9.25"), "Reference customers signed": Decimal(3)}

    page.goto(f"/objectives/{objective.pk}/edit/")
    page.locator('[name="key_results-1-DELETE"]').check()
    page.locator('form[method="post"] button[type="submit"].btn-primary').click()
    expect(page.get_by_text(WORDS[language]["saved"])).to_be_visible()
    assert list(objective.key_results.values_list("title", flat=True)) == ["Tender score"]

    page.locator(f'form[action="/objectives/{objective.pk}/archive/"] button').click()
    page.wait_for_load_state()
    objective.refresh_from_db()
    assert objective.is_archived
    assert page_fits_its_width(page)
    screenshot(page, f"journey-objective-archived-{language}")
