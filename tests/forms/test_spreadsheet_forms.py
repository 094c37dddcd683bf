"""Importing a unit's OKRs from a spreadsheet, as the import page renders its forms."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook
from webtest import Upload

from objectives.models import KeyResult, Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

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


def problems_by_cell(page) -> dict[tuple[str, str], list[str]]:
    """The problems table of the preview: every message, by its row and column."""
    cells: dict[tuple[str, str], list[str]] = {}
    for line in page.html.select("#problems-heading ~ table tbody tr"):
        row, column, message = (cell.get_text(" ", strip=True) for cell in line.select("td"))
        cells.setdefault((row, column), []).append(message)
    return cells


def uploaded(django_app, user, name: str, content: bytes):
    page = django_app.get(reverse("spreadsheet_import"), user=user)
    form = form_holding(page, "file")
    form["file"] = Upload(name, content)
    return form.submit(expect_errors=True)


KPI_HEADER = "code,name,unit,frequency,perspective,target,warning,critical"
NOT_A_NUMBER = {"en": "“lots” is not a number.", "de": "„lots“ ist keine Zahl."}
EMPTY = {
    "en": "This cell is empty; it needs a value.",
    "de": "Diese Zelle ist leer; sie braucht einen Wert.",
}


@pytest.mark.parametrize(
    "sheet",
    [
        HEADER + '\nEMEA on time,emea,2026-q4,alice,,,customer,,,,On-time,,,,,"91,5",lots',
        KPI_HEADER + "\nemea-otd,On-time delivery,emea,monthly,customer,lots,90,85",
    ],
    ids=["key-result", "kpi"],
)
def test_a_cell_that_is_not_a_number_gets_one_message(
    django_app, alice, emea, quarter, language, sheet
):
    preview = uploaded(django_app, reading(alice, language), "sheet.csv", sheet.encode())

    assert preview.status_code == 400
    assert problems_by_cell(preview) == {("2", "target"): [NOT_A_NUMBER[language]]}


def test_each_empty_cell_a_kpi_needs_is_named_once(django_app, alice, emea, language):
    sheet = KPI_HEADER + "\nemea-otd,On-time delivery,emea,monthly,,95,,85"

    preview = uploaded(django_app, reading(alice, language), "kpis.csv", sheet.encode())

    assert problems_by_cell(preview) == {
        ("2", "perspective"): [EMPTY[language]],
        ("2", "warning"): [EMPTY[language]],
    }


def workbook_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "OKRs"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OKR_ROW = "EMEA on time,emea,2026-q4,alice,,,customer,,,,On-time,,percentage,%,,91,97"


@pytest.mark.parametrize("file_type", ["csv", "xlsx"])
def test_a_title_row_and_blank_rows_above_the_header_are_skipped(
    django_app, alice, emea, quarter, language, file_type
):
    title = ["OKRs of EMEA", "exported 1 December 2026"]  # two cells, and neither a column
    lines = [title, [], [], HEADER.split(","), OKR_ROW.split(",")]
    if file_type == "csv":
        content = "\n".join(",".join(line) for line in lines).encode()
    else:
        content = workbook_bytes(lines)

    preview = uploaded(django_app, reading(alice, language), f"okrs.{file_type}", content)

    assert preview.status_code == 200, problems_by_cell(preview)
    form_holding(preview, "confirm").submit("confirm").follow()
    assert KeyResult.objects.get(title="On-time").target_value == Decimal(97)


def test_the_import_page_links_to_an_export_it_reads_back_unchanged(
    django_app, alice, emea, quarter, language
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice, title="EMEA on time")
    KeyResultFactory(objective=objective, owner=alice, title="On-time", target_value=97)
    page = django_app.get(reverse("spreadsheet_import"), user=reading(alice, language))

    for link, name in (("/export/$", "emea.xlsx"), ("sheet=okrs", "okrs.csv")):
        export = page.click(href=link)
        assert export.status_code == 200
        form = form_holding(page, "file")
        form["file"] = Upload(name, export.body)
        preview = form.submit()

        assert preview.status_code == 200, problems_by_cell(preview)
        assert not preview.html.select("#preview-heading ~ div tbody tr"), "nothing changes"
