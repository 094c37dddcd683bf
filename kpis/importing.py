"""Reading measurements from a spreadsheet: numbers written the way people write them, every
problem named by row and column, nothing saved unless every row is right."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from okrplatform.org.access import access_for
from okrplatform.org.models import User

from .health import period_start
from .models import KPI, Measurement
from .services import MeasurementInput

MAX_ROWS = 10_000
REQUIRED_COLUMNS = ("kpi", "period", "value")
UPLOAD_COLUMNS = (*REQUIRED_COLUMNS, "note")
CURRENCY_AND_SPACE = re.compile(r"[\s\u00a0\u202f$€£¥₹]|[A-Z]{3}$|^[A-Z]{3}")


class NotANumber(ValueError):
    pass


def parse_number(raw: object, decimal_separator: str = "auto") -> Decimal:
    """A number as people write it in spreadsheets: “15%”, “$200,000”, “1.234,5”, “-3”.

    ``decimal_separator`` is “.” or “,” when the file says which; “auto” works it out: of the
    two marks the last is the decimal one; a lone mark followed by exactly three digits groups
    thousands (“1,234”), unless the number starts with “0”.
    """
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return Decimal(str(raw))
    text = CURRENCY_AND_SPACE.sub("", str(raw or "").strip()).removesuffix("%")
    if not re.fullmatch(r"[-+]?\d[\d.,]*", text):
        raise NotANumber(str(raw))
    decimal = decimal_separator if decimal_separator in {".", ","} else _decimal_mark(text)
    grouping = "," if decimal == "." else "."
    whole, _sep, fraction = text.lstrip("+-").partition(decimal)
    groups = whole.split(grouping)
    well_grouped = len(groups) == 1 or (
        1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])
    )
    if not well_grouped or decimal in fraction or grouping in fraction:
        raise NotANumber(str(raw))
    digits = text.replace(grouping, "").replace(decimal, ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise NotANumber(str(raw)) from None


def _decimal_mark(text: str) -> str:
    marks = [mark for mark in (".", ",") if mark in text]
    if len(marks) == 2:
        return "." if text.rfind(".") > text.rfind(",") else ","
    if not marks:
        return "."
    mark = marks[0]
    whole, _sep, fraction = text.lstrip("+-").rpartition(mark)
    groups_thousands = text.count(mark) > 1 or (len(fraction) == 3 and whole != "0")
    if groups_thousands:
        return "," if mark == "." else "."
    return mark


def parse_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class PreviewRow:
    row: int
    item: MeasurementInput
    action: str  # create, update or unchanged
    old_value: Decimal | None


def read_rows(uploaded, filename: str) -> list[dict]:
    """The rows of a CSV or XLSX file as dicts keyed by lower-case column name, with ``_row``."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(uploaded, read_only=True, data_only=True).active
        return records_of(sheet.iter_rows(values_only=True), UPLOAD_COLUMNS)
    return records_of(csv_rows(uploaded.read().decode("utf-8-sig")), UPLOAD_COLUMNS)


def csv_rows(text: str):
    # Spreadsheets export with “,” or, where the comma is the decimal mark, with “;”. Judged on
    # the first lines together, since a title line above the header may hold neither.
    first_lines = "\n".join(text.split("\n", 10)[:10])
    delimiter = max(",;\t", key=first_lines.count)
    return csv.reader(io.StringIO(text), delimiter=delimiter)


HEADER_SEARCH_ROWS = 20  # a title block above the header is a few lines, not a sheet


def records_of(rows, columns: Collection[str] = ()) -> list[dict]:
    """``[{"_header": [...]}, record, ...]``: one dict per non-blank row, keyed by column name
    (lower case, spaces as underscores), with its row number as people count in ``_row``.

    The header is the first row naming two of ``columns`` (or, when none does, the first row
    with two cells or more): a title row, a subtitle or blank rows above it, as people leave
    them in a spreadsheet, are skipped.
    """
    rows = iter(rows)
    above = [list(values) for _, values in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
    names = [[str(cell or "").strip().lower().replace(" ", "_") for cell in row] for row in above]
    known = set(columns)
    filled = [index for index, row in enumerate(names) if sum(1 for cell in row if cell) >= 2]
    naming = [index for index in filled if len(known.intersection(names[index])) >= 2]
    header_index = (naming or filled or [len(above)])[0]
    header = names[header_index] if header_index < len(above) else []
    following = itertools.chain(above[header_index + 1 :], rows)
    records = []
    for number, values in enumerate(following, start=header_index + 2):
        if number - 1 > MAX_ROWS:
            raise ValueError(_("A spreadsheet may hold at most %(max)d rows.") % {"max": MAX_ROWS})
        record = dict(zip(header, values, strict=False))
        if all(value in (None, "") for value in record.values()):
            continue  # blank rows are ignored
        records.append({**record, "_row": number})
    return [{"_header": header}, *records]


def preview(
    records: list[dict], *, user: User, decimal_separator: str
) -> tuple[list[PreviewRow], list[Problem]]:
    """Validate every row; problems name the row and the column. Three queries in all."""
    header = records[0]["_header"]
    problems = [
        Problem(1, column, _("The column “%(column)s” is missing.") % {"column": column})
        for column in REQUIRED_COLUMNS
        if column not in header
    ]
    if problems:
        return [], problems
    rows = records[1:]
    access = access_for(user)
    # A KPI the person does not see is unknown to them: the preview must not say it exists.
    codes = {str(r.get("kpi") or "").strip() for r in rows}
    kpis = {kpi.code: kpi for kpi in access.restrict(KPI.objects.filter(code__in=codes))}
    parsed: list[tuple[int, MeasurementInput]] = []
    for record in rows:
        number, code = record["_row"], str(record.get("kpi") or "").strip()
        kpi = kpis.get(code)
        if kpi is None:
            problems.append(
                Problem(
                    number, "kpi", _("There is no KPI with the code “%(code)s”.") % {"code": code}
                )
            )
        elif not (
            access.sees_everything
            or kpi.owner_id == user.pk
            or access.is_contributor_at(kpi.unit_id)
        ):
            problems.append(
                Problem(
                    number, "kpi", _("You may not record values for “%(kpi)s”.") % {"kpi": kpi.name}
                )
            )
        try:
            period = parse_date(record.get("period"))
        except ValueError:
            problems.append(
                Problem(
                    number,
                    "period",
                    _("“%(value)s” is not a date; write it like 2026-11-16.")
                    % {"value": record.get("period")},
                )
            )
            period = None
        try:
            value = parse_number(record.get("value"), decimal_separator)
        except NotANumber:
            problems.append(
                Problem(
                    number,
                    "value",
                    _("“%(value)s” is not a number.") % {"value": record.get("value")},
                )
            )
            value = None
        if (
            kpi is not None
            and period is not None
            and period_start(period, kpi.frequency) > timezone.localdate()
        ):
            problems.append(Problem(number, "period", _("That period has not started yet.")))
        if kpi is not None and period is not None and value is not None:
            parsed.append(
                (
                    number,
                    MeasurementInput(kpi, period, value, str(record.get("note") or "").strip()),
                )
            )
    existing = {
        (m.kpi_id, m.period): m.value
        for m in Measurement.objects.filter(
            kpi_id__in={item.kpi.pk for _n, item in parsed},
            period__in={period_start(item.period, item.kpi.frequency) for _n, item in parsed},
        )
    }
    previews = []
    for number, item in parsed:
        old = existing.get((item.kpi.pk, period_start(item.period, item.kpi.frequency)))
        action = "create" if old is None else ("unchanged" if old == item.value else "update")
        previews.append(PreviewRow(number, item, action, old))
    return previews, problems
