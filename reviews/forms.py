"""Forms of the reviews app: planning a review, recording decisions, grading, closing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kpis.models import KPI
from objectives.models import Cycle, KeyResult, Objective
from okrplatform.concurrency import ConcurrentEditForm
from okrplatform.forms import BootstrapFormMixin, LocalizedDecimalField
from okrplatform.http import id_from
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit, User
from okrplatform.org.selectors import in_subtree_of

from .grading import GradeInput, SheetLine
from .models import Decision, ObjectiveGrade, ReviewMeeting

GRADE_MESSAGE = _("A grade runs from 0.0 to 1.0, such as 0.7.")


class ReviewForm(BootstrapFormMixin, ConcurrentEditForm):
    class Meta:
        model = ReviewMeeting
        fields = [
            "unit",
            "cycle",
            "title",
            "scheduled_for",
            "location",
            "facilitator",
            "participants",
            "version",
        ]
        widgets = {
            "scheduled_for": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "participants": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        access = access_for(user)
        units = OrgUnit.objects.order_by("name")
        if not access.sees_everything:
            units = units.filter(pk__in=access.managed_unit_ids)
        self.fields["unit"].queryset = units
        self.fields["cycle"].queryset = Cycle.objects.exclude(state=Cycle.State.CLOSED).order_by(
            "-start_date"
        )
        people = User.objects.filter(is_active=True)
        self.fields["facilitator"].queryset = people
        self.fields["participants"].queryset = people
        self.fields["participants"].help_text = _("Hold Ctrl or ⌘ to choose several.")
        self.fields["scheduled_for"].input_formats = ["%Y-%m-%dT%H:%M"]


class DecisionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["title", "details", "objectives", "kpis"]
        widgets = {
            "details": forms.TextInput(),
            "objectives": forms.CheckboxSelectMultiple,
            "kpis": forms.CheckboxSelectMultiple,
        }
        labels = {"title": _("Decision"), "objectives": _("Objectives"), "kpis": _("KPIs")}
        error_messages = {"title": {"required": _("Say what was decided.")}}

    def __init__(self, *args, objectives, kpis, offered=None, **kwargs) -> None:
        """``objectives`` and ``kpis`` are what a decision may concern; ``offered``, the
        checkboxes shown for each (all of them when not given)."""
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = objectives
        self.fields["kpis"].queryset = kpis
        self.fields["objectives"].required = False
        self.fields["kpis"].required = False
        for name, things in (offered or {}).items():
            self.fields[name].widget.choices = [(thing.pk, str(thing)) for thing in things]


# Checkboxes offered for each of a decision's objectives and KPIs: all of a unit's when it has
# few, the agenda's first and then the others by name up to this many when it has thousands.
DECISION_CHOICES_OFFERED = 40


def _offered(choices: QuerySet, first: Sequence, chosen: Sequence) -> list:
    """The agenda's own first, then the other choices by name, and whatever was ticked."""
    first = list(first)[:DECISION_CHOICES_OFFERED]
    ids = {thing.pk for thing in first}
    others = choices.exclude(pk__in=ids)[: DECISION_CHOICES_OFFERED - len(first)]
    offered = first + [thing for thing in others if thing.pk not in ids]
    ids |= {thing.pk for thing in offered}
    missing = [pk for pk in map(id_from, chosen) if pk is not None and pk not in ids]
    return offered + list(choices.filter(pk__in=missing)) if missing else offered


def decision_choices(
    review: ReviewMeeting,
    *,
    objectives_first: Sequence[Objective] = (),
    kpis_first: Sequence[KPI] = (),
    data: QueryDict | None = None,
) -> dict:
    """The objectives and KPIs a decision of this review may concern (those of its unit and
    below), and the checkboxes offered: a bounded list, whatever the size of the unit."""
    subtree = in_subtree_of(review.unit)
    objectives = (
        Objective.objects.active()
        .filter(cycle=review.cycle_id, unit_id__in=subtree)
        .order_by("title", "pk")
    )
    kpis = KPI.objects.filter(unit_id__in=subtree, is_active=True).order_by("name", "pk")
    return {
        "objectives": objectives,
        "kpis": kpis,
        "offered": {
            "objectives": _offered(
                objectives, objectives_first, data.getlist("objectives") if data else []
            ),
            "kpis": _offered(kpis, kpis_first, data.getlist("kpis") if data else []),
        },
    }


class GradeForm(BootstrapFormMixin, forms.Form):
    """One grade on the sheet: of an objective (with the cause of a miss) or of a key result."""

    score = LocalizedDecimalField(
        label=_("Grade"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=3,
        decimal_places=2,
        error_messages={
            "invalid": GRADE_MESSAGE,
            "min_value": GRADE_MESSAGE,
            "max_value": GRADE_MESSAGE,
            "max_decimal_places": _("Two decimals at most, such as 0.75."),
            "required": GRADE_MESSAGE,
        },
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)

    def __init__(self, *args, suggested: Decimal, success_mark: Decimal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = suggested
        self.success_mark = success_mark
        if success_mark is not None:
            self.fields["miss_cause"] = forms.ChoiceField(
                label=_("Cause of the miss"),
                choices=[("", _("— not missed —")), *ObjectiveGrade.MissCause.choices],
                required=False,
            )
            self.fields["miss_cause"].widget.attrs["class"] = "form-select"

    def clean(self) -> dict:
        cleaned_data = super().clean()
        score = cleaned_data.get("score")
        if score is None:
            return cleaned_data
        if score != self.suggested and not cleaned_data.get("reason", "").strip():
            self.add_error(
                "reason",
                _("Say why the grade differs from the suggested %(grade)s.")
                % {"grade": number_format(self.suggested, decimal_pos=2)},
            )
        if self.success_mark is not None:
            missed = score < self.success_mark
            cause = cleaned_data.get("miss_cause")
            if missed and not cause:
                self.add_error(
                    "miss_cause",
                    _("Below %(mark)s this objective is missed: execution or strategy?")
                    % {"mark": number_format(self.success_mark, decimal_pos=1)},
                )
            if not missed and cause:
                self.add_error("miss_cause", _("Only a missed objective has a cause of the miss."))
        return cleaned_data


@dataclass
class GradingRow:
    """An objective on the sheet: its line, its grade form and one per key result."""

    line: SheetLine
    form: GradeForm
    key_results: list[tuple[KeyResult, GradeForm]]


class GradingSheetForm:
    """The whole grading sheet as one form: each objective's grade with its key results'."""

    def __init__(self, data, *, sheet: list[SheetLine]) -> None:
        self.is_bound = data is not None
        self.rows = [
            GradingRow(
                line=line,
                form=_objective_grade_form(data, line),
                key_results=[
                    (key_result, _key_result_grade_form(data, key_result, suggested))
                    for key_result, suggested in line.key_results
                ],
            )
            for line in sheet
        ]

    def forms(self) -> list[GradeForm]:
        return [row.form for row in self.rows] + [
            form for row in self.rows for _key_result, form in row.key_results
        ]

    def is_valid(self) -> bool:
        # Every form validates, so that all problems show at once, not one per submit.
        valid = [form.is_valid() for form in self.forms()]
        return self.is_bound and all(valid)

    def objective_grades(self) -> dict[int, GradeInput]:
        return {row.line.objective.pk: _grade_input(row.form) for row in self.rows}

    def key_result_grades(self) -> dict[int, GradeInput]:
        return {
            key_result.pk: _grade_input(form)
            for row in self.rows
            for key_result, form in row.key_results
        }


def _objective_grade_form(data, line: SheetLine) -> GradeForm:
    objective = line.objective
    grade = getattr(objective, "grade", None)
    missed = line.suggested < objective.success_mark
    return GradeForm(
        data,
        prefix=f"objective-{objective.pk}",
        suggested=line.suggested,
        success_mark=objective.success_mark,
        initial={
            "score": grade.score if grade else line.suggested,
            "reason": grade.reason if grade else "",
            "miss_cause": grade.miss_cause if grade else (line.miss.cause if missed else ""),
        },
    )


def _key_result_grade_form(data, key_result: KeyResult, suggested: Decimal) -> GradeForm:
    grade = getattr(key_result, "grade", None)
    return GradeForm(
        data,
        prefix=f"key-result-{key_result.pk}",
        suggested=suggested,
        initial={
            "score": grade.score if grade else suggested,
            "reason": grade.reason if grade else "",
        },
    )


def _grade_input(form: GradeForm) -> GradeInput:
    return GradeInput(suggested=form.suggested, **form.cleaned_data)


class CloseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewMeeting
        fields = ["what_worked", "what_did_not", "what_we_change"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class TradeOffForm(BootstrapFormMixin, forms.Form):
    trade_off = forms.CharField(
        label=_("Trade-off decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Which side gives way, how far, and until when."),
        error_messages={"required": _("Write down the trade-off: which side gives way.")},
    )
