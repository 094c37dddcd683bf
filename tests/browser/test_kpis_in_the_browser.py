"""A guard KPI breaches in the browser: the intervention appears for both owners, and is
acknowledged and resolved."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kpis.models import KPI
from objectives.models import Intervention, Objective
from okrplatform.org.models import User

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_breach_of_a_guard_kpi_opens_an_intervention_both_owners_work_on(new_context, demo):
    Intervention.objects.all().delete()
    User.objects.filter(username="felix").update(language="en")  # the demo has him in German
    kpi = KPI.objects.get(code="stuttgart-oee")  # leads "Cut scrap at Stuttgart to 2%"
    objective = Objective.objects.get(title="Cut scrap at Stuttgart to 2%")
    felix = new_context().new_page()  # owns the KPI and the objective
    sign_in(felix, "felix")
    felix.goto(f"/kpis/{kpi.pk}/")
    felix.evaluate("window.notReloaded = true")

    felix.get_by_label("Value in %").fill("61")
    felix.get_by_label("Note").fill("Two lines down for retooling")
    felix.get_by_role("button", name="Record").click()

    expect(felix.get_by_text("Measurement recorded.")).to_be_visible()
    expect(felix.locator("#kpi-health")).to_contain_text("Critical")
    assert felix.evaluate("window.notReloaded === true")
    screenshot(felix, "kpi-breached")

    sofia = new_context().new_page()  # manages EMEA Operations, above the plant
    sign_in(sofia, "sofia")
    sofia.goto(f"/objectives/{objective.pk}/")
    interventions = sofia.get_by_role("region", name="Open interventions")
    expect(interventions).to_contain_text(
        "Overall equipment effectiveness Stuttgart went into critical"
    )
    screenshot(sofia, "objective-with-intervention")

    felix.goto("/")
    felix.get_by_role("link", name="Overall equipment effectiveness Stuttgart · Cut scrap").click()
    felix.get_by_role("button", name="Acknowledge: I am on it").click()
    expect(felix.get_by_text("Acknowledged by Felix Braun")).to_be_visible()
    felix.get_by_role("textbox", name="Note").fill("Retooling done; both lines back tomorrow.")
    felix.get_by_role("button", name="Resolve, with this note").click()
    expect(felix.get_by_text("Resolved", exact=True).first).to_be_visible()
    screenshot(felix, "intervention-resolved")

    intervention = Intervention.objects.get(kpi=kpi)
    assert intervention.state == Intervention.State.RESOLVED
    assert intervention.resolved_at <= timezone.now()


@pytest.mark.parametrize(
    ("width", "height"), [(1920, 1080), (390, 844)], ids=["projector", "phone"]
)
def test_the_kpi_board_reads_on_a_projector_and_a_phone(new_context, demo, width, height):
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, "elena")
    page.goto("/kpis/?projector=1")
    expect(page.get_by_role("heading", name="KPI board · Helix Industrial Group")).to_be_visible()
    expect(page.get_by_text("Critical").first).to_be_visible()
    screenshot(page, f"kpi-board-{width}")
    assert page_fits_its_width(page)
