"""Writes to objectives and key results. Every entry point (pages, admin, API, imports, tasks)
goes through these, so each write validates, stores and triggers its rollups the same way."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kpis.models import KPI, Measurement
from okrplatform.org.models import User
from okrplatform.outbox.relay import after_commit

from .events import check_ins_recorded, check_ins_recorded_by_id
from .models import CheckIn, Cycle, KeyResult, KPILink, Objective
from .progress import LOW_CONFIDENCE, Status, progress_status
from .rollups import refresh_key_results, refresh_statuses

Row = TypeVar("Row", Objective, KeyResult)


@dataclass(frozen=True)
class CheckInResult:
    """A recorded check-in and its key result as now stored, for the page or API to show."""

    check_in: CheckIn
    key_result: KeyResult


def check_in_validate(*, status: str, confidence: int, note: str) -> None:
    """A check-in that leaves the KR off track or with low confidence must say what blocks it."""
    if note.strip():
        return
    if confidence <= LOW_CONFIDENCE:
        raise ValidationError(
            {"note": _("With confidence 3 or less, say what blocks this key result.")}
        )
    if status == Status.OFF_TRACK:
        raise ValidationError(
            {"note": _("This value leaves the key result off track: say what blocks it.")}
        )


def check_in_time_validate(*, cycle: Cycle, at: datetime) -> None:
    """A check-in for an earlier moment (history being loaded) lies inside its open cycle and
    never in the future."""
    if at > timezone.now():
        raise ValidationError({"checked_in_at": _("A check-in cannot be in the future.")})
    if cycle.is_closed:
        raise ValidationError(
            {
                "checked_in_at": _("%(cycle)s is closed: its check-ins are a record.")
                % {"cycle": cycle}
            }
        )
    day = timezone.localdate(at)
    if not cycle.start_date <= day <= cycle.end_date:
        raise ValidationError(
            {
                "checked_in_at": _("Choose a moment inside %(cycle)s (%(start)s – %(end)s).")
                % {
                    "cycle": cycle,
                    "start": formats.date_format(cycle.start_date, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(cycle.end_date, "SHORT_DATE_FORMAT"),
                }
            }
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
) -> CheckInResult:
    """Validate and record a check-in, move the KR's own figures now, roll up the rest after
    commit.

    The KR's progress and status at this value are computed once, here: they decide whether
    the check-in needs a note, and they are what the KR stores.
    """
    cycle = key_result.objective.cycle
    if at is not None:
        check_in_time_validate(cycle=cycle, at=at)
    progress = key_result.progress_at(value)
    status = progress_status(progress, cycle.expected_progress())
    # Whether it needs a note is judged as things stood then: history loaded week by week was
    # on track in its week even when it would be behind today.
    status_then = (
        status
        if at is None
        else progress_status(progress, cycle.expected_progress(on=timezone.localdate(at)))
    )
    check_in_validate(status=status_then, confidence=confidence, note=note)
    check_in = CheckIn.objects.create(
        key_result=key_result,
        author=author,
        value=value,
        confidence=confidence,
        note=note.strip(),
        source=source,
        created_at=at or timezone.now(),
    )
    _key_result_takes(key_result, check_in, progress=progress, status=status)
    after_commit("objectives.tasks.rollup_key_result", key_result_id=key_result.pk)
    check_ins_recorded([check_in])
    return CheckInResult(check_in=check_in, key_result=key_result)


def _key_result_takes(
    key_result: KeyResult, check_in: CheckIn, *, progress: float, status: str
) -> None:
    """The KR takes the check-in's value, confidence, progress and status in one UPDATE, unless
    a later check-in stands (a late entry for an earlier moment): that one keeps them."""
    figures = {
        "current_value": check_in.value,
        "confidence": check_in.confidence,
        "last_check_in_at": check_in.created_at,
        "progress": progress,
        "status": str(status),
    }
    latest = Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lte=check_in.created_at)
    if not KeyResult.objects.filter(latest, pk=key_result.pk).update(**figures):
        key_result.refresh_from_db(fields=list(figures))
        return
    # The value as the database hands it back, so the page shows what a reload would show.
    places = KeyResult._meta.get_field("current_value").decimal_places
    figures["current_value"] = Decimal(check_in.value).quantize(Decimal(1).scaleb(-places))
    for field, stored in figures.items():
        setattr(key_result, field, stored)


def _after_check_ins(key_result_ids: list[int]) -> None:
    """The key results' own rows are cheap to recompute here, so the page that checked in shows
    them at once; their objectives, the objectives above and the unit rollups follow in a task."""
    refresh_key_results(key_result_ids)
    refresh_statuses(timezone.localdate(), key_results=key_result_ids)
    if len(key_result_ids) == 1:
        after_commit("objectives.tasks.rollup_key_result", key_result_id=key_result_ids[0])
    else:
        after_commit("objectives.tasks.rollup_key_results", key_result_ids=key_result_ids)


def check_ins_record_from_kpis(*, kpi_ids: Collection[int] | None = None) -> int:
    """Each key result driven by these KPIs checks in its KPI's latest measurement, once.

    The check-in is the system's (no author), names the KPI, and keeps the KR's confidence.
    Returns how many check-ins were made.
    """
    driven = KeyResult.objects.filter(driving_kpi__isnull=False).select_related("driving_kpi")
    if kpi_ids is not None:
        driven = driven.filter(driving_kpi_id__in=kpi_ids)
    driven = list(driven)
    if not driven:
        return 0  # most KPIs drive no key result: nothing more to read
    latest = Measurement.objects.filter(
        period=F("kpi__latest_period"),
        kpi_id__in={key_result.driving_kpi_id for key_result in driven},
    )
    latest_by_kpi = {measurement.kpi_id: measurement for measurement in latest}
    already = set(
        CheckIn.objects.filter(
            from_measurement__in=list(latest_by_kpi.values()), key_result__in=driven
        ).values_list("key_result_id", "from_measurement_id", "value")
    )
    check_ins = []
    for key_result in driven:
        measurement = latest_by_kpi.get(key_result.driving_kpi_id)
        if measurement is None or (key_result.pk, measurement.pk, measurement.value) in already:
            continue
        check_ins.append(
            CheckIn(
                key_result=key_result,
                value=measurement.value,
                confidence=key_result.confidence,
                note=_("Value of the KPI “%(kpi)s” for the period starting %(period)s.")
                % {
                    "kpi": key_result.driving_kpi.name,
                    "period": formats.date_format(measurement.period, "SHORT_DATE_FORMAT"),
                },
                author=None,
                source=CheckIn.Source.KPI,
                from_measurement=measurement,
                created_at=timezone.now(),
            )
        )
    if check_ins:
        CheckIn.objects.bulk_create(check_ins)
        _after_check_ins([check_in.key_result_id for check_in in check_ins])
        check_ins_recorded_by_id([check_in.pk for check_in in check_ins])
    return len(check_ins)


@transaction.atomic
def kpi_measurements_followed(*, kpi_ids: Collection[int] | None) -> int:
    """New KPI values reach the floor above: the key results they drive check in, and their
    lead and guard links are evaluated for interventions after commit."""
    made = check_ins_record_from_kpis(kpi_ids=kpi_ids)
    after_commit("kpis.tasks.kpis_changed", kpi_ids=None if kpi_ids is None else sorted(kpi_ids))
    return made


@transaction.atomic
def objective_save(
    *, objective_form: ModelForm, key_result_formset: BaseInlineFormSet
) -> Objective:
    """Save an objective with its key results; every stored figure follows after commit."""
    objective = objective_form.save()
    key_result_formset.instance = objective
    key_result_formset.save()
    after_commit("objectives.tasks.recompute_rollups")
    return objective


@transaction.atomic
def objective_store(*, serializer) -> Objective:
    """Create or change an objective from a validated API body; every stored figure follows
    after commit."""
    objective = serializer.save()
    rollups_refresh_later()
    return objective


@transaction.atomic
def key_result_store(*, serializer) -> KeyResult:
    """Create or change a key result from a validated API body."""
    key_result = serializer.save()
    rollups_refresh_later()
    return key_result


@transaction.atomic
def key_result_delete(*, key_result: KeyResult) -> None:
    """Remove a key result nobody has checked in on: check-ins are a record and stay."""
    if key_result.check_ins.exists():
        raise ValidationError(_("It has check-ins, which are a record: keep it."))
    key_result.delete()
    rollups_refresh_later()


def objective_archive(*, objective: Objective) -> None:
    """Archive: the objective leaves every figure but stays in history."""
    objectives_archive(objectives=Objective.objects.filter(pk=objective.pk))


def objective_restore(*, objective: Objective) -> None:
    objectives_restore(objectives=Objective.objects.filter(pk=objective.pk))


@transaction.atomic
def objectives_archive(*, objectives: QuerySet[Objective]) -> int:
    """Archive many at once (admin); returns how many were not archived yet."""
    now = timezone.now()
    # updated_at moves too: systems syncing by updated_since learn of the archive.
    count = objectives.filter(archived_at__isnull=True).update(archived_at=now, updated_at=now)
    rollups_refresh_later()
    return count


@transaction.atomic
def objectives_restore(*, objectives: QuerySet[Objective]) -> int:
    count = objectives.filter(archived_at__isnull=False).update(
        archived_at=None, updated_at=timezone.now()
    )
    rollups_refresh_later()
    return count


def objective_upsert(*, objective: Objective) -> Objective:
    """Create or change an objective as a spreadsheet row has it, validated by the caller."""
    return _saved_then_rolled_up(objective)


def key_result_upsert(*, key_result: KeyResult) -> KeyResult:
    """Create or change a key result as a spreadsheet row has it, validated by the caller."""
    return _saved_then_rolled_up(key_result)


@transaction.atomic
def _saved_then_rolled_up(row: Row) -> Row:
    """Save the row; every stored figure follows after commit."""
    row.save()
    rollups_refresh_later()
    return row


def rollups_refresh_later() -> None:
    """Every stored progress, status and unit figure follows once the transaction commits: after
    changes too broad to follow one by one (admin, imports, structure). Asked for by many writes
    in one transaction (an import's rows), it still runs once."""
    after_commit("objectives.tasks.recompute_rollups", once_per_transaction=True)


@transaction.atomic
def kpi_link_create(*, kpi: KPI, objective: Objective, kind: str, note: str = "") -> KPILink:
    """Link a KPI that leads or guards an objective. A KPI already in breach opens its
    intervention after commit, as a breach after the link would."""
    link = KPILink.objects.create(kpi=kpi, objective=objective, kind=kind, note=note.strip())
    after_commit("kpis.tasks.kpis_changed", kpi_ids=[kpi.pk])
    return link


@transaction.atomic
def kpi_link_delete(*, link: KPILink) -> None:
    """Unlink: interventions already opened stay, with their thread."""
    link.delete()


@transaction.atomic
def cycle_store(*, serializer) -> Cycle:
    """Create or change a cycle from a validated API body (staff): its dates and state move
    expected progress and status, so every stored figure follows after commit."""
    cycle = serializer.save()
    rollups_refresh_later()
    return cycle
