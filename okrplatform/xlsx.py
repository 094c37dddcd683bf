"""Rows written into an .xlsx workbook (openpyxl), for every export that writes one."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet


def append_row(sheet: Worksheet, row: Iterable) -> None:
    """``sheet.append(row)`` for text people typed: the XML inside an .xlsx has no room for
    control characters (a title pasted from elsewhere may carry one, and openpyxl refuses the
    whole workbook), so they are left out of the cell. The text stored is unchanged, and a CSV
    export keeps them."""
    sheet.append(
        [ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in row]
    )
