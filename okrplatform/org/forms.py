"""Forms of the alignment app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from okrplatform.forms import BootstrapFormMixin


class ApiTokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “ERP nightly push”."),
        error_messages={"required": _("Name the token after what will use it.")},
    )
