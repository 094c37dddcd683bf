"""Forms of the helpers: scenario scores for the recommender, figures for the ROI calculator."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from okrplatform.forms import BootstrapFormMixin, LocalizedDecimalField

from .tools import KPI_SCENARIOS, OKR_SCENARIOS, ROIInput

SCORE_MESSAGE = _("Score each scenario from 1 (not at all) to 5 (very much).")


class RecommenderForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in {**OKR_SCENARIOS, **KPI_SCENARIOS}.items():
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=5,
                initial=3,
                widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 1}),
                error_messages={
                    "required": SCORE_MESSAGE,
                    "invalid": SCORE_MESSAGE,
                    "min_value": SCORE_MESSAGE,
                    "max_value": SCORE_MESSAGE,
                },
            )

    def change_fields(self):
        return [self[name] for name in OKR_SCENARIOS]

    def stability_fields(self):
        return [self[name] for name in KPI_SCENARIOS]


def _money(label, initial, help_text="") -> forms.DecimalField:
    return LocalizedDecimalField(
        label=label,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        initial=Decimal(initial),
        help_text=help_text,
    )


def _percent(label, initial, help_text="") -> forms.DecimalField:
    return LocalizedDecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        initial=Decimal(initial),
        help_text=help_text,
    )


class ROIForm(BootstrapFormMixin, forms.Form):
    employees = forms.IntegerField(label=_("People in the programme"), min_value=1, initial=200)
    cost_per_employee = _money(
        _("Cost per person a year"), "75000", _("Salary and overheads, fully loaded.")
    )
    productivity_gain = _percent(
        _("Productivity gain (%)"), "3", _("More output for the same input.")
    )
    hours_saved_per_week = LocalizedDecimalField(
        label=_("Hours saved per person a week"),
        min_value=Decimal(0),
        max_value=Decimal(40),
        max_digits=4,
        decimal_places=1,
        initial=Decimal("1.0"),
        help_text=_("Status meetings, reports and spreadsheets no longer needed."),
    )
    turnover_reduction = _percent(
        _("Fewer leavers a year (percentage points)"), "1", _("From better engagement.")
    )
    replacement_cost = _money(_("Cost of replacing one leaver"), "30000")
    other_efficiency_gains = _money(_("Other efficiency gains a year"), "0")
    programme_cost = _money(
        _("Programme cost a year"), "120000", _("Licences, training and people's time.")
    )

    def as_input(self) -> ROIInput:
        return ROIInput(**self.cleaned_data)
