"""The quarterly review on a projector, in a real browser, on the demo organisation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kpis.models import KPI
from okrplatform.org.models import OrgUnit, User
from reviews.models import Decision, ReviewMeeting

from .conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# What the slide shows: its size against its box, and the smallest text in it.
SLIDE_FACTS = """() => {
  const slide = document.querySelector('.okr-slide:not([hidden])');
  let smallest = 1000;
  slide.querySelectorAll('*').forEach((element) => {
    const hasText = [...element.childNodes].some(
      (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    if (hasText && element.getClientRects().length) {
      smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize));
    }
  });
  const box = slide.getBoundingClientRect();
  const bottoms = [...slide.querySelectorAll('.okr-slide__body > *')].map(
    (element) => element.getBoundingClientRect().bottom);
  return {id: slide.id, overflowsDown: slide.scrollHeight > slide.clientHeight + 1,
          overflowsRight: slide.scrollWidth > slide.clientWidth + 1, smallest,
          kind: [...slide.classList].find((name) => name.startsWith('okr-slide--')),
          fit: parseFloat(slide.dataset.fit),
          filled: (Math.max(...bottoms) - box.top) / slide.clientHeight};
}"""
LARGEST_FIT = 1.7  # present.js: how far a slide's type grows to fill the screen


@pytest.fixture
def emea_review(demo) -> ReviewMeeting:
    User.objects.filter(username="jonas").update(language="en")  # the demo has him in German
    return ReviewMeeting.objects.get(unit__code="emea", state=ReviewMeeting.State.SCHEDULED)


def present(new_context, review, width, height) -> Page:
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, "jonas")
    page.goto(f"/reviews/{review.pk}/present/")
    return page


@pytest.mark.parametrize(
    ("width", "height"), [(1920, 1080), (1280, 720)], ids=["projector", "small-projector"]
)
def test_every_slide_fills_the_screen_without_clipping_in_type_read_from_the_back(
    new_context, emea_review, width, height
):
    page = present(new_context, emea_review, width, height)
    total = page.locator(".okr-slide").count()
    assert total >= 10

    for number in range(1, total + 1):
        expect(page.locator("#slide-counter")).to_have_text(f"{number} / {total}")
        facts = page.evaluate(SLIDE_FACTS)
        assert facts["id"] == f"slide-{number}"
        assert not facts["overflowsDown"], f"slide {number} is cut off at the bottom"
        assert not facts["overflowsRight"], f"slide {number} is cut off at the side"
        assert facts["smallest"] >= 24, f"slide {number} has {facts['smallest']} px text"
        if facts["kind"] in ("okr-slide--objective", "okr-slide--overview"):
            # The slide uses the screen: its content reaches most of the way down, or its type
            # is as large as it grows.
            assert facts["filled"] >= 0.75 or facts["fit"] >= LARGEST_FIT - 0.02, facts
        screenshot(page, f"review-{width}-slide-{number:02d}")
        page.keyboard.press("PageDown" if number % 2 else "ArrowRight")

    expect(page.locator("#slide-counter")).to_have_text(f"{total} / {total}")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#slide-counter")).to_have_text(f"{total - 1} / {total}")
    page.keyboard.press("Home")
    expect(page.locator("#slide-counter")).to_have_text(f"1 / {total}")
    page.keyboard.press("Escape")
    page.wait_for_url(f"**/reviews/{emea_review.pk}/")


def test_holding_the_emea_review_from_start_to_finish(new_context, emea_review):
    throughput = KPI.objects.get(code="emea-delivery-throughput")
    page = present(new_context, emea_review, 1920, 1080)

    page.keyboard.press("End")
    decisions = page.locator("#decisions-block")
    for title in (
        "Hold throughput at 50,000 parcels a week while routes change",
        "Move two planners to last-mile routing",
    ):
        decisions.get_by_label("Decision").fill(title)
        decisions.get_by_role("group", name="KPIs").get_by_label(throughput.name).check()
        decisions.get_by_role("button", name="Record the decision").click()
        expect(decisions.get_by_text(title)).to_be_visible()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    screenshot(page, "review-decisions-recorded")
    page.keyboard.press("Escape")
    page.wait_for_url(f"**/reviews/{emea_review.pk}/")

    page.get_by_role("link", name="Grade").click()
    expect(page.get_by_text("The data suggests").first).to_be_visible()
    page.get_by_role("button", name="Save the grades").click()
    expect(page.get_by_text("Grades saved.")).to_be_visible()

    page.get_by_role("link", name="Close the review").click()
    page.get_by_label("What worked").fill("Weekly check-ins and the guard KPIs.")
    page.get_by_label("What didn't work").fill("Cost moved slower than the key results.")
    page.get_by_label("What we change").fill("Every cost objective gets a throughput guard.")
    page.get_by_role("button", name="Close the review").click()
    expect(
        page.get_by_text("Review closed: its grades and decisions are a record.")
    ).to_be_visible()
    screenshot(page, "review-closed")

    emea_review.refresh_from_db()
    assert emea_review.state == ReviewMeeting.State.CLOSED
    assert Decision.objects.filter(review=emea_review, kpis=throughput).count() == 2

    page.goto(f"/kpis/{throughput.pk}/")
    chart = page.locator("#kpi-chart-data").text_content()
    assert "Move two planners to last-mile routing" in chart, "a marker on the KPI's chart"

    emea = OrgUnit.objects.get(code="emea")
    page.goto(f"/reviews/health/?unit={emea.pk}&cycle={emea_review.cycle_id}")
    table = page.locator("#health-table")
    expect(table).to_contain_text(str(emea_review.cycle))
    expect(table).to_contain_text("Objectives graded a success")
    screenshot(page, "program-health")
