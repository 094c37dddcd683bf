"""Uploading many measurements: preview first; one bad row and nothing is saved, with every
problem named by row and column."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from kpis.importing import NotANumber, parse_number
from kpis.models import Measurement
from tests.factories import KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db
MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = (MONTH.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)


@pytest.mark.parametrize(
    ("written", "separator", "number"),
    [
        ("42", "auto", "42"),
        ("7.5", "auto", "7.5"),
        ("15%", "auto", "15"),
        ("$200,000", "auto", "200000"),
        ("1.234,5", "auto", "1234.5"),
        ("1,234.5", "auto", "1234.5"),
        ("1,5", "auto", "1.5"),
        ("1,234", "auto", "1234"),
        ("0,125", "auto", "0.125"),
        ("-3", "auto", "-3"),
        ("7,84 €", "auto", "7.84"),
        ("EUR 12.50", "auto", "12.50"),
        ("1.234", ",", "1234"),
        ("1,234", ",", "1.234"),
        (12.5, "auto", "12.5"),
    ],
)
def test_numbers_as_people_write_them(written, separator, number):
    assert parse_number(written, separator) == Decimal(number)


@pytest.mark.parametrize("written", ["", "lots", "12,5,5", "1,23,456", "1.2.3,4,5"])
def test_what_is_not_a_number(written):
    with pytest.raises(NotANumber):
        parse_number(written)


@pytest.fixture
def kpis(emea_logistics, bob):
    return {
        "otd": KPIFactory(
            code="otd", name="On-time delivery", unit=emea_logistics, frequency="monthly"
        ),
        "cost": KPIFactory(
            code="cost",
            name="Cost per parcel",
            unit=emea_logistics,
            frequency="monthly",
            direction="lower",
            target=7,
            warning_threshold=8,
            critical_threshold=9,
            unit_label="EUR",
        ),
    }


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("values.csv", text.encode(), content_type="text/csv")


def upload(client, file, separator="auto"):
    return client.post(
        reverse("measurement_upload"), {"file": file, "decimal_separator": separator}
    )


def test_a_good_file_is_previewed_then_saved(client, bob, kpis):
    MeasurementFactory(kpi=kpis["otd"], period=LAST_MONTH, value=90)
    client.force_login(bob)
    text = (
        f"kpi;period;value;note\n"
        f"otd;{LAST_MONTH:%d.%m.%Y};91,5;corrected\n"
        f"otd;{MONTH:%Y-%m-%d};95\n"
        f";;;\n"
        f"cost;{MONTH:%Y-%m-%d};7,84 €\n"
    )

    preview = upload(client, csv_file(text))

    page = preview.content.decode()
    assert "3 rows ready to save" in page
    assert "replaces 90 (kept in history)" in page
    assert Measurement.objects.count() == 1, "nothing saved before confirming"

    saved = client.post(reverse("measurement_upload"), {"confirm": "1"}, follow=True)

    assert "Saved: 2 new values, 1 changed, 0 already there." in saved.content.decode()
    assert Measurement.objects.get(kpi=kpis["otd"], period=LAST_MONTH).value == Decimal("91.5")
    assert Measurement.objects.get(kpi=kpis["cost"]).value == Decimal("7.84")
    assert Measurement.history.filter(history_type="~").count() == 1


def test_a_file_with_bad_rows_saves_nothing_and_names_each_problem(client, bob, kpis):
    client.force_login(bob)
    text = (
        "kpi,period,value\n"
        f"otd,{MONTH},95\n"
        f"nope,{MONTH},95\n"
        "otd,yesterday,95\n"
        f"cost,{MONTH},lots\n"
        "otd,2999-01-01,95\n"
    )

    response = upload(client, csv_file(text))

    page = response.content.decode()
    assert "4 problems: nothing was saved." in page
    assert "There is no KPI with the code “nope”." in page
    assert "<td>3</td><td><code>kpi</code></td>" in page
    assert "<td>4</td><td><code>period</code></td>" in page
    assert "<td>5</td><td><code>value</code></td>" in page
    assert "That period has not started yet." in page
    assert not Measurement.objects.exists()
    assert client.post(reverse("measurement_upload"), {"confirm": "1"}).status_code == 302
    assert not Measurement.objects.exists()


def test_a_missing_column_is_named(client, bob, kpis):
    client.force_login(bob)
    page = upload(client, csv_file("kpi,value\notd,95\n")).content.decode()
    assert "The column “period” is missing." in page


def test_people_may_upload_only_for_kpis_they_record_for(client, vera, kpis):
    client.force_login(vera)  # sees EMEA's KPIs as a viewer, records none
    page = upload(client, csv_file(f"kpi,period,value\notd,{MONTH},95\n")).content.decode()
    assert "You may not record values for “On-time delivery”." in page
    assert not Measurement.objects.exists()


def test_a_kpi_someone_does_not_see_is_unknown_to_them(client, charlie, kpis):
    client.force_login(charlie)  # APAC: EMEA Logistics' KPIs are out of sight
    page = upload(client, csv_file(f"kpi,period,value\notd,{MONTH},95\n")).content.decode()
    assert "There is no KPI with the code “otd”." in page
    assert "On-time delivery" not in page
    assert not Measurement.objects.exists()


def test_an_xlsx_file_with_real_numbers_and_dates(client, bob, kpis):
    book = Workbook()
    sheet = book.active
    sheet.append(["KPI", "Period", "Value", "Note"])
    sheet.append(["otd", date(MONTH.year, MONTH.month, 15), 96.25, "from the warehouse"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(bob)

    upload(client, SimpleUploadedFile("values.xlsx", buffer.getvalue()))
    client.post(reverse("measurement_upload"), {"confirm": "1"})

    measurement = Measurement.objects.get()
    assert (measurement.period, measurement.value) == (MONTH, Decimal("96.25"))
    assert measurement.note == "from the warehouse"
    assert measurement.source == "import"


def test_an_unreadable_file_says_so(client, bob, kpis):
    client.force_login(bob)
    response = upload(client, SimpleUploadedFile("values.xlsx", b"not a spreadsheet"))
    assert "cannot be read" in response.content.decode()


def test_a_title_row_and_blank_rows_above_the_header_are_skipped(client, bob, kpis):
    client.force_login(bob)
    text = f"On-time delivery, EMEA Logistics\n\n;;\nkpi;period;value\notd;{MONTH:%Y-%m-%d};95\n"

    preview = upload(client, csv_file(text))

    page = preview.content.decode()
    assert "1 row ready to save" in page
    assert "problem" not in page.split("1 row ready to save")[0].split("</form>")[-1]
