"""Recording one measurement on the KPI page and uploading many, as the pages render the forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from webtest import Upload

from kpis.models import Measurement
from tests.factories import KPIFactory

from .conftest import error_texts, form_holding, reading, written

pytestmark = pytest.mark.django_db

MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def cost_per_parcel(emea_logistics, bob):
    return KPIFactory(
        code="cost",
        name="Cost per parcel",
        unit=emea_logistics,
        owner=bob,
        frequency="monthly",
        direction="lower",
        target=Decimal(7),
        warning_threshold=Decimal(8),
        critical_threshold=Decimal(9),
        unit_label="EUR",
    )


def test_the_owner_records_this_months_measurement_on_the_kpi_page(
    django_app, bob, cost_per_parcel, language
):
    page = django_app.get(
        reverse("kpi_detail", args=[cost_per_parcel.pk]), user=reading(bob, language)
    )
    form = form_holding(page, "value")
    assert form["period"].value == MONTH.isoformat()
    form["value"] = written("7.84", language)
    form["note"] = "Fuel surcharge"

    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    measurement = Measurement.objects.get(kpi=cost_per_parcel)
    assert (measurement.period, measurement.value) == (MONTH, Decimal("7.84"))
    assert written("7.84", language) in response.follow().text


def test_many_measurements_are_uploaded_previewed_then_saved(
    django_app, bob, cost_per_parcel, language
):
    page = django_app.get(reverse("measurement_upload"), user=reading(bob, language))
    form = form_holding(page, "file")
    form["file"] = Upload("values.csv", f"kpi;period;value\ncost;{MONTH:%Y-%m-%d};7,9\n".encode())

    preview = form.submit()

    assert preview.status_code == 200, error_texts(preview)
    assert not Measurement.objects.exists(), "nothing before the confirmation"
    form_holding(preview, "confirm").submit("confirm").follow()
    assert Measurement.objects.get(kpi=cost_per_parcel).value == Decimal("7.9")
