from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from okrplatform.forms import SpreadsheetUploadForm


class SpreadsheetImportForm(SpreadsheetUploadForm):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "XLSX with an OKRs sheet (one row per key result) and, if you like, a KPIs sheet; or "
            "one of them as CSV. The export of a unit has exactly this shape."
        ),
    )
