"""Change history where managers work: who changed an objective, a key result or a KPI, what
and when, without the internal version line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

from .forms.conftest import form_holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_objective(django_app, alice, emea, quarter):
    objective = ObjectiveFactory(title="Deliver on time", unit=emea, cycle=quarter, owner=alice)
    KeyResultFactory(objective=objective, title="On-time rate", target_value=Decimal(95))
    form = form_holding(
        django_app.get(reverse("objective_edit", args=[objective.pk]), user=alice), "title"
    )
    form["title"] = "Deliver on time, every time"
    form["key_results-0-target_value"] = "97"
    form.submit().follow()
    return objective


def test_the_objective_page_loads_its_changes_when_shown(client, alice, edited_objective):
    client.force_login(alice)
    page = client.get(reverse("objective_detail", args=[edited_objective.pk])).content.decode()
    url = reverse("objective_history", args=[edited_objective.pk])
    assert f'hx-get="{url}"' in page
    assert f'href="{url}"' in page, "without JavaScript the link opens the changes"

    changes = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "Alice Martin" in changes
    assert "Title Deliver on time → Deliver on time, every time" in changes
    assert "Target 95 → 97" in changes
    assert "Version" not in changes
    assert "version" not in changes


def test_the_key_result_and_kpi_pages_show_their_changes(client, alice, emea, edited_objective):
    key_result = edited_objective.key_results.get()
    kpi = KPIFactory(name="On-time delivery", unit=emea, owner=alice)
    kpi.target = Decimal("96.5")
    kpi.save()
    client.force_login(alice)

    key_result_changes = client.get(reverse("key_result_history", args=[key_result.pk]))
    kpi_changes = client.get(reverse("kpi_history", args=[kpi.pk]))

    assert "Target 95 → 97" in key_result_changes.content.decode()
    assert "Target 100 → 96.5" in kpi_changes.content.decode()


def test_outsiders_see_no_changes(client, charlie, edited_objective):
    client.force_login(charlie)
    url = reverse("objective_history", args=[edited_objective.pk])
    assert client.get(url).status_code == 403
