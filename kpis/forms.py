"""Forms for recording measurements, uploading many, and working on interventions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from okrplatform.forms import BootstrapFormMixin, SpreadsheetUploadForm, measured_value_field

from .health import period_start
from .models import KPI


class MeasurementForm(BootstrapFormMixin, forms.Form):
    period = forms.DateField(
        label=_("Period"),
        # A date field takes only ISO dates; a German 01.12.2026 would show it empty.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Any day of the period; it is stored as the period's first day."),
    )
    value = measured_value_field()
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, kpi: KPI, **kwargs) -> None:
        self.kpi = kpi
        kwargs.setdefault("initial", {"period": period_start(timezone.localdate(), kpi.frequency)})
        super().__init__(*args, **kwargs)
        if kpi.unit_label:
            self.fields["value"].label = _("Value in %(unit)s") % {"unit": kpi.unit_label}

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period_start(period, self.kpi.frequency) > timezone.localdate():
            raise forms.ValidationError(_("That period has not started yet."))
        return period


class UploadForm(SpreadsheetUploadForm):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "CSV or XLSX with the columns kpi (its code), period, value and, if you like, note. "
            "The first row holds the column names."
        ),
    )
