"""Form building blocks shared by every app."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .display import without_trailing_zeros


class BootstrapFormMixin:
    """Gives every widget the Bootstrap class that fits it, and marks fields with errors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class SpreadsheetUploadForm(BootstrapFormMixin, forms.Form):
    """A spreadsheet and how its numbers are written; subclasses say what the file holds."""

    DECIMAL_CHOICES = [
        ("auto", _("Work it out from each number")),
        (".", _("Point: 1,234.5")),
        (",", _("Comma: 1.234,5")),
    ]
    file = forms.FileField(label=_("Spreadsheet"))
    decimal_separator = forms.ChoiceField(
        label=_("Decimal separator"), choices=DECIMAL_CHOICES, initial="auto"
    )


class DecimalInput(forms.TextInput):
    """A number in the reader's format (8,4 in German), as a text field with a decimal keypad.

    A browser drops a localised value from ``<input type="number">`` (it only takes 8.4), so a
    German page would show the field empty and refuse the save.
    """

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            value = without_trailing_zeros(value)
        return super().format_value(value)


class LocalizedDecimalField(forms.DecimalField):
    """A decimal read and shown the person's way: 7,5 in German, 7.5 in English."""

    widget = DecimalInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs["localize"] = True
        super().__init__(*args, **kwargs)


def measured_value_field() -> forms.DecimalField:
    """A value as check-ins and measurements store it (20 digits, 4 decimals), written the
    reader's way (7,5 in German)."""
    return LocalizedDecimalField(
        label=_("Value"),
        max_digits=20,
        decimal_places=4,
        error_messages={"invalid": _("Enter a number, such as 42 or 7.5.")},
    )
