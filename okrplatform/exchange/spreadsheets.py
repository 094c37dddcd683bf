"""OKRs and KPIs in and out of spreadsheets, in one shape both ways.

The export has two sheets: **OKRs**, one row per key result (an objective without key results
gets a row of its own), and **KPIs**, one row per KPI. The importer reads that shape back, from
XLSX or CSV: it matches objectives by title, unit and cycle, key results by objective and title,
KPIs by code; creates what is new, updates what differs, leaves the rest. Numbers may be written
the way people write them ("15%", "$200,000", "1.234,5"); blank rows are ignored. Anything wrong
stops the whole import, with every problem named by row and column.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kpis.health import Frequency, KPIDirection
from kpis.importing import NotANumber, Problem, csv_rows, parse_number, records_of
from kpis.models import KPI, Perspective
from kpis.services import kpis_upsert
from objectives.models import Cycle, KeyResult, Objective
from objectives.progress import Direction, MetricType
from objectives.services import key_result_upsert, objective_upsert
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit, User
from okrplatform.org.selectors import in_subtree_of
from okrplatform.xlsx import append_row

OKR_SHEET, KPI_SHEET = "OKRs", "KPIs"

OKR_COLUMNS = [
    "objective",
    "unit",
    "cycle",
    "owner",
    "level",
    "kind",
    "perspective",
    "description",
    "parent",
    "parent_unit",
    "parent_cycle",
    "progress_source",
    "weight",
    "key_result",
    "kr_owner",
    "metric",
    "unit_of_measure",
    "direction",
    "start",
    "target",
    "kr_weight",
    "driving_kpi",
]
OKR_INFO_COLUMNS = ["progress", "status"]  # written for people, ignored on import
KPI_COLUMNS = [
    "code",
    "name",
    "unit",
    "owner",
    "definition",
    "unit_of_measure",
    "direction",
    "frequency",
    "target",
    "warning",
    "critical",
    "indicator",
    "perspective",
]
KPI_INFO_COLUMNS = ["latest_value", "latest_period", "health"]
SHEET_COLUMNS = {*OKR_COLUMNS, *OKR_INFO_COLUMNS, *KPI_COLUMNS, *KPI_INFO_COLUMNS}


# --- export -----------------------------------------------------------------------------------


def _cycles_within(cycle: Cycle) -> list[int]:
    return list(Cycle.objects.descendants(cycle, include_self=True).values_list("pk", flat=True))


def exported_objectives(unit: OrgUnit, cycle: Cycle, user: User):
    access = access_for(user)
    objectives = (
        Objective.objects.active()
        .filter(unit_id__in=in_subtree_of(unit), cycle_id__in=_cycles_within(cycle))
        .select_related("unit", "cycle", "owner", "parent__unit", "parent__cycle")
        .prefetch_related("key_results__owner", "key_results__driving_kpi")
        .order_by("cycle__start_date", "unit__name", "title")
    )
    return access.restrict(objectives, within=unit.pk)


def exported_kpis(unit: OrgUnit, user: User):
    access = access_for(user)
    kpis = (
        KPI.objects.filter(unit_id__in=in_subtree_of(unit))
        .select_related("unit", "owner")
        .order_by("unit__name", "code")
    )
    return access.restrict(kpis, within=unit.pk)


def okr_rows(objectives) -> list[list]:
    rows = []
    for objective in objectives:
        parent = objective.parent
        head = [
            objective.title,
            objective.unit.code,
            objective.cycle.code,
            objective.owner.username,
            objective.level,
            objective.kind,
            objective.perspective,
            objective.description,
            parent.title if parent else "",
            parent.unit.code if parent else "",
            parent.cycle.code if parent else "",
            objective.progress_source,
            objective.weight,
        ]
        info = [objective.progress, objective.status]
        key_results = list(objective.key_results.all())
        if not key_results:
            rows.append([*head, *[""] * 9, *info])
        for key_result in key_results:
            rows.append(
                [
                    *head,
                    key_result.title,
                    key_result.owner.username,
                    key_result.metric_type,
                    key_result.unit_label,
                    key_result.direction,
                    key_result.start_value,
                    key_result.target_value,
                    key_result.weight,
                    key_result.driving_kpi.code if key_result.driving_kpi else "",
                    key_result.progress,
                    key_result.status,
                ]
            )
    return rows


def kpi_rows(kpis) -> list[list]:
    return [
        [
            kpi.code,
            kpi.name,
            kpi.unit.code,
            kpi.owner.username if kpi.owner else "",
            kpi.definition,
            kpi.unit_label,
            kpi.direction,
            kpi.frequency,
            kpi.target,
            kpi.warning_threshold,
            kpi.critical_threshold,
            kpi.indicator,
            kpi.perspective,
            kpi.latest_value,
            kpi.latest_period,
            kpi.health,
        ]
        for kpi in kpis
    ]


def _plain(value):
    """A cell as text for CSV: numbers without exponent or trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def export_workbook(unit: OrgUnit, cycle: Cycle, user: User) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in (
        (
            OKR_SHEET,
            OKR_COLUMNS + OKR_INFO_COLUMNS,
            okr_rows(exported_objectives(unit, cycle, user)),
        ),
        (KPI_SHEET, KPI_COLUMNS + KPI_INFO_COLUMNS, kpi_rows(exported_kpis(unit, user))),
    ):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for index in range(1, len(header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(unit: OrgUnit, cycle: Cycle, user: User, sheet: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if sheet == "kpis":
        writer.writerow(KPI_COLUMNS + KPI_INFO_COLUMNS)
        rows = kpi_rows(exported_kpis(unit, user))
    else:
        writer.writerow(OKR_COLUMNS + OKR_INFO_COLUMNS)
        rows = okr_rows(exported_objectives(unit, cycle, user))
    writer.writerows([_plain(value) for value in row] for row in rows)
    return buffer.getvalue()


def export_response(unit: OrgUnit, cycle: Cycle, user: User, fmt: str, sheet: str):
    name = slugify(f"{unit.code} {cycle.code}")
    if fmt == "csv":
        response = HttpResponse(
            export_csv(unit, cycle, user, sheet), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-{sheet}.csv"'
        return response
    response = HttpResponse(
        export_workbook(unit, cycle, user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- reading ----------------------------------------------------------------------------------


def read_spreadsheet(uploaded, filename: str) -> dict[str, list[dict]]:
    """The OKR and KPI sheets of an XLSX file, or the one sheet of a CSV file (told apart by
    its columns), as records keyed by column name with their row number."""
    if filename.lower().endswith(".xlsx"):
        workbook = load_workbook(uploaded, read_only=True, data_only=True)
        sheets = {}
        for sheet in workbook.worksheets:
            records = records_of(sheet.iter_rows(values_only=True), SHEET_COLUMNS)
            header = records[0]["_header"]
            if "objective" in header:
                sheets[OKR_SHEET] = records
            elif "code" in header and "frequency" in header:
                sheets[KPI_SHEET] = records
        return sheets
    records = records_of(csv_rows(uploaded.read().decode("utf-8-sig")), SHEET_COLUMNS)
    return {KPI_SHEET if "frequency" in records[0]["_header"] else OKR_SHEET: records}


# --- planning and applying --------------------------------------------------------------------


@dataclass
class Change:
    kind: str  # objective, key result or KPI, in words
    label: str
    action: str  # create, update, unchanged
    row: int
    fields: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # "target: 97 → 98", for people


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    kpis: list[KPI] = field(default_factory=list)  # to create or change, written first
    operations: list = field(default_factory=list)  # callables, in the order they must run
    # Filled while the writes run: objectives by (title, unit code, cycle code).
    saved_objectives: dict = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(change.action == action for change in self.changes)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")


def _text(record: dict, column: str) -> str:
    value = record.get(column)
    return "" if value is None else str(value).strip()


METRIC_ALIASES = {"%": MetricType.PERCENTAGE, "yes/no": MetricType.BOOLEAN}


def _choice(raw: str, choices, default: str | None = None) -> str | None:
    """A choice by its code or its label, in any case; ``default`` for a blank cell."""
    if not raw:
        return default
    wanted = raw.strip().lower()
    for value, label in choices:
        if wanted in {str(value).lower(), str(label).lower()}:
            return value
    return None


@dataclass
class PlannedWrite:
    """One row's object as the file has it: what to compare and check, how to say it in the
    preview, and what to do with it when the writes run."""

    model: type[Model]
    existing: Model | None
    values: dict
    row: int
    kind: str  # objective, key result or KPI, in words
    label: str
    unit: OrgUnit  # whose managers may change it
    cycle: Cycle | None = None  # a closed one is a record
    columns: dict[str, str] = field(default_factory=dict)  # model field → sheet column
    bound_later: set[str] = field(default_factory=set)  # fields set only as the writes run
    moved: list[str] = field(default_factory=list)  # changes the values do not show
    # The service that writes it; None where the sheet collects its objects for one batch.
    save: Callable[[Model], Model | None] | None = None
    then: Callable[[Model], None] | None = None  # for what comes later in the file


class SheetPlanner:
    """What every sheet's planner shares: the person, their access, the plan and its problems."""

    def __init__(self, plan: ImportPlan, user: User, decimal_separator: str) -> None:
        self.plan = plan
        self.user = user
        self.access = access_for(user)
        self.separator = decimal_separator

    def problem(self, row: int, column: str, message: str) -> None:
        self.plan.problems.append(Problem(row, column, message))

    def number(self, record: dict, column: str, default: Decimal | None = None):
        raw = record.get(column)
        if raw in (None, ""):
            return default
        try:
            return parse_number(raw, self.separator)
        except NotANumber:
            self.problem(record["_row"], column, _("“%(value)s” is not a number.") % {"value": raw})
            return None

    def require_columns(self, records: list[dict], columns: list[str]) -> bool:
        header = records[0]["_header"]
        missing = [column for column in columns if column not in header]
        for column in missing:
            self.problem(1, column, _("The column “%(column)s” is missing.") % {"column": column})
        return not missing

    def no_such(self, record: dict, column: str, message: str) -> None:
        """A cell naming something that does not exist: a unit, a cycle, a person, a KPI."""
        value = _text(record, column)
        self.problem(record["_row"], column, message % {"code": value, "name": value})

    def person(
        self, record: dict, column: str, people: dict[str, User], default: User | None
    ) -> User | None:
        """The person a cell names by username, ``default`` for a blank one; None if unknown."""
        name = _text(record, column)
        if not name:
            return default
        person = people.get(name)
        if person is None:
            self.no_such(record, column, _("Nobody has the username “%(name)s”."))
        return person

    def not_a_choice(self, record: dict, columns: Iterable[str], values: dict) -> None:
        """A problem for each of these columns whose cell is not one of its choices."""
        for column in columns:
            if values[column] is None:
                value = _text(record, column)
                self.problem(
                    record["_row"],
                    column,
                    _("“%(value)s” is not one of the choices.") % {"value": value}
                    if value
                    else str(EMPTY_CELL),
                )

    def plan_write(self, write: PlannedWrite) -> Model | None:
        """Unchanged, refused, invalid, or a create or update with its change in words; returns
        the object to save for a create or update."""
        existing = write.existing
        changed = [
            name
            for name, value in write.values.items()
            if existing is None or _differs(existing, name, value)
        ] + write.moved
        if existing is not None and not changed:
            self.plan.changes.append(Change(write.kind, write.label, "unchanged", write.row))
            if write.then:
                self.plan.operations.append(lambda: write.then(existing))
            return None
        if self._refused(write):
            return None
        candidate = self._valid_candidate(write)
        if candidate is None:
            return None
        action = "create" if existing is None else "update"
        details = (
            [_change_in_words(existing, name, write.values) for name in changed] if existing else []
        )
        self.plan.changes.append(
            Change(write.kind, write.label, action, write.row, changed, details)
        )

        def run() -> None:
            saved = write.save(candidate)
            if write.then:
                write.then(saved)

        if write.save:
            self.plan.operations.append(run)
        return candidate

    def _refused(self, write: PlannedWrite) -> bool:
        """Only a unit's managers change what is in it; a closed cycle's OKRs are a record."""
        if not (self.access.sees_everything or self.access.is_manager_at(write.unit.pk)):
            self.problem(
                write.row,
                "unit",
                _("Only a manager of %(unit)s may change what is in it.") % {"unit": write.unit},
            )
            return True
        cycle = write.cycle
        if cycle is not None and cycle.is_closed and not self.access.sees_everything:
            self.problem(
                write.row,
                "cycle",
                _("%(cycle)s is closed: its OKRs are a record.") % {"cycle": cycle},
            )
            return True
        return False

    def _valid_candidate(self, write: PlannedWrite) -> Model | None:
        """The object with the row's values, as the model validates it; None with problems."""
        candidate = _with_values(write.model, write.existing, write.values)
        try:
            candidate.full_clean(
                exclude=sorted(write.bound_later | {"version"}), validate_unique=False
            )
        except ValidationError as error:
            # One message per cell: a cell already named (not a number, not a choice) is not
            # named again by the model, and an empty one is told as a cell, not as a field.
            named = {(problem.row, problem.column) for problem in self.plan.problems}
            for name, errors in error.error_dict.items():
                column = write.columns.get(name, name if name != "__all__" else "")
                if (write.row, column) in named and column:
                    continue
                for message in _cell_messages(errors, column):
                    self.problem(write.row, column, message)
            return None
        return candidate


class KPISheetPlanner(SheetPlanner):
    """The KPI sheet: one KPI a row, matched by its code."""

    def plan_sheet(self, records: list[dict]) -> None:
        if not self.require_columns(records, ["code", "name", "unit"]):
            return
        rows = records[1:]
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        people = {person.username: person for person in User.objects.filter(is_active=True)}
        existing = {
            kpi.code: kpi
            for kpi in KPI.objects.filter(code__in={_text(r, "code") for r in rows}).select_related(
                "unit", "owner"
            )
        }
        seen: dict[str, int] = {}
        for record in rows:
            code = self._code(record, seen)
            if code is None:
                continue
            unit = units.get(_text(record, "unit"))
            if unit is None:
                self.no_such(record, "unit", _("There is no unit with the code “%(code)s”."))
                continue
            values = self._values(record, unit, self.person(record, "owner", people, None))
            candidate = self.plan_write(
                PlannedWrite(
                    KPI,
                    existing.get(code),
                    {"code": code, **values},
                    record["_row"],
                    _("KPI"),
                    values["name"] or code,
                    unit,
                    columns=KPI_COLUMN_OF_FIELD,
                )
            )
            if candidate is not None:
                self.plan.kpis.append(candidate)

    def _code(self, record: dict, seen: dict[str, int]) -> str | None:
        """The row's KPI code, unless it is blank or an earlier row has it."""
        number, code = record["_row"], _text(record, "code")
        if not code:
            self.problem(number, "code", _("Give the KPI a code."))
            return None
        if code in seen:
            self.problem(
                number,
                "code",
                _("The KPI “%(code)s” is also on row %(row)d.") % {"code": code, "row": seen[code]},
            )
            return None
        seen[code] = number
        return code

    def _values(self, record: dict, unit: OrgUnit, owner: User | None) -> dict:
        values = {
            "name": _text(record, "name"),
            "unit": unit,
            "owner": owner,
            "definition": _text(record, "definition"),
            "unit_label": _text(record, "unit_of_measure"),
            "direction": _choice(
                _text(record, "direction"), KPIDirection.choices, KPIDirection.HIGHER_IS_BETTER
            ),
            "frequency": _choice(_text(record, "frequency"), Frequency.choices, Frequency.MONTHLY),
            "target": self.number(record, "target"),
            "warning_threshold": self.number(record, "warning"),
            "critical_threshold": self.number(record, "critical"),
            "indicator": _choice(
                _text(record, "indicator"), KPI.Indicator.choices, KPI.Indicator.LAG
            ),
            "perspective": _choice(_text(record, "perspective"), Perspective.choices),
        }
        self.not_a_choice(record, ("direction", "frequency", "indicator", "perspective"), values)
        return values


@dataclass
class ObjectiveRows:
    """An objective's first row in the file, the rows of its key results, and its parent."""

    row: int
    record: dict
    unit: OrgUnit
    cycle: Cycle
    key_results: list[dict] = field(default_factory=list)
    parent_found: bool = True
    parent: tuple | Objective | None = None  # a key into the file's objectives, or a stored one


class OKRSheetPlanner(SheetPlanner):
    """The OKR sheet: a key result a row under its objective's columns. Objectives are matched
    by title, unit and cycle, key results by objective and title; parents come first."""

    def plan_sheet(self, records: list[dict]) -> None:
        if not self.require_columns(records, ["objective", "unit", "cycle"]):
            return
        rows = records[1:]
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        cycles = {cycle.code: cycle for cycle in Cycle.objects.all()}
        self.people = {person.username: person for person in User.objects.filter(is_active=True)}
        self.kpis = {kpi.code: kpi for kpi in KPI.objects.all().only("pk", "code", "name")}
        titles = {_text(r, "objective") for r in rows} | {_text(r, "parent") for r in rows}
        existing = (
            Objective.objects.active()
            .filter(title__in=titles - {""})
            .select_related("unit", "cycle", "owner", "parent")
            .prefetch_related("key_results")
        )
        self.stored = {(o.title, o.unit.code, o.cycle.code): o for o in existing}
        objectives = self._objectives_in(rows, units, cycles)
        for entry in objectives.values():
            entry.parent_found, entry.parent = self._resolve_parent(entry, objectives)
        for key in self._parents_first(objectives):
            self._plan_objective(key, objectives[key])

    def _objectives_in(
        self, rows: list[dict], units: dict, cycles: dict
    ) -> dict[tuple, ObjectiveRows]:
        """One entry per objective (title, unit code, cycle code), with its key results' rows."""
        objectives: dict[tuple, ObjectiveRows] = {}
        for record in rows:
            title = _text(record, "objective")
            unit, cycle = units.get(_text(record, "unit")), cycles.get(_text(record, "cycle"))
            if not title:
                self.problem(record["_row"], "objective", _("Give the objective a title."))
            if unit is None:
                self.no_such(record, "unit", _("There is no unit with the code “%(code)s”."))
            if cycle is None:
                self.no_such(record, "cycle", _("There is no cycle with the code “%(code)s”."))
            if not title or unit is None or cycle is None:
                continue
            entry = objectives.setdefault(
                (title, unit.code, cycle.code), ObjectiveRows(record["_row"], record, unit, cycle)
            )
            if _text(record, "key_result"):
                entry.key_results.append(record)
        return objectives

    def _parents_first(self, objectives: dict[tuple, ObjectiveRows]) -> list[tuple]:
        """The objectives in an order where a parent from the file comes before its children."""
        ordered: list[tuple] = []
        done: set[tuple] = set()

        def visit(key: tuple, trail: tuple) -> None:
            if key in done:
                return
            if key in trail:
                self.problem(
                    objectives[key].row,
                    "parent",
                    _("These objectives align to each other in a circle."),
                )
                return
            parent = objectives[key].parent
            if isinstance(parent, tuple):
                visit(parent, (*trail, key))
            done.add(key)
            ordered.append(key)

        for key in objectives:
            visit(key, ())
        return ordered

    def _resolve_parent(
        self, entry: ObjectiveRows, objectives: dict[tuple, ObjectiveRows]
    ) -> tuple[bool, tuple | Objective | None]:
        """(found, parent): a key into this file's objectives, a stored objective, or None."""
        record, number = entry.record, entry.row
        title = _text(record, "parent")
        if not title:
            return True, None
        unit_code, cycle_code = _text(record, "parent_unit"), _text(record, "parent_cycle")

        def matches(candidate_key: tuple) -> bool:
            candidate_title, candidate_unit, candidate_cycle = candidate_key
            return (
                candidate_title == title
                and (not unit_code or candidate_unit == unit_code)
                and (not cycle_code or candidate_cycle == cycle_code)
            )

        in_file = [key for key in objectives if matches(key)]
        in_database = [key for key in self.stored if matches(key) and key not in objectives]
        found = in_file + in_database
        if len(found) > 1:
            self.problem(
                number,
                "parent",
                _(
                    "Several objectives are called “%(title)s”: name the parent_unit and "
                    "parent_cycle too."
                )
                % {"title": title},
            )
            return False, None
        parent = self.stored[in_database[0]] if in_database else None
        if not found or (
            parent is not None and not self.user.has_perm("objectives.see_objective", parent)
        ):
            self.problem(
                number,
                "parent",
                _("No objective you see is called “%(title)s”.") % {"title": title},
            )
            return False, None
        return True, in_file[0] if in_file else parent

    def _plan_objective(self, key: tuple, entry: ObjectiveRows) -> None:
        owner = self.person(entry.record, "owner", self.people, default=self.user)
        values = self._objective_values(key[0], entry, owner)
        if not entry.parent_found or owner is None or None in values.values():
            return
        existing = self.stored.get(key)
        # A parent from this file is only known once it is saved: it is bound as the writes run.
        parent_in_file = entry.parent if isinstance(entry.parent, tuple) else None
        if parent_in_file is None:
            values["parent"] = entry.parent
        parent_moves = (
            parent_in_file is not None
            and existing is not None
            and _parent_key_differs(existing, parent_in_file)
        )

        def save(objective: Objective) -> Objective:
            if parent_in_file:
                objective.parent = self.plan.saved_objectives[parent_in_file]
            return objective_upsert(objective=objective)

        def remember(objective: Objective) -> None:
            self.plan.saved_objectives[key] = objective

        self.plan_write(
            PlannedWrite(
                Objective,
                existing,
                values,
                entry.row,
                _("objective"),
                key[0],
                entry.unit,
                cycle=entry.cycle,
                moved=["parent"] if parent_moves else [],
                bound_later={"parent"} if parent_in_file else set(),
                save=save,
                then=remember,
            )
        )
        for record in entry.key_results:
            self._plan_key_result(record, key, existing, owner, entry)

    def _objective_values(self, title: str, entry: ObjectiveRows, owner: User | None) -> dict:
        record = entry.record
        values = {
            "title": title,
            "unit": entry.unit,
            "cycle": entry.cycle,
            "owner": owner,
            "description": _text(record, "description"),
            "level": _choice(
                _text(record, "level"), Objective.Level.choices, Objective.Level.QUARTERLY
            ),
            "kind": _choice(
                _text(record, "kind"), Objective.Kind.choices, Objective.Kind.COMMITTED
            ),
            "perspective": _choice(_text(record, "perspective"), Perspective.choices),
            "progress_source": _choice(
                _text(record, "progress_source"),
                Objective.ProgressSource.choices,
                Objective.ProgressSource.KEY_RESULTS,
            ),
            "weight": self.number(record, "weight", Decimal(1)),
        }
        self.not_a_choice(record, ("level", "kind", "perspective", "progress_source"), values)
        return values

    def _plan_key_result(
        self,
        record: dict,
        key: tuple,
        objective: Objective | None,
        objective_owner: User,
        entry: ObjectiveRows,
    ) -> None:
        title = _text(record, "key_result")
        owner = self.person(record, "kr_owner", self.people, default=objective_owner)
        kpi_code = _text(record, "driving_kpi")
        driving_kpi = self.kpis.get(kpi_code) if kpi_code else None
        if kpi_code and driving_kpi is None:
            self.no_such(record, "driving_kpi", _("There is no KPI with the code “%(code)s”."))
        start, target = self.number(record, "start"), self.number(record, "target")
        metric = self._metric(record)
        direction = self._direction(record, metric, start, target)
        if None in (owner, metric, direction) or (kpi_code and driving_kpi is None):
            return
        existing = None
        if objective is not None:
            existing = next((kr for kr in objective.key_results.all() if kr.title == title), None)
        values = {
            "title": title,
            "owner": owner,
            "metric_type": metric,
            "unit_label": _text(record, "unit_of_measure"),
            "direction": direction,
            "start_value": start,
            "target_value": target,
            "weight": self.number(record, "kr_weight", Decimal(1)),
            "driving_kpi": driving_kpi,
        }

        def save(key_result: KeyResult) -> KeyResult:
            key_result.objective = self.plan.saved_objectives[key]
            return key_result_upsert(key_result=key_result)

        self.plan_write(
            PlannedWrite(
                KeyResult,
                existing,
                values,
                record["_row"],
                _("key result"),
                title,
                entry.unit,
                cycle=entry.cycle,
                columns=KEY_RESULT_COLUMN_OF_FIELD,
                bound_later={"objective"},
                save=save,
            )
        )

    def _metric(self, record: dict) -> str | None:
        """The metric by its code, its label, or a short alias (“%”, “yes/no”)."""
        metric = _choice(_text(record, "metric"), MetricType.choices, MetricType.NUMBER)
        if metric is None:
            metric = METRIC_ALIASES.get(_text(record, "metric").lower())
        if metric is None:
            self.not_a_choice(record, ["metric"], {"metric": None})
        return metric

    def _direction(
        self, record: dict, metric: str | None, start: Decimal | None, target: Decimal | None
    ) -> str | None:
        """The direction as written, or, left blank, what the start and the target say."""
        raw_direction = _text(record, "direction")
        if raw_direction:
            direction = _choice(raw_direction, Direction.choices)
            if direction is None:
                self.not_a_choice(record, ["direction"], {"direction": None})
            return direction
        if metric == MetricType.BOOLEAN:
            return Direction.INCREASE
        if start is not None and target is not None:
            return Direction.INCREASE if target >= start else Direction.DECREASE
        if record.get("start") in (None, ""):
            self.problem(
                record["_row"],
                "direction",
                _("Give the direction: increase, decrease, stay_above or stay_below."),
            )
        return None


def _parent_key_differs(existing: Objective, parent_key: tuple) -> bool:
    parent = existing.parent
    if parent is None:
        return True
    return (parent.title, parent.unit.code, parent.cycle.code) != parent_key


EMPTY_CELL = gettext_lazy("This cell is empty; it needs a value.")


def _cell_messages(errors: list[ValidationError], column: str) -> list[str]:
    """The model's messages for one cell, an empty cell said once in the sheet's words."""
    messages: list[str] = []
    for error in errors:
        message = (
            str(EMPTY_CELL) if column and error.code in {"null", "blank"} else error.messages[0]
        )
        if message not in messages:
            messages.append(message)
    return messages


KPI_COLUMN_OF_FIELD = {
    "warning_threshold": "warning",
    "critical_threshold": "critical",
    "unit_label": "unit_of_measure",
}
KEY_RESULT_COLUMN_OF_FIELD = {
    "start_value": "start",
    "target_value": "target",
    "metric_type": "metric",
    "unit_label": "unit_of_measure",
    "weight": "kr_weight",
    "owner": "kr_owner",
    "title": "key_result",
}


def _change_in_words(instance, name: str, values: dict) -> str:
    """``target: 97 → 98``; only the field's name where the new value is worked out later."""
    try:
        label = str(instance._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    if name not in values:
        return label
    return f"{label}: {_in_words(getattr(instance, name))} → {_in_words(values[name])}"


def _in_words(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        value = value.normalize()
    return str(formats.localize(value))


def _differs(instance, name: str, value) -> bool:
    current = getattr(instance, name)
    if isinstance(current, Decimal) or isinstance(value, Decimal):
        if current is None or value is None:
            return current is not value
        return Decimal(current) != Decimal(value)
    if hasattr(current, "pk") or hasattr(value, "pk"):
        return getattr(current, "pk", current) != getattr(value, "pk", value)
    return (current or "") != (value or "") if isinstance(current or "", str) else current != value


def _with_values(model, existing, values: dict):
    """A separate instance for the write: the existing row's values with the new ones on top."""
    if existing is None:
        candidate = model()
    else:
        candidate = model(
            **{
                field.attname: getattr(existing, field.attname)
                for field in model._meta.concrete_fields
            }
        )
        candidate._state.adding = False
        candidate._state.db = existing._state.db
    for name, value in values.items():
        setattr(candidate, name, value)
    return candidate


def plan_import(sheets: dict[str, list[dict]], user: User, decimal_separator: str) -> ImportPlan:
    """Read every sheet into one plan: KPIs first (key results may follow them), then OKRs."""
    plan = ImportPlan()
    if not sheets:
        plan.problems.append(
            Problem(
                1,
                "",
                _("Neither an OKR sheet (with an objective column) nor a KPI sheet was found."),
            )
        )
    for sheet, planner in ((KPI_SHEET, KPISheetPlanner), (OKR_SHEET, OKRSheetPlanner)):
        if sheet in sheets:
            planner(plan, user, decimal_separator).plan_sheet(sheets[sheet])
    # One cause can surface twice (an objective's unit and its key result's): say it once.
    plan.problems = sorted(set(plan.problems), key=lambda problem: (problem.row, problem.column))
    return plan


@transaction.atomic
def apply_import(plan: ImportPlan) -> None:
    """Every write of the plan, or none: the KPIs, then the objectives and key results, parents
    first, each through its app's service."""
    if plan.problems:
        raise ValidationError(_("The import has problems: nothing was saved."))
    kpis_upsert(kpis=plan.kpis)
    for operation in plan.operations:
        operation()


def group_changes(plan: ImportPlan) -> dict[str, list[Change]]:
    grouped = defaultdict(list)
    for change in plan.changes:
        grouped[change.action].append(change)
    return grouped
