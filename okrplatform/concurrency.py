"""Optimistic locking for every form that edits a versioned object (django-concurrency).

The model refuses a stale save in the database; the form catches it earlier and says who changed
the object, keeps the person's input and arms the form so a second, informed save wins.
"""

from __future__ import annotations

from concurrency.exceptions import VersionError
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


def _answering_tampering(to_python):
    """A version that is not one we signed (edited by hand, or from another form) is a form to
    open again, not a server error."""

    def checked(value):
        try:
            return to_python(value)
        except VersionError:
            raise ValidationError(
                _("This form is out of date or was changed by hand: open the page again."),
                code="bad_version",
            ) from None

    return checked


def edit_conflict_message(instance: models.Model) -> str:
    return _(
        "This %(thing)s was changed by %(who)s since you opened it (%(when)s). Your input is "
        "kept below: check it against the current values, then save again to replace them."
    ) % last_change(instance)


class ConcurrentEditForm(forms.ModelForm):
    """A model form that refuses to overwrite changes made since it was opened."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, VersionField):
                field.to_python = _answering_tampering(field.to_python)

    def refuse_stale_save(self) -> None:
        """Someone saved in the moment between this form's check and its save: say who, keep
        the input, and arm the form so that saving again, now informed, wins."""
        version_field = self.instance._concurrencymeta.field
        current_version = (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk)
            .values_list(version_field.attname, flat=True)
            .first()
        )
        self._arm_for_informed_resave(version_field.name, current_version)
        self.add_error(None, ValidationError(edit_conflict_message(self.instance)))

    def clean(self) -> dict:
        cleaned_data = super().clean()
        for name, field in self.fields.items():
            # The version is a hidden field: a problem with it is the form's, shown on top.
            if isinstance(field, VersionField) and name in self._errors:
                self.add_error(None, self._errors.pop(name))
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

    def has_changed(self) -> bool:
        """Whether the person changed anything: the hidden version of a blank extra formset row
        reads 0 against no initial value, and must not make that row look filled in."""
        version_field = getattr(self.instance, "_concurrencymeta", None)
        ignored = {version_field.field.name} if version_field is not None else set()
        return any(name not in ignored for name in self.changed_data)

    def _arm_for_informed_resave(self, name: str, current_version: int) -> None:
        field = self.fields[name]
        assert isinstance(field, VersionField)
        self.data = self.data.copy()
        self.data[self.add_prefix(name)] = field._signer.sign(current_version)
