"""Writes to objectives and key results. Every entry point (pages, admin, API, imports, tasks)
goes through these, so each write validates, stores and triggers its rollups the same way."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.translation import gettext as _

from alignment.models import User

from .models import CheckIn, KeyResult, Objective
from .progress import LOW_CONFIDENCE, Status, progress_status
from .rollups import refresh_key_results, refresh_statuses
from .tasks import recompute_rollups, rollup_key_result


def check_in_status(*, key_result: KeyResult, value: Decimal) -> str:
    """The status the key result would have today with this value."""
    return progress_status(
        key_result.progress_at(value), key_result.objective.cycle.expected_progress()
    )


def check_in_validate(*, key_result: KeyResult, value: Decimal, confidence: int, note: str) -> None:
    """A check-in that leaves the KR off track or with low confidence must say what blocks it."""
    if note.strip():
        return
    if confidence <= LOW_CONFIDENCE:
        raise ValidationError(
            {"note": _("With confidence 3 or less, say what blocks this key result.")}
        )
    if check_in_status(key_result=key_result, value=value) == Status.OFF_TRACK:
        raise ValidationError(
            {"note": _("This value leaves the key result off track: say what blocks it.")}
        )


@transaction.atomic
def check_in_record(
    *,
    key_result: KeyResult,
    author: User | None,
    value: Decimal,
    confidence: int,
    note: str = "",
    source: str = CheckIn.Source.MANUAL,
    at: datetime | None = None,
) -> CheckIn:
    """Record a check-in, move the KR's own figures now, roll up the rest after commit."""
    check_in_validate(key_result=key_result, value=value, confidence=confidence, note=note)
    check_in = CheckIn.objects.create(
        key_result=key_result,
        author=author,
        value=value,
        confidence=confidence,
        note=note.strip(),
        source=source,
        created_at=at or timezone.now(),
    )
    # The KR's own row is cheap to recompute here, so the page that checked in shows it at once;
    # its objective, the objectives above and the unit rollups follow in the task.
    refresh_key_results([key_result.pk])
    refresh_statuses(timezone.localdate(), key_results=[key_result.pk])
    key_result.refresh_from_db(
        fields=["current_value", "confidence", "last_check_in_at", "progress", "status"]
    )
    rollup_key_result.delay_on_commit(key_result.pk)
    return check_in


@transaction.atomic
def objective_save(
    *, objective_form: ModelForm, key_result_formset: BaseInlineFormSet
) -> Objective:
    """Save an objective with its key results; every stored figure follows after commit."""
    objective = objective_form.save()
    key_result_formset.instance = objective
    key_result_formset.save()
    recompute_rollups.delay_on_commit()
    return objective


@transaction.atomic
def objective_archive(*, objective: Objective) -> None:
    """Archive: the objective leaves every figure but stays in history."""
    Objective.objects.filter(pk=objective.pk, archived_at__isnull=True).update(
        archived_at=timezone.now()
    )
    recompute_rollups.delay_on_commit()


@transaction.atomic
def objective_restore(*, objective: Objective) -> None:
    Objective.objects.filter(pk=objective.pk).update(archived_at=None)
    recompute_rollups.delay_on_commit()
