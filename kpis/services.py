"""Writes to KPIs. Every entry point (the KPI page, the upload, admin, the API) records
measurements through ``measurements_save``, so health moves the same way whichever way the
numbers came in, and the floors above (key results a KPI drives, interventions) hear of it
through ``signals.measurements_changed``."""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from okrplatform.db import copy_text, insert_rows
from okrplatform.org.models import User

from .health import period_start
from .models import KPI, Measurement
from .rollups import refresh_kpis
from .signals import measurements_changed


@dataclass(frozen=True)
class MeasurementInput:
    """One value for one KPI and the period it belongs to (any day of that period)."""

    kpi: KPI
    period: date
    value: Decimal
    note: str = ""


@dataclass
class SaveReport:
    created: list[Measurement] = field(default_factory=list)
    updated: list[Measurement] = field(default_factory=list)
    unchanged: int = 0

    @property
    def kpi_ids(self) -> set[int]:
        return {measurement.kpi_id for measurement in [*self.created, *self.updated]}


@transaction.atomic
def measurements_save(
    *, items: Sequence[MeasurementInput], source: str, recorded_by: User | None
) -> SaveReport:
    """Create or update measurements, one per KPI and period: a period sent again takes the new
    value and keeps the earlier one in history; sending the same value again changes nothing.
    Then each changed KPI's health moves now, the key results it drives check in its latest
    value, and its interventions are opened or marked recovered after commit."""
    latest_by_key: dict[tuple[int, date], MeasurementInput] = {}
    for item in items:  # a period sent twice in one batch: the last one counts
        latest_by_key[(item.kpi.pk, period_start(item.period, item.kpi.frequency))] = item
    existing = {
        (measurement.kpi_id, measurement.period): measurement
        for measurement in Measurement.objects.filter(
            kpi_id__in={kpi_id for kpi_id, _period in latest_by_key},
            period__in={period for _kpi, period in latest_by_key},
        )
    }
    now = timezone.now()
    report = SaveReport()
    for (kpi_id, period), item in latest_by_key.items():
        measurement = existing.get((kpi_id, period))
        if measurement is None:
            report.created.append(
                Measurement(
                    kpi=item.kpi,
                    period=period,
                    value=item.value,
                    note=item.note,
                    source=source,
                    recorded_by=recorded_by,
                    recorded_at=now,
                )
            )
        elif measurement.value != item.value or (item.note and item.note != measurement.note):
            measurement.value, measurement.note = item.value, item.note or measurement.note
            measurement.source, measurement.recorded_by = source, recorded_by
            measurement.recorded_at = now
            report.updated.append(measurement)
        else:
            report.unchanged += 1
    _upsert_with_history(report, recorded_by)
    if report.kpi_ids:
        kpis_refresh(kpi_ids=report.kpi_ids)
    return report


@dataclass(frozen=True)
class IngestReport:
    """What a batch of measurements changed: counts, and the KPIs whose values moved."""

    created: int
    updated: int
    unchanged: int
    kpi_ids: frozenset[int]


@transaction.atomic
def measurements_ingest(
    *, items: Sequence[MeasurementInput], source: str, recorded_by: User | None
) -> IngestReport:
    """``measurements_save`` for batches of thousands from other systems, with the same
    outcome: the values, their history, the KPIs' health, the key results they drive and their
    interventions. On PostgreSQL the batch travels by COPY into a temporary table and one
    statement upserts what is new or changed and writes its history, so the cost is the
    database's, not a Python object per row; elsewhere it is ``measurements_save``."""
    if connection.vendor != "postgresql":
        report = measurements_save(items=items, source=source, recorded_by=recorded_by)
        return IngestReport(
            created=len(report.created),
            updated=len(report.updated),
            unchanged=report.unchanged,
            kpi_ids=frozenset(report.kpi_ids),
        )
    latest_by_key: dict[tuple[int, date], MeasurementInput] = {}
    for item in items:  # a period sent twice in one batch: the last one counts
        latest_by_key[(item.kpi.pk, period_start(item.period, item.kpi.frequency))] = item
    created = updated = 0
    kpi_ids: set[int] = set()
    if latest_by_key:
        rows = "".join(
            f"{kpi_id}\t{period.isoformat()}\t{item.value}\t{copy_text(item.note)}\n"
            for (kpi_id, period), item in latest_by_key.items()
        )
        with connection.cursor() as cursor:
            cursor.execute(STAGING_SQL.format(**INGEST_TABLES))
            cursor.cursor.copy_expert(
                f"COPY {INGEST_STAGING} (kpi_id, period, value, note) FROM STDIN",
                io.StringIO(rows),
            )
            cursor.execute(
                INGEST_SQL.format(**INGEST_TABLES),
                {
                    "source": source,
                    "user": recorded_by.pk if recorded_by else None,
                    "now": timezone.now(),
                },
            )
            for kpi_id, created_here, updated_here in cursor.fetchall():
                kpi_ids.add(kpi_id)
                created += created_here
                updated += updated_here
            cursor.execute(f"DROP TABLE {INGEST_STAGING}")
    if kpi_ids:
        kpis_refresh(kpi_ids=kpi_ids)
    return IngestReport(
        created=created,
        updated=updated,
        unchanged=len(latest_by_key) - created - updated,
        kpi_ids=frozenset(kpi_ids),
    )


INGEST_STAGING = "okr_measurement_batch"
INGEST_TABLES = {
    "staging": INGEST_STAGING,
    "measurement": Measurement._meta.db_table,
    "history": Measurement.history.model._meta.db_table,
}
STAGING_SQL = """
CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS
SELECT kpi_id, period, value, note FROM {measurement} WITH NO DATA
"""
# New periods and changed values of the batch (a note sent replaces the stored one, an empty
# one keeps it): upserted, their history written, and per KPI how many were created and
# updated. ``xmax = 0`` tells a row this statement inserted from one it updated.
INGEST_SQL = """
WITH incoming AS (
    SELECT batch.kpi_id, batch.period, batch.value,
           CASE WHEN batch.note <> '' THEN batch.note ELSE COALESCE(stored.note, '') END AS note
    FROM {staging} batch
    LEFT JOIN {measurement} stored
        ON stored.kpi_id = batch.kpi_id AND stored.period = batch.period
    WHERE stored.id IS NULL
        OR stored.value <> batch.value
        OR (batch.note <> '' AND batch.note <> stored.note)
),
saved AS (
    INSERT INTO {measurement} (kpi_id, period, value, note, source, recorded_by_id, recorded_at)
    SELECT kpi_id, period, value, note, %(source)s, %(user)s, %(now)s FROM incoming
    ON CONFLICT (kpi_id, period) DO UPDATE SET
        value = excluded.value,
        note = excluded.note,
        source = excluded.source,
        recorded_by_id = excluded.recorded_by_id,
        recorded_at = excluded.recorded_at
    RETURNING id, kpi_id, period, value, note, source, recorded_by_id, recorded_at,
              (xmax = 0) AS created
),
history AS (
    INSERT INTO {history} (
        id, kpi_id, period, value, note, source, recorded_by_id, recorded_at,
        history_date, history_change_reason, history_type, history_user_id
    )
    SELECT id, kpi_id, period, value, note, source, recorded_by_id, recorded_at,
           %(now)s, NULL, CASE WHEN created THEN '+' ELSE '~' END, %(user)s
    FROM saved
)
SELECT kpi_id,
       SUM(CASE WHEN created THEN 1 ELSE 0 END),
       SUM(CASE WHEN created THEN 0 ELSE 1 END)
FROM saved
GROUP BY kpi_id
"""


@transaction.atomic
def kpis_upsert(*, kpis: Sequence[KPI]) -> None:
    """Create or change KPIs as a spreadsheet has them, validated by the caller; their latest
    values and health follow at once, and the floors above hear of it."""
    for kpi in kpis:
        kpi.save()
    kpis_refresh(kpi_ids={kpi.pk for kpi in kpis})


def kpis_refresh(*, kpi_ids: Collection[int] | None = None) -> int:
    """Move the KPIs' health and latest value now (all KPIs when ``kpi_ids`` is None), and tell
    the floors above, in the same transaction. Returns how many KPIs changed."""
    if kpi_ids is not None and not kpi_ids:
        return 0
    changed = refresh_kpis(kpi_ids)
    measurements_changed.send(sender=Measurement, kpi_ids=None if kpi_ids is None else set(kpi_ids))
    return changed


UPSERTED = ["value", "note", "source", "recorded_by_id", "recorded_at"]


def _upsert_with_history(report: SaveReport, recorded_by: User | None) -> None:
    """One multi-row INSERT … ON CONFLICT DO UPDATE for new and changed values, then one for
    their history rows: the earlier value of a changed period stays in the history table.

    Raw multi-row statements rather than ``bulk_create``: ten thousand measurements a batch
    arrive from other systems, and compiling the ORM's INSERT row by row would cost more than
    the database's work."""
    rows = [*report.created, *report.updated]
    if not rows:
        return
    ops = connection.ops
    adapted = {
        id(measurement): (
            measurement.kpi_id,
            ops.adapt_datefield_value(measurement.period),
            ops.adapt_decimalfield_value(measurement.value),
            measurement.note,
            measurement.source,
            measurement.recorded_by_id,
            ops.adapt_datetimefield_value(measurement.recorded_at),
        )
        for measurement in rows
    }
    returned = insert_rows(
        Measurement._meta.db_table,
        ["kpi_id", "period", *UPSERTED],
        list(adapted.values()),
        conflict=["kpi_id", "period"],
        update=UPSERTED,
        returning=["id", "kpi_id", "period"],
    )
    ids = {(kpi_id, str(period)[:10]): pk for pk, kpi_id, period in returned}
    for measurement in rows:
        measurement.pk = ids[(measurement.kpi_id, measurement.period.isoformat())]
    history = Measurement.history.model
    now = ops.adapt_datetimefield_value(timezone.now())
    insert_rows(
        history._meta.db_table,
        [
            "id",
            "kpi_id",
            "period",
            *UPSERTED,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ],
        [
            (measurement.pk, *adapted[id(measurement)], now, None, kind, recorded_by_id)
            for kind, group in (("+", report.created), ("~", report.updated))
            for measurement in group
            for recorded_by_id in [recorded_by.pk if recorded_by else None]
        ],
    )


@transaction.atomic
def measurement_record(
    *,
    kpi: KPI,
    period: date,
    value: Decimal,
    note: str = "",
    source: str,
    recorded_by: User | None,
) -> SaveReport:
    """Record one measurement (the KPI page's form)."""
    return measurements_save(
        items=[MeasurementInput(kpi=kpi, period=period, value=value, note=note)],
        source=source,
        recorded_by=recorded_by,
    )


@transaction.atomic
def kpi_store(*, serializer) -> KPI:
    """Create or change a KPI from a validated API body: new thresholds move its health now,
    and the floors above (interventions, driven key results) hear of it."""
    kpi = serializer.save()
    kpis_refresh(kpi_ids={kpi.pk})
    kpi.refresh_from_db(fields=["latest_value", "latest_period", "health"])
    return kpi


@transaction.atomic
def kpi_archive(*, kpi: KPI) -> None:
    """Archive: the KPI leaves the board and the figures; its measurements stay in history.
    Its ``updated_at`` moves, so that systems syncing by ``updated_since`` learn of it."""
    KPI.objects.filter(pk=kpi.pk, is_active=True).update(is_active=False, updated_at=timezone.now())
    kpis_refresh(kpi_ids={kpi.pk})


@transaction.atomic
def kpi_restore(*, kpi: KPI) -> None:
    """Bring an archived KPI back onto the board, its health from its measurements now."""
    KPI.objects.filter(pk=kpi.pk, is_active=False).update(is_active=True, updated_at=timezone.now())
    kpis_refresh(kpi_ids={kpi.pk})
