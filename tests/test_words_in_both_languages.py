"""Words a person reads: plurals agree with their number, German nouns keep their capitals, a
filter's "no choice" is a word, and every framework has a German name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from kpis.health import Health, health_in_a_sentence
from kpis.templatetags.kpis import sparkline
from objectives.models import Intervention
from tests.factories import InterventionFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_one_point_of_progress_is_singular():
    html = Template(
        "{% load i18n %}{% blocktranslate count points=n %}{{ points }} point{% plural %}"
        "{{ points }} points{% endblocktranslate %}"
    ).render(Context({"n": 1}))
    assert html == "1 point"


def test_a_sparklines_words_have_no_trailing_zeros():
    label = str(sparkline([Decimal("95.0000"), Decimal("100.0000")], "on_target"))
    assert "2 values, from 95 to 100" in label


@pytest.mark.parametrize(
    ("language", "warning", "critical"),
    [("en", "warning", "critical"), ("de", "Warnung", "Kritisch")],
)
def test_health_inside_a_sentence_keeps_german_capitals(language, warning, critical):
    with translation.override(language):
        assert health_in_a_sentence(Health.WARNING) == warning
        assert health_in_a_sentence(Health.CRITICAL) == critical


def test_the_intervention_page_says_warnung_with_a_capital(client, alice, emea, quarter):
    alice.language = "de"
    alice.save()
    kpi = KPIFactory(unit=emea, owner=alice)
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    intervention = InterventionFactory(
        kpi=kpi, objective=objective, trigger_health=Health.WARNING, trigger_value=Decimal(85)
    )
    assert intervention.state == Intervention.State.OPEN
    client.force_login(alice)

    page = client.get(reverse("intervention_detail", args=[intervention.pk])).content.decode()

    assert "„Warnung“" in page
    assert "„warnung“" not in page


@pytest.mark.parametrize(("language", "any_word"), [("en", "Any"), ("de", "Alle")])
def test_the_kpi_boards_filters_offer_any_not_dashes(client, alice, emea, language, any_word):
    alice.language = language
    alice.save()
    client.force_login(alice)

    board = client.get(reverse("kpi_board")).content.decode()

    assert "---------" not in board
    assert f">{any_word}</option>" in board


def test_the_strategy_map_has_a_german_name(client, alice, emea, quarter):
    alice.language = "de"
    alice.save()
    client.force_login(alice)

    page = client.get(reverse("strategy_map"), {"unit": emea.pk}).content.decode()

    assert "Strategielandkarte" in page
    assert "Strategy Map" not in page
