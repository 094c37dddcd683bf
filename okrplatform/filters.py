"""Filter building blocks shared by the apps' FilterSets."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

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
