"""The two helpers and the API tokens page, as their pages render the forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from okrplatform.org.models import ApiToken
from reviews.tools import KPI_SCENARIOS, OKR_SCENARIOS

from .conftest import error_texts, form_holding, reading, written

pytestmark = pytest.mark.django_db


def test_a_growing_unit_is_recommended_okrs(django_app, alice, language):
    page = django_app.get(reverse("tool_okr_or_kpi"), user=reading(alice, language))
    form = form_holding(page, "rapid_growth")
    for name in OKR_SCENARIOS:
        form[name] = "5"
    for name in KPI_SCENARIOS:
        form[name] = "1"

    result = form.submit()

    heading = result.html.select_one("#recommendation-heading")
    assert heading is not None, error_texts(result)
    assert "OKR" in heading.text
    assert "KPI" not in heading.text


def test_the_roi_helper_reads_figures_the_persons_way(django_app, alice, language):
    page = django_app.get(reverse("tool_roi"), user=reading(alice, language))
    form = form_holding(page, "programme_cost")
    assert form["hours_saved_per_week"].value == "1"
    form["hours_saved_per_week"] = written("1.5", language)
    form["programme_cost"] = written("120000.50", language)

    result = form.submit()

    figure = result.html.select_one("#roi-figure")
    assert figure is not None, error_texts(result)
    assert "ROI" in figure.text


def test_a_programme_without_cost_offers_no_payback(django_app, alice, language):
    page = django_app.get(reverse("tool_roi"), user=reading(alice, language))
    form = form_holding(page, "programme_cost")
    form["programme_cost"] = "0"

    result = form.submit()

    roi = result.html.select_one("#roi-result").get_text(" ", strip=True)
    assert {"en": "0.0 months", "de": "0,0 Monat"}[language] not in roi
    assert {"en": "nothing to pay back", "de": "nichts"}[language] in roi


def test_a_person_makes_an_api_token_and_sees_it_once(django_app, bob, language):
    page = django_app.get(reverse("api_tokens"), user=reading(bob, language))
    form = form_holding(page, "name")
    form["name"] = "Warehouse ERP"

    response = form.submit()

    assert response.status_code == 200, error_texts(response)
    token = ApiToken.objects.get(user=bob)
    assert token.name == "Warehouse ERP"
    revoke = form_holding(response, "token")
    revoke.submit().follow()
    assert not ApiToken.objects.exists()
