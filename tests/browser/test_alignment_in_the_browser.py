"""The strategy frameworks in a real browser, on the demo organisation: the alignment map, the
X-matrix, the strategy map, the quality list, global deployment and catchball."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from alignment import cascade
from objectives.models import Objective
from okrplatform.org.models import OrgUnit

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PROJECTOR = {"width": 1920, "height": 1080}


@pytest.mark.parametrize(
    ("path", "labels"),
    [
        (
            "/alignment/map/",
            ["Alignment map · Helix Industrial Group", "Unaligned objectives", "The cascade"],
        ),
        (
            "/alignment/x-matrix/",
            ["Improvement priorities", "Targets to improve", "Breakthrough objectives"],
        ),
        ("/alignment/strategy-map/", ["Financial", "Customer", "Learning & growth"]),
        ("/alignment/quality/", ["Quality warnings · Helix Industrial Group", "Stale KPIs"]),
    ],
    ids=["map", "x-matrix", "strategy-map", "quality"],
)
def test_each_view_reads_on_a_projector(new_context, demo, path, labels):
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, "elena")

    page.goto(path)

    for label in labels:
        expect(page.get_by_text(label, exact=True).first).to_be_visible()
    screenshot(page, "framework-" + path.strip("/").replace("/", "-"))
    assert page_fits_its_width(page)


def test_the_map_opens_and_closes_branches_and_loads_the_ones_left_out(
    new_context, demo, monkeypatch
):
    monkeypatch.setattr(cascade, "MAP_BUDGET", 6)  # the live server runs in this process
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, "elena")
    page.goto("/alignment/map/")
    tree = page.locator("#alignment-tree")
    expect(tree.get_by_role("link", name="Deliver on time, every time")).to_be_visible()
    expect(
        tree.get_by_role("link", name="Make EMEA the benchmark for on-time delivery")
    ).to_have_count(0)

    page.get_by_role(
        "button", name="Show or hide what aligns to Deliver on time, every time"
    ).click()

    expect(
        tree.get_by_role("link", name="Make EMEA the benchmark for on-time delivery")
    ).to_be_visible()
    toggle = page.get_by_role("button", name="Show or hide what aligns to Become the most reliable")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(tree.get_by_role("link", name="Deliver on time, every time")).to_be_hidden()


@pytest.mark.parametrize("path", ["/alignment/x-matrix/", "/alignment/strategy-map/"])
def test_the_matrix_and_the_map_print_on_one_landscape_page(new_context, demo, path):
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, "elena")
    page.goto(path)
    expect(page.get_by_role("link", name="Deliver on time, every time").first).to_be_visible()

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "A4 landscape, as @page says"


def test_the_strategy_map_draws_an_arrow_for_each_link(new_context, demo):
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, "elena")
    page.goto("/alignment/strategy-map/")
    edges = page.evaluate(
        "JSON.parse(document.getElementById('strategy-map-edges').textContent).length"
    )
    assert edges >= 10
    expect(page.locator("#strategy-map")).to_have_attribute("data-arrows-drawn", str(edges))
    assert page.locator("path.okr-smap__edge--supports").count() >= 3


def test_a_proposal_is_agreed_and_the_proposer_hears_of_it(new_context, demo):
    hub = Objective.objects.get(title="Automate parcel sorting at the Singapore hub")
    arjun = new_context().new_page()  # manages APAC Logistics, the unit above the hub
    sign_in(arjun, "arjun")
    expect(arjun.get_by_role("link", name=hub.title)).to_be_visible()  # waiting on My work
    arjun.get_by_role("link", name=hub.title).click()
    catchball = arjun.locator("#catchball")
    expect(catchball).to_contain_text("Hana Kim proposed it")

    catchball.get_by_label("Comment").fill("Agreed: peak season decides it.")
    catchball.get_by_role("button", name="Agree").click()

    expect(arjun.locator("#catchball-state")).to_have_text("Agreed")
    expect(catchball).to_contain_text("Arjun Singh agreed to it")
    screenshot(arjun, "catchball-agreed")
    hana = new_context().new_page()
    sign_in(hana, "hana")
    expect(hana.get_by_text("Arjun Singh agreed to “Automate parcel sorting")).to_be_visible()


def test_a_global_objective_is_deployed_to_the_regions_and_compared(new_context, demo):
    launch = Objective.objects.get(title="Launch X7 in all three regions")
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, "elena")
    page.goto(f"/objectives/{launch.pk}/")
    page.get_by_role("link", name="Deploy to units").click()
    for region in ("Americas", "EMEA", "APAC"):
        page.get_by_label(re.compile(rf"^\s*{region}\s+· Region")).check()

    page.get_by_role("button", name="Deploy").click()

    expect(page.get_by_text("Deployed to")).to_be_visible()
    for region in ("Americas", "EMEA", "APAC"):
        expect(page.get_by_role("heading", name=region, exact=True)).to_be_visible()
    expect(page.get_by_text("X7 units ordered").first).to_be_visible()
    screenshot(page, "deployment-compared")
    regions = OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION)
    assert set(launch.deployments.values_list("unit", flat=True)) == set(
        regions.values_list("pk", flat=True)
    )


def test_the_last_mile_objective_compares_its_three_regional_copies(new_context, demo):
    last_mile = Objective.objects.get(
        title="Reduce last-mile delivery cost by 15%", deployed_from=None
    )
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, "raj")
    page.goto(f"/objectives/{last_mile.pk}/deployments/")
    for region in ("Americas Logistics", "EMEA Logistics", "APAC Logistics"):
        expect(page.get_by_role("heading", name=region)).to_be_visible()
    expect(page.locator("#progress-chart")).to_be_visible()
    screenshot(page, "last-mile-side-by-side")
    assert page_fits_its_width(page)
