"""Importing a unit's OKRs from a spreadsheet, as the import page renders its forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from webtest import Upload

from objectives.models import KeyResult, Objective

from .conftest import error_texts, form_holding, reading

pytestmark = pytest.mark.django_db

HEADER = (
    "objective,unit,cycle,owner,level,kind,perspective,parent,parent_unit,parent_cycle,"
    "key_result,kr_owner,metric,unit_of_measure,direction,start,target"
)


def test_a_manager_imports_okrs_after_the_preview(django_app, alice, emea, quarter, language):
    page = django_app.get(reverse("spreadsheet_import"), user=reading(alice, language))
    form = form_holding(page, "file")
    rows = 'EMEA on time,emea,2026-q4,alice,,,customer,,,,On-time,,percentage,%,,"91,5",97\n'
    form["file"] = Upload("okrs.csv", (HEADER + "\n" + rows).encode())

    preview = form.submit()

    assert preview.status_code == 200, error_texts(preview)
    assert not Objective.objects.exists(), "nothing before the confirmation"
    form_holding(preview, "confirm").submit("confirm").follow()
    on_time = KeyResult.objects.get(title="On-time")
    assert (on_time.objective.title, on_time.start_value) == ("EMEA on time", Decimal("91.5"))
