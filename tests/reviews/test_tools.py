"""The helpers: the OKR-or-KPI recommender and the ROI calculator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reviews.tools import HYBRID, KPI, OKR, ROIInput, framework_roi, recommend

CHANGE = [
    "rapid_growth",
    "cross_functional",
    "innovation",
    "alignment_challenges",
    "flexibility",
    "strategic_alignment",
    "focus_on_change",
]
STABILITY = [
    "stable_operations",
    "compliance",
    "resource_optimisation",
    "performance_maintenance",
    "incremental_improvement",
]


def scores(change: int, stability: int, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys(CHANGE, change), **dict.fromkeys(STABILITY, stability), **overrides}


def test_a_growing_innovating_unit_gets_okrs():
    advice = recommend(scores(2, 2, rapid_growth=5, innovation=5, focus_on_change=5))
    assert advice.choice == OKR
    assert (advice.okr_score, advice.kpi_score) == (3.29, 2.0)
    assert "Rapid growth (5)" in advice.reasons[1]


def test_a_stable_regulated_operation_gets_kpis():
    advice = recommend(scores(2, 5))
    assert advice.choice == KPI
    assert advice.reasons[0] == "Stability outweighs change: 5.0 against 2.0 on average."


@pytest.mark.parametrize(("change", "stability"), [(4, 4), (3, 3), (1, 1), (5, 4.5)])
def test_close_scores_get_the_two_tier_hybrid(change, stability):
    assert recommend(scores(change, stability)).choice == HYBRID


def test_exactly_a_point_apart_is_a_clear_lead():
    assert recommend(scores(4, 3)).choice == OKR
    assert recommend(scores(3, 4)).choice == KPI


def test_the_roi_adds_up_each_benefit_against_the_cost():
    result = framework_roi(
        ROIInput(
            employees=200,
            cost_per_employee=Decimal(75_000),
            productivity_gain=Decimal(3),
            hours_saved_per_week=Decimal(1),
            turnover_reduction=Decimal(1),
            replacement_cost=Decimal(30_000),
            other_efficiency_gains=Decimal(10_000),
            programme_cost=Decimal(120_000),
        )
    )
    assert result.productivity == Decimal("450000.00")  # 200 × 75,000 × 3%
    assert result.time_saved == Decimal("401162.79")  # 200 × 1 h × 46 weeks × 75,000 / 1,720 h
    assert result.engagement == Decimal("60000.00")  # 200 × 1% × 30,000
    assert result.benefits == Decimal("921162.79")
    assert result.net == Decimal("801162.79")
    assert result.roi_percent == Decimal("667.6")
    assert result.payback_months == Decimal("1.6")


def test_no_cost_means_no_roi_rather_than_a_division_by_zero():
    result = framework_roi(
        ROIInput(
            1, Decimal(1), Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0), Decimal(0)
        )
    )
    assert result.roi_percent is None
    assert result.payback_months is None


@pytest.mark.django_db
def test_the_recommender_page_explains_itself(client, vera):
    client.force_login(vera)
    page = client.get(reverse("tool_okr_or_kpi"), scores(5, 1))
    assert "Recommendation: OKRs" in page.content.decode()
    refused = client.get(reverse("tool_okr_or_kpi"), scores(5, 1, compliance=9))
    assert "Score each scenario from 1 (not at all) to 5 (very much)." in refused.content.decode()
    assert "Recommendation:" not in refused.content.decode()


@pytest.mark.django_db
def test_the_roi_page_shows_the_formula_and_the_result(client, vera):
    client.force_login(vera)
    html = client.get(
        reverse("tool_roi"),
        {
            "employees": 200,
            "cost_per_employee": "75000",
            "productivity_gain": "3",
            "hours_saved_per_week": "1",
            "turnover_reduction": "1",
            "replacement_cost": "30000",
            "other_efficiency_gains": "10000",
            "programme_cost": "120000",
        },
    ).content.decode()
    assert "ROI = (B − C) ÷ C" in html
    assert "ROI 667.6 %" in html
    assert "The programme pays for itself in 1.6 months." in html


@pytest.mark.django_db
def test_the_helpers_need_a_login(client):
    assert client.get(reverse("tool_roi")).status_code == 302
    assert client.get(reverse("tool_okr_or_kpi")).status_code == 302
