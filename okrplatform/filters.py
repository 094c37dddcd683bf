"""Filter building blocks shared by the apps' FilterSets."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

# A filter's "no choice" reads as a word, not "---------" (settings.FILTERS_EMPTY_CHOICE_LABEL
# says so for plain choices; model choices take it here).
ANY = _("Any")


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned into UTC: PostgreSQL refuses offsets beyond ±15:59 that
    ISO 8601 allows, and a moment in UTC means the same."""

    default_error_messages = {
        "invalid": _("Give a date and time such as 2026-11-01T09:00:00Z."),
    }

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class SinceFilter(django_filters.IsoDateTimeFilter):
    """Rows at or after a moment: ``updated_since=2026-11-01T09:00:00+01:00``."""

    field_class = UtcIsoDateTimeField

    def __init__(self, field_name: str, **kwargs) -> None:
        super().__init__(field_name=field_name, lookup_expr="gte", **kwargs)


class KeyOrIdField(forms.ModelChoiceField):
    """A row named as request bodies name it — by its stable key (a code, a username) — or by
    its id. The key wins where a key looks like an id."""

    def __init__(self, *, key: str, **kwargs) -> None:
        self.key = key
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        named = Q(**{self.key: text})
        if text.isdigit() and len(text) < 19:  # beyond, no database holds it as an id
            named |= Q(pk=int(text))
        # One query: at most the row with that key and the row with that id.
        candidates = sorted(
            self.queryset.filter(named)[:2],
            key=lambda row: str(getattr(row, self.key)) != text,
        )
        found = candidates[0] if candidates else None
        if found is None:
            # Formatted by whoever shows it: a "%" in the value must not read as a placeholder.
            raise ValidationError(
                _("Nothing you see has the code or id “%(value)s”."),
                code="invalid_choice",
                params={"value": text},
            )
        return found


@extend_schema_field(OpenApiTypes.STR)
class KeyOrIdFilter(django_filters.ModelChoiceFilter):
    """``unit=emea`` or ``unit=12``: a filter that takes the identifier bodies use, or the id."""

    field_class = KeyOrIdField

    def __init__(self, *args, key: str = "code", **kwargs) -> None:
        super().__init__(*args, key=key, **kwargs)
        if self.extra.get("help_text"):
            # The schema of an annotated filter is its annotation alone: the description
            # (``help_text``, in English for the API's readers) must be part of it.
            self._spectacular_annotation = {
                "field": {"type": "string", "description": self.extra["help_text"]}
            }


class IdField(forms.IntegerField):
    """A row's id: a whole number the database can hold (larger ones overflow its integer)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """Rows related to the one with this id: ``objective=12``."""

    field_class = IdField
