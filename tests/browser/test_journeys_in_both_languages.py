"""The journeys of issue 12 in a real Chromium, once in English and once in German: forms
submitted exactly as the browser renders them, with screenshots in test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from kpis.models import KPI
from objectives.models import KeyResult, Objective
from okrplatform.org.models import OrgUnit, User
from reviews.models import ReviewMeeting
from tests.factories import KeyResultFactory, ObjectiveFactory

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "en": {
        "blocks": "say what blocks it",
        "saved": "Objective saved.",
        "told": "Done; the other side has been told.",
        "planned": "Review planned; its agenda builds itself from the data.",
        "graded": "Grades saved.",
        "closed": "Review closed: its grades and decisions are a record.",
    },
    "de": {
        "blocks": "blockiert",
        "saved": "Ziel gespeichert.",
        "told": "Erledigt; die andere Seite wurde benachrichtigt.",
        "planned": "Review geplant; seine Agenda entsteht aus den Daten.",
        "graded": "Bewertungen gespeichert.",
        "closed": "Review abgeschlossen: Bewertungen und Entscheidungen sind festgeschrieben.",
    },
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


def signed_in(new_context, username: str, language: str, **options) -> Page:
    """A fresh browser for this person, reading the site in this language."""
    reading(username, language)
    page = new_context(**options).new_page()
    sign_in(page, username)
    return page


def save_objective(page: Page, language: str) -> None:
    page.locator('form[method="post"] button[type="submit"].btn-primary').click()
    expect(page.get_by_text(WORDS[language]["saved"])).to_be_visible()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_regional_manager_adapts_the_copy_deployed_to_his_region(new_context, demo, language):
    emea_copy = Objective.objects.get(
        title="Reduce last-mile delivery cost by 15%", unit__code="emea-logistics"
    )
    assert emea_copy.deployed_from is not None
    local_count = emea_copy.key_results.count()
    page = signed_in(new_context, "jonas", language)  # manages EMEA, the region above the copy

    page.goto(f"/objectives/{emea_copy.pk}/")
    page.locator(f'a[href="/objectives/{emea_copy.pk}/edit/"]').first.click()
    first, blank = "key_results-0", f"key_results-{local_count}"
    changed_title = page.locator(f'[name="{first}-title"]').input_value()
    page.locator(f'[name="{first}-target_value"]').fill(written("7.3", language))
    page.locator(f'[name="{blank}-title"]').fill("Parcel lockers in Rotterdam from 0 to 40")
    page.locator(f'[name="{blank}-start_value"]').fill("0")
    page.locator(f'[name="{blank}-target_value"]').fill("40")
    screenshot(page, f"journey-deployed-copy-adapted-{language}")
    save_objective(page, language)

    targets = dict(emea_copy.key_results.values_list("title", "target_value"))
    assert targets[changed_title] == Decimal("7.3")
    assert targets["Parcel lockers in Rotterdam from 0 to 40"] == Decimal(40)
    original = emea_copy.deployed_from
    page.goto(f"/objectives/{original.pk}/deployments/")
    expect(page.get_by_text("Parcel lockers in Rotterdam from 0 to 40")).to_be_visible()
    assert page_fits_its_width(page)
    screenshot(page, f"journey-deployed-copy-compared-{language}")


def take_turn(page: Page, objective: Objective, action: str, comment: str = "") -> None:
    page.goto(f"/objectives/{objective.pk}/")
    catchball = page.locator("#catchball")
    catchball.locator('[name="text"]').fill(comment)
    catchball.locator(f'button[name="action"][value="{action}"]').click()
    expect(page.get_by_text(WORDS[page.reading]["told"])).to_be_visible()


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_catchball_round_trip_between_a_team_and_the_department_above(
    new_context, demo, language
):
    last_mile = OrgUnit.objects.get(code="emea-last-mile")
    quarter = Objective.objects.get(
        title="Reduce last-mile delivery cost by 15%", deployed_from=None
    )
    quarter = quarter.cycle
    proposal = ObjectiveFactory(
        unit=last_mile,
        cycle=quarter,
        owner=User.objects.get(username="anna"),
        title="Deliver 30% of Rotterdam parcels to lockers",
    )
    KeyResultFactory(objective=proposal, title="Share of parcels to lockers", target_value=30)
    anna = signed_in(new_context, "anna", language)  # the owner, in the team
    lukas = signed_in(new_context, "lukas", language)  # manages EMEA Logistics, the unit above
    anna.reading = lukas.reading = language  # for take_turn's words

    take_turn(anna, proposal, "proposed", "Lockers halve the failed first deliveries.")
    take_turn(lukas, proposal, "returned", "Which districts first? Name them in a key result.")
    anna.goto("/")
    expect(anna.get_by_role("link", name=proposal.title).first).to_be_visible()  # waits on her
    take_turn(anna, proposal, "proposed", "Added: Centrum and Kralingen first.")
    take_turn(lukas, proposal, "agreed")

    proposal.refresh_from_db()
    assert proposal.catchball == Objective.Catchball.AGREED
    turns = list(proposal.catchball_messages.values_list("author__username", "action"))
    assert turns == [
        ("anna", "proposed"),
        ("lukas", "returned"),
        ("anna", "proposed"),
        ("lukas", "agreed"),
    ]
    expect(lukas.locator("#catchball")).to_contain_text("Which districts first?")
    screenshot(lukas, f"journey-catchball-agreed-{language}")
    assert page_fits_its_width(lukas)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_review_from_its_plan_to_its_close(new_context, demo, language):
    emea = OrgUnit.objects.get(code="emea")
    throughput = KPI.objects.get(code="emea-delivery-throughput")
    jonas = signed_in(new_context, "jonas", language, viewport={"width": 1920, "height": 1080})

    jonas.goto(f"/reviews/new/?unit={emea.pk}")
    jonas.locator('[name="scheduled_for"]').fill("2026-12-18T10:00")
    jonas.locator('[name="location"]').fill("Rotterdam, room 4")
    jonas.locator('form[method="post"] button.btn-primary').click()
    expect(jonas.get_by_text(WORDS[language]["planned"])).to_be_visible()
    review = ReviewMeeting.objects.get(location="Rotterdam, room 4")
    screenshot(jonas, f"journey-review-planned-{language}")

    jonas.locator(f'a[href="/reviews/{review.pk}/present/"]').click()
    jonas.wait_for_url(f"**/reviews/{review.pk}/present/**")
    jonas.keyboard.press("End")
    decisions = jonas.locator("#decisions-block")
    decisions.locator('[name="title"]').fill("Hold throughput at 50,000 parcels a week")
    decisions.locator(f'input[name="kpis"][value="{throughput.pk}"]').check()
    decisions.locator("button.btn-primary").click()
    expect(decisions.get_by_text("Hold throughput at 50,000 parcels a week")).to_be_visible()
    screenshot(jonas, f"journey-review-decision-{language}")
    jonas.keyboard.press("Escape")
    jonas.wait_for_url(f"**/reviews/{review.pk}/")

    jonas.locator(f'a[href="/reviews/{review.pk}/grades/"]').first.click()
    screenshot(jonas, f"journey-review-grades-{language}")
    jonas.locator("form button.btn-primary.btn-lg").click()
    expect(jonas.get_by_text(WORDS[language]["graded"])).to_be_visible()

    jonas.locator(f'a[href="/reviews/{review.pk}/close/"]').first.click()
    jonas.locator('[name="what_worked"]').fill("Weekly check-ins and the guard KPIs.")
    jonas.locator('[name="what_did_not"]').fill("Cost moved slower than the key results.")
    jonas.locator('[name="what_we_change"]').fill("Every cost objective gets a throughput guard.")
    jonas.locator("form button.btn-danger").click()
    expect(jonas.get_by_text(WORDS[language]["closed"])).to_be_visible()
    assert page_fits_its_width(jonas)
    screenshot(jonas, f"journey-review-closed-{language}")

    review.refresh_from_db()
    assert review.state == ReviewMeeting.State.CLOSED
    assert list(review.decisions.values_list("title", flat=True)) == [
        "Hold throughput at 50,000 parcels a week"
    ]
