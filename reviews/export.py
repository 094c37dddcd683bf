"""A review as a workbook: its agenda, grades, decisions, KPIs needing attention and
retrospective, one sheet each, for those who keep the minutes in a spreadsheet.

Unlike the agenda's page, the workbook holds every objective and every KPI that needs
attention: it is the record, read in a spreadsheet, not on a screen."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from objectives.progress import STATUS_SEVERITY
from okrplatform.xlsx import append_row

from .agenda import kpis_needing_attention, objective_lines, review_decisions
from .grading import review_objectives
from .models import ReviewMeeting


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(len(str(row[index - 1] or "")) for row in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, longest + 2)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def review_workbook(review: ReviewMeeting) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    objectives = list(
        review_objectives(review)
        .annotate(severity=STATUS_SEVERITY)
        .order_by("severity", "progress", "title", "pk")
    )
    lines = objective_lines(objectives)

    def grade(thing):
        return getattr(thing, "grade", None)

    _sheet(
        workbook,
        _("Objectives"),
        [
            _("Unit"),
            _("Objective"),
            _("Owner"),
            _("Kind"),
            _("Progress"),
            _("Status"),
            _("Confidence"),
            _("Grade"),
            _("Success"),
            _("Cause of the miss"),
            _("Reason"),
        ],
        [
            [
                objective.unit.name,
                objective.title,
                str(objective.owner),
                objective.get_kind_display(),
                _share(objective.progress),
                objective.get_status_display(),
                float(line.confidence_now) if line.confidence_now is not None else None,
                float(grade(objective).score) if grade(objective) else None,
                (_("yes") if grade(objective).is_success else _("no"))
                if grade(objective)
                else None,
                grade(objective).get_miss_cause_display() if grade(objective) else None,
                grade(objective).reason if grade(objective) else None,
            ]
            for line, objective in zip(lines, objectives, strict=True)
        ],
    )
    _sheet(
        workbook,
        _("Key results"),
        [_("Objective"), _("Key result"), _("Owner"), _("Progress"), _("Grade"), _("Reason")],
        [
            [
                objective.title,
                key_result.title,
                str(key_result.owner),
                _share(key_result.progress),
                float(grade(key_result).score) if grade(key_result) else None,
                grade(key_result).reason if grade(key_result) else None,
            ]
            for objective in objectives
            for key_result in objective.key_results.all()
        ],
    )
    _sheet(
        workbook,
        _("Decisions"),
        [_("Decided on"), _("Decision"), _("Details"), _("Decided by"), _("Objectives"), _("KPIs")],
        [
            [
                decision.decided_on,
                decision.title,
                decision.details,
                str(decision.decided_by),
                "; ".join(objective.title for objective in decision.objectives.all()),
                "; ".join(kpi.name for kpi in decision.kpis.all()),
            ]
            for decision in review_decisions(review)
        ],
    )
    _sheet(
        workbook,
        _("KPIs needing attention"),
        [_("KPI"), _("Unit"), _("Owner"), _("Latest value"), _("Unit of measure"), _("Health")],
        [
            [
                kpi.name,
                kpi.unit.name,
                str(kpi.owner or ""),
                float(kpi.latest_value) if kpi.latest_value is not None else None,
                kpi.unit_label,
                kpi.health_words,
            ]
            for kpi in kpis_needing_attention(review)
        ],
    )
    _sheet(
        workbook,
        _("Retrospective"),
        [_("Question"), _("Answer")],
        [
            [_("Review"), review.title],
            [_("Unit"), review.unit.name],
            [_("Cycle"), str(review.cycle)],
            [_("Date"), timezone.localtime(review.scheduled_for).replace(tzinfo=None)],
            [_("What worked"), review.what_worked],
            [_("What didn't work"), review.what_did_not],
            [_("What we change"), review.what_we_change],
        ],
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
