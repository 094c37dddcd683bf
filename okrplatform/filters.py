"""Filter building blocks shared by the apps' FilterSets."""

from __future__ import annotations

import re
from datetime import UTC

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from okrplatform.http import id_from

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


# What a code, a username or an id may hold: the schema says so, and anything else is refused
# before it reaches the database (which refuses a NUL character with an error of its own).
KEY_PATTERN = r"^[\w.@+-]+$"
_KEY = re.compile(KEY_PATTERN)


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
        if not _KEY.match(text):
            raise ValidationError(
                _("“%(value)s” is not a code, a username or an id."),
                code="invalid",
                params={"value": text.encode("unicode_escape").decode("ascii")},
            )
        named = Q(**{self.key: text})
        as_id = id_from(text)
        if as_id is not None:
            named |= Q(pk=as_id)
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


class _StatedSchema:
    """A filter whose schema is stated here (drf-spectacular cannot read it off the field),
    with the filter's ``help_text`` (in English, for the API's readers) as its description."""

    SCHEMA: dict = {}
    extra: dict
    label: str | None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        schema = dict(self.SCHEMA)
        description = self.extra.get("help_text") or self.label
        if description:
            schema["description"] = str(description)
        # What drf-spectacular's extend_schema_field leaves on a class, here per filter.
        self._spectacular_annotation = {"field": schema}


class KeyOrIdFilter(_StatedSchema, django_filters.ModelChoiceFilter):
    """``unit=emea`` or ``unit=12``: a filter that takes the identifier bodies use, or the id."""

    SCHEMA = {"type": "string", "pattern": KEY_PATTERN}
    field_class = KeyOrIdField

    def __init__(self, *args, key: str = "code", **kwargs) -> None:
        super().__init__(*args, key=key, **kwargs)


class IdField(forms.IntegerField):
    """A row's id: a whole number the database can hold (larger ones overflow its integer)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class IdFilter(_StatedSchema, django_filters.NumberFilter):
    """Rows related to the one with this id: ``objective=12``."""

    SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    field_class = IdField


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that a filter given without a value (``cycle=``) is
    refused rather than read as absent, and so is a value holding a NUL character: a client
    that built its query wrong learns it, instead of getting every row."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            # No filter given: what the FilterSet would answer is the queryset itself, and
            # building it (a deep copy of every filter, then a form) was a fifth of an
            # unfiltered page's time. Every filter here reads one parameter of its own name.
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        problems = {}
        for name, declared in filterset.filters.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            value = values[0]
            if len(values) > 1:
                problems[name] = [_("Give this parameter once.")]
            elif "\x00" in value:
                problems[name] = [_("A value holds a NUL character; send it without.")]
            elif not value.strip():
                problems[name] = [_("Give a value, or leave the parameter out.")]
            elif isinstance(declared, django_filters.BooleanFilter) and value.lower() not in {
                "true",
                "false",
            }:
                problems[name] = [_("Give true or false.")]
        if problems:
            raise serializers.ValidationError(problems)
        return filterset
