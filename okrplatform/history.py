"""Who changed what and when, read from django-simple-history's records for a page to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import pgettext

from .display import number

# Bookkeeping a person never edits: the optimistic-lock counter and the save time.
NOT_SHOWN = {"version", "updated_at", "created_at"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime
    who: str
    what: str  # the thing changed, e.g. the key result's title
    created: bool
    fields: list[FieldChange] = field(default_factory=list)


def change_history(*record_sets: models.QuerySet, limit: int = 15) -> list[Change]:
    """The newest changes first, over one or more objects' records (an objective and its key
    results): a creation, or each field changed with its old and new value. Saves that changed
    only bookkeeping (the version line) are left out."""
    rows = sorted(
        (
            record
            for records in record_sets
            for record in records.select_related("history_user").order_by("-history_date")[:200]
        ),
        key=lambda record: record.history_date,
        reverse=True,
    )
    changes = []
    for index, record in enumerate(rows):
        older = _previous_of(record, rows[index + 1 :])
        change = Change(
            when=record.history_date,
            who=str(record.history_user)
            if record.history_user
            else pgettext("who changed it", "The system"),
            what=str(record.instance),
            created=record.history_type == "+",
        )
        if older is not None and not change.created:
            delta = record.diff_against(older)
            change.fields = [
                _field_change(record, item) for item in delta.changes if item.field not in NOT_SHOWN
            ]
            if not change.fields:
                continue
        changes.append(change)
        if len(changes) == limit:
            break
    return changes


def _previous_of(record, older_rows: list):
    """The record before this one of the same row (the rows may mix several objects)."""
    key = record.instance_type._meta.pk.attname
    for older in older_rows:
        same_model = older.instance_type is record.instance_type
        if same_model and getattr(older, key) == getattr(record, key):
            return older
    return None


def _field_change(record, item) -> FieldChange:
    model_field = record.instance_type._meta.get_field(item.field)
    return FieldChange(
        label=str(model_field.verbose_name),
        old=_shown(model_field, item.old),
        new=_shown(model_field, item.new),
    )


def _shown(model_field: models.Field, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, Decimal):
        return number(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    related_model = model_field.related_model if model_field.is_relation else None
    if isinstance(related_model, type):
        related = related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "—"
    return str(value)


def history_response(
    request: HttpRequest, *, title: str, back_url: str, record_sets: list[models.QuerySet]
) -> HttpResponse:
    """The changes as the fragment a page loads when it scrolls into view (htmx), or as a page
    of their own for the link behind it."""
    context = {"changes": change_history(*record_sets), "title": title, "back_url": back_url}
    template = "includes/history.html" if getattr(request, "htmx", False) else "history.html"
    return render(request, template, context)
