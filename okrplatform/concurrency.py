"""Optimistic locking for every form that edits a versioned object (django-concurrency).

The model refuses a stale save in the database; the form catches it earlier and says who changed
the object, keeps the person's input and arms the form so a second, informed save wins.
"""

from __future__ import annotations

from concurrency.forms import VersionField
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _


def last_change(instance: models.Model) -> dict:
    """Who changed a versioned object last, and when, for the message that refuses a stale edit."""
    latest = (
        instance.history.select_related("history_user").first()
        if hasattr(instance, "history")
        else None
    )
    who = str(latest.history_user) if latest and latest.history_user else _("someone else")
    when = (
        formats.date_format(timezone.localtime(latest.history_date), "DATETIME_FORMAT")
        if latest
        else ""
    )
    return {"thing": instance._meta.verbose_name, "who": who, "when": when}


def edit_conflict_message(instance: models.Model) -> str:
    return _(
        "This %(thing)s was changed by %(who)s since you opened it (%(when)s). Your input is "
        "kept below: check it against the current values, then save again to replace them."
    ) % last_change(instance)


class ConcurrentEditForm(forms.ModelForm):
    """A model form that refuses to overwrite changes made since it was opened."""

    def clean(self) -> dict:
        cleaned_data = super().clean()
        version_field = getattr(self.instance, "_concurrencymeta", None)
        if not self.instance.pk or version_field is None:
            return cleaned_data
        name = version_field.field.name
        opened_at_version = cleaned_data.get(name)
        current_version = (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk)
            .values_list(version_field.field.attname, flat=True)
            .first()
        )
        if opened_at_version is not None and opened_at_version != current_version:
            self._arm_for_informed_resave(name, current_version)
            raise ValidationError(edit_conflict_message(self.instance), code="edit_conflict")
        return cleaned_data

    def _arm_for_informed_resave(self, name: str, current_version: int) -> None:
        field = self.fields[name]
        assert isinstance(field, VersionField)
        self.data = self.data.copy()
        self.data[self.add_prefix(name)] = field._signer.sign(current_version)
