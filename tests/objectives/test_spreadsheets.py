"""OKRs and KPIs in and out of spreadsheets: one shape both ways, nothing half-imported."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kpis.models import KPI
from objectives.models import KeyResult, Objective
from okrplatform.exchange import spreadsheets
from okrplatform.exchange.spreadsheets import (
    apply_import,
    export_csv,
    export_workbook,
    plan_import,
    read_spreadsheet,
)
from okrplatform.outbox.models import OutboxTask
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "objective,unit,cycle,owner,level,kind,perspective,parent,parent_unit,parent_cycle,"
    "key_result,kr_owner,metric,unit_of_measure,direction,start,target"
)


def csv_sheets(*rows: str, header: str = HEADER) -> dict:
    text = "\n".join([header, *rows]) + "\n"
    return read_spreadsheet(io.BytesIO(text.encode()), "okrs.csv")


def problems_of(plan) -> list[tuple[int, str]]:
    return [(problem.row, problem.column) for problem in plan.problems]


def test_a_cascade_is_created_whatever_the_order_of_its_rows(alice, emea, emea_logistics, quarter):
    sheets = csv_sheets(
        "Dock to stock in a day,emea-logistics,2026-q4,alice,,,internal_process,"
        "EMEA on time,emea,,Dock-to-stock hours,,number,hours,,40,24",
        "",
        "EMEA on time,emea,2026-q4,alice,quarterly,committed,customer,,,,"
        "On-time delivery,,percentage,%,increase,91%,97%",
        "EMEA on time,emea,2026-q4,alice,quarterly,committed,customer,,,,"
        'Late orders,,number,orders,,"1,200",600',
    )

    plan = plan_import(sheets, alice, "auto")
    assert plan.problems == []
    assert (plan.created, plan.updated, plan.unchanged) == (5, 0, 0)
    apply_import(plan)

    regional = Objective.objects.get(title="EMEA on time")
    team = Objective.objects.get(title="Dock to stock in a day")
    assert team.parent == regional, "the parent on a later row is saved first"
    assert team.level == Objective.Level.QUARTERLY, "a blank level is a quarterly objective"
    late = KeyResult.objects.get(title="Late orders")
    assert (late.start_value, late.target_value, late.direction) == (
        Decimal(1200),
        Decimal(600),
        "decrease",
    )
    assert KeyResult.objects.get(title="On-time delivery").start_value == Decimal(91)
    assert KeyResult.objects.get(title="Dock-to-stock hours").direction == "decrease"


def test_numbers_are_read_as_people_write_them(alice, emea, quarter):
    sheets = csv_sheets(
        "Grow service,emea,2026-q4,alice,,,financial,,,,Service revenue,,currency,EUR,,"
        '"$200,000","1.234.567,5"',
    )
    plan = plan_import(sheets, alice, "auto")
    apply_import(plan)
    revenue = KeyResult.objects.get(title="Service revenue")
    assert (revenue.start_value, revenue.target_value) == (Decimal(200000), Decimal("1234567.5"))


def test_every_problem_is_named_by_row_and_column_and_nothing_is_saved(alice, emea, quarter):
    sheets = csv_sheets(
        "Good one,emea,2026-q4,alice,,,customer,,,,Fine,,number,,,0,10",
        "Bad unit,atlantis,2026-q4,alice,,,customer,,,,X,,number,,,0,10",
        "Bad number,emea,2026-q4,alice,,,customer,,,,Y,,number,,,zero,10",
        "Wrong way,emea,2026-q4,alice,,,customer,,,,Z,,number,,increase,10,5",
        "Bad choice,emea,2026-q4,nobody,,,vibes,,,,W,,number,,,0,10",
        "Orphan,emea,2026-q4,alice,,,customer,Missing parent,,,V,,number,,,0,10",
    )

    plan = plan_import(sheets, alice, "auto")

    assert problems_of(plan) == [
        (3, "unit"),
        (4, "start"),
        (5, "target"),
        (6, "owner"),
        (6, "perspective"),
        (7, "parent"),
    ]
    assert "To increase, the target must be above the start value." in [
        problem.message for problem in plan.problems
    ]
    with pytest.raises(Exception, match="nothing was saved"):
        apply_import(plan)
    assert not Objective.objects.exists()


def test_a_missing_column_is_named(alice):
    plan = plan_import(csv_sheets("x,y", header="objective,owner"), alice, "auto")
    assert problems_of(plan) == [(1, "cycle"), (1, "unit")]


def test_people_import_only_into_units_they_manage(bob, vera, emea_logistics, quarter):
    sheets = csv_sheets("Dock to stock,emea-logistics,2026-q4,bob,,,customer,,,,X,,number,,,0,10")
    assert problems_of(plan_import(sheets, bob, "auto")) == [(2, "unit")]
    assert problems_of(plan_import(sheets, vera, "auto")) == [(2, "unit")]


def test_an_import_writes_through_the_services_and_rolls_up_once(
    alice, emea, emea_logistics, quarter, monkeypatch, django_capture_on_commit_callbacks
):
    sheets = csv_sheets(
        "Dock to stock in a day,emea-logistics,2026-q4,alice,,,internal_process,"
        "EMEA on time,emea,,Dock-to-stock hours,,number,hours,,40,24",
        "EMEA on time,emea,2026-q4,alice,quarterly,committed,customer,,,,"
        "On-time delivery,,percentage,%,increase,91%,97%",
    )
    written = []
    for service in ("objective_upsert", "key_result_upsert"):
        real = getattr(spreadsheets, service)

        def counted(real=real, **row):
            written.append(*(saved.title for saved in row.values()))
            return real(**row)

        monkeypatch.setattr(spreadsheets, service, counted)
    plan = plan_import(sheets, alice, "auto")

    with django_capture_on_commit_callbacks(execute=True):
        apply_import(plan)
    recomputed = list(OutboxTask.objects.filter(task="objectives.tasks.recompute_rollups"))

    assert written == [
        "EMEA on time",
        "On-time delivery",
        "Dock to stock in a day",
        "Dock-to-stock hours",
    ], "each through its service, a parent before its children"
    assert len(recomputed) == 1, "four writes, one recompute once the import commits"
    assert recomputed[0].sent_at is not None


def test_a_changed_target_is_an_update_and_the_rest_is_left_alone(alice, emea, quarter):
    objective = ObjectiveFactory(
        title="EMEA on time", unit=emea, cycle=quarter, owner=alice, perspective="customer"
    )
    KeyResultFactory(
        objective=objective,
        title="On-time delivery",
        owner=alice,
        start_value=Decimal(91),
        target_value=Decimal(97),
        unit_label="%",
        metric_type="percentage",
    )
    sheets = csv_sheets(
        "EMEA on time,emea,2026-q4,alice,quarterly,committed,customer,,,,"
        "On-time delivery,alice,percentage,%,increase,91,98",
    )

    plan = plan_import(sheets, alice, "auto")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 1, 1)
    assert plan.changes[1].fields == ["target_value"]
    assert plan.changes[1].details == ["target: 97 → 98"]
    apply_import(plan)
    assert KeyResult.objects.get().target_value == Decimal(98)


def test_kpis_are_created_and_updated_by_code(alice, emea):
    KPIFactory(code="otd-emea", name="On-time delivery EMEA", unit=emea, target=Decimal(96))
    text = (
        "code,name,unit,owner,direction,frequency,target,warning,critical,indicator,perspective\n"
        "otd-emea,On-time delivery EMEA,emea,alice,higher,weekly,97,94,90,lag,customer\n"
        "nps-emea,NPS EMEA,emea,,higher,monthly,45,38,30,lag,customer\n"
        "bad-kpi,Upside down,emea,,higher,monthly,45,50,30,lag,customer\n"
    )
    sheets = read_spreadsheet(io.BytesIO(text.encode()), "kpis.csv")

    plan = plan_import(sheets, alice, "auto")
    assert [(problem.row, problem.column) for problem in plan.problems] == [(4, "warning")]

    sheets["KPIs"].pop()  # without the bad row
    plan = plan_import(sheets, alice, "auto")
    assert (plan.created, plan.updated) == (1, 1)
    apply_import(plan)
    assert KPI.objects.get(code="otd-emea").target == Decimal(97)
    assert KPI.objects.get(code="nps-emea").owner is None


def test_the_export_reads_back_unchanged_as_xlsx_and_as_csv(alice, emea, emea_logistics, quarter):
    top = ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter, owner=alice)
    KeyResultFactory(objective=top, title="On-time delivery", start_value=Decimal("91.5"))
    ObjectiveFactory(title="Dock to stock", unit=emea_logistics, cycle=quarter, parent=top)
    KPIFactory(code="otd-emea", unit=emea)

    workbook = export_workbook(emea, quarter, alice)
    assert load_workbook(io.BytesIO(workbook)).sheetnames == ["OKRs", "KPIs"]
    plan = plan_import(read_spreadsheet(io.BytesIO(workbook), "export.xlsx"), alice, "auto")
    assert plan.problems == []
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 4)

    okr_csv = export_csv(emea, quarter, alice, "okrs")
    plan = plan_import(read_spreadsheet(io.BytesIO(okr_csv.encode()), "okrs.csv"), alice, ".")
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 3)


def test_a_title_holding_a_control_character_still_exports(alice, emea, quarter):
    # Text pasted from another system may carry one; the xlsx format cannot hold it.
    objective = ObjectiveFactory(title="EMEA\x1e on time", unit=emea, cycle=quarter, owner=alice)
    KeyResultFactory(objective=objective, title="On-time\x0b delivery")

    sheet = load_workbook(io.BytesIO(export_workbook(emea, quarter, alice)))["OKRs"]

    assert [cell.value for cell in sheet[2]][:1] == ["EMEA on time"]
    assert "On-time delivery" in [cell.value for cell in sheet[2]]
    objective.refresh_from_db()
    assert objective.title == "EMEA\x1e on time", "what is stored stays as it was written"
    assert "EMEA\x1e on time" in export_csv(emea, quarter, alice, "okrs")


def test_the_import_page_previews_then_imports(client, alice, emea, quarter):
    client.force_login(alice)
    upload = SimpleUploadedFile(
        "okrs.csv",
        (
            HEADER
            + "\nEMEA on time,emea,2026-q4,alice,,,customer,,,,On-time,,percentage,%,,91,97\n"
        ).encode(),
    )
    preview = client.post(
        reverse("spreadsheet_import"), {"file": upload, "decimal_separator": "auto"}
    )
    assert "2 to create, 0 to update, 0 unchanged" in preview.content.decode()
    assert not Objective.objects.exists(), "nothing before the confirmation"

    done = client.post(reverse("spreadsheet_import"), {"confirm": "1"})

    assert done.status_code == 302
    assert Objective.objects.get().key_results.get().title == "On-time"


def test_the_import_page_lists_the_problems(client, alice, emea, quarter):
    client.force_login(alice)
    upload = SimpleUploadedFile(
        "okrs.csv", (HEADER + "\nX,atlantis,2026-q4,alice,,,customer\n").encode()
    )
    page = client.post(reverse("spreadsheet_import"), {"file": upload, "decimal_separator": "auto"})
    assert page.status_code == 400
    assert "There is no unit with the code “atlantis”." in page.content.decode()
    assert client.post(reverse("spreadsheet_import"), {"confirm": "1"}).status_code == 302
    assert not Objective.objects.exists()


def test_only_managers_reach_the_import(client, vera):
    client.force_login(vera)
    assert client.get(reverse("spreadsheet_import")).status_code == 403


def test_the_org_dashboard_exports_xlsx_and_csv(client, vera, emea, quarter, alice):
    ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter, owner=alice)
    client.force_login(vera)
    url = reverse("unit_export", args=[emea.pk])
    workbook = client.get(url, {"cycle": quarter.pk})
    assert workbook["Content-Disposition"] == 'attachment; filename="emea-2026-q4.xlsx"'
    csv = client.get(url, {"cycle": quarter.pk, "file": "csv", "sheet": "okrs"})
    assert csv.content.decode().splitlines()[1].startswith("EMEA on time,emea,2026-q4,alice")


def test_the_import_page_links_to_the_export_of_ones_unit(client, alice, emea):
    client.force_login(alice)
    page = client.get(reverse("spreadsheet_import")).content.decode()
    export = reverse("unit_export", args=[emea.pk])
    assert f'href="{export}"' in page
    assert f'href="{export}?file=csv&amp;sheet=okrs"' in page
