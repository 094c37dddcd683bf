"""Template tags that draw progress, status, grades and health the same way everywhere."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from objectives import display
from objectives.forms import CheckInForm
from objectives.models import KeyResult, Objective
from objectives.progress import Status

register = template.Library()


STATUSES = frozenset(Status.values)


def _status_words(status: str) -> str:
    """The status in the reader's words. Not ``get_status_display()``: Django rebuilds a dict of
    every choice, translating each label, on each call, and My work draws dozens of bars."""
    return Status(status).label if status in STATUSES else status


@register.simple_tag
def progress_bar(thing) -> str:
    """A progress bar with its number, for anything with progress and status."""
    return display.progress_bar(thing.progress, thing.status, _status_words(thing.status))


@register.simple_tag
def progress_bar_of(progress: float | None, status: str = "") -> str:
    """A progress bar for a bare figure; without a status it is drawn neutral."""
    label = Status(status).label if status in STATUSES else ""
    return display.progress_bar(progress, status, label)


@register.simple_tag
def status_badge(thing) -> str:
    return display.status_badge(thing.status, _status_words(thing.status))


@register.simple_tag
def status_badge_of(status: str) -> str:
    return display.status_badge(status, Status(status).label)


@register.simple_tag
def grade_badge(objective: Objective) -> str:
    grade = objective.grade
    verdict = _("success") if grade.is_success else _("missed")
    return display.status_badge(
        "success" if grade.is_success else "miss",
        _("Grade %(score)s · %(verdict)s")
        % {"score": number_format(grade.score, 1), "verdict": verdict},
    )


@register.simple_tag
def kpi_health_badge(kpi) -> str:
    return display.status_badge(kpi.health, kpi.health_words)


@register.simple_tag
def key_result_values(key_result: KeyResult) -> str:
    return display.key_result_values(key_result)


@register.filter
def number(value: Decimal | None) -> str:
    return display.number(value)


@register.simple_tag
def check_in_form_for(key_result: KeyResult, form=None) -> CheckInForm:
    """The posted form when it belongs to this key result, else a fresh one."""
    if isinstance(form, CheckInForm) and form.key_result.pk == key_result.pk:
        return form
    return CheckInForm(key_result=key_result, auto_id=f"check-in-{key_result.pk}-%s")


@register.filter
def percent(share: float | None) -> str:
    return display.percent(share)


@register.filter
def whole(count: int | None) -> str:
    """A count as people write it in their language: 20,000 or 20.000."""
    return display.whole(count)
