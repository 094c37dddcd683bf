"""Possible conflicts: an objective's key results improve while a KPI that guards it worsens.

The throughput-versus-cost case: the cost KRs move, the throughput the regions live by slides.
Flagged from the numbers of the last four weeks, before anybody declares a tension.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from kpis.health import KPIDirection
from kpis.models import KPI, Measurement
from okrplatform.org.access import Access

from .models import CheckIn, KeyResult, KPILink, Objective
from .rollups import KEY_RESULT_PROGRESS

LOOK_BACK = timedelta(weeks=4)
# Less than this much movement is noise: half a point of progress, one percent of a KPI's value.
PROGRESS_NOISE = 0.005
KPI_NOISE = Decimal("0.01")


@dataclass(frozen=True)
class PossibleConflict:
    objective: Objective
    kpi: KPI
    progress_then: float
    progress_now: float
    kpi_then: object
    kpi_now: object

    @property
    def points_gained(self) -> int:
        return round((self.progress_now - self.progress_then) * 100)


# One statement for any number of links. Innermost, each guard link with its objective's
# progress now (null when archived: no comparison) and its KPI's value four weeks ago (its
# latest period by then); kept where the KPI worsened by more than the noise. Only for those,
# the objective's progress four weeks ago: the weighted progress of its key results at their
# values then (``KEY_RESULT_PROGRESS`` at the latest check-in by then, as the rollups compute
# it now); kept where the objective improved by more than the noise (without key results it
# has no progress then, and no comparison). The KPI's value then comes as text: the exact
# decimal on every database.
CONFLICTS = """
SELECT improved.link_id, improved.objective_id, improved.kpi_id,
    CAST(improved.kpi_then AS TEXT), improved.progress_then
FROM (
    SELECT worsened.*, (
        SELECT SUM(CAST(weight AS {float}) * {key_result_progress})
            / NULLIF(SUM(CAST(weight AS {float})), 0)
        FROM (
            SELECT k.weight, k.metric_type, k.direction, k.start_value, k.target_value, (
                SELECT c.value FROM {check_in} c
                WHERE c.key_result_id = k.id AND c.created_at <= %s
                ORDER BY c.created_at DESC, c.id DESC LIMIT 1
            ) AS current_value
            FROM {key_result} k WHERE k.objective_id = worsened.objective_id{fence}
        ) key_results_then
    ) AS progress_then
    FROM (
        SELECT guard.link_id, guard.objective_id, guard.kpi_id, guard.kpi_then, guard.progress
        FROM (
            SELECT link.id AS link_id, link.objective_id, link.kpi_id, kpi.direction,
                kpi.latest_value, (
                    SELECT m.value FROM {measurement} m
                    WHERE m.kpi_id = link.kpi_id AND m.period <= %s
                    ORDER BY m.period DESC LIMIT 1
                ) AS kpi_then, (
                    SELECT COALESCE(o.progress, 0) FROM {objective} o
                    WHERE o.id = link.objective_id AND o.archived_at IS NULL
                ) AS progress
            FROM {link} link
            JOIN {kpi} kpi ON kpi.id = link.kpi_id
            WHERE link.kind = %s AND link.id IN ({links}){fence}
        ) guard
        WHERE guard.kpi_then IS NOT NULL AND guard.latest_value IS NOT NULL AND CASE
            WHEN guard.direction = %s
                THEN guard.latest_value < guard.kpi_then - ABS(guard.kpi_then) * %s
            ELSE guard.latest_value > guard.kpi_then + ABS(guard.kpi_then) * %s
        END
    ) worsened{fence}
) improved
WHERE improved.progress - improved.progress_then > %s
ORDER BY improved.link_id
"""


def possible_conflicts(
    links: QuerySet[KPILink],
    now: datetime | None = None,
    *,
    access: Access | None = None,
    known: Sequence[object] = (),
) -> list[PossibleConflict]:
    """For these links: the guards whose objective improved while the KPI worsened over the
    last four weeks. With ``access``, only those whose objective and KPI the person both sees.

    One statement, however many links, and a page with no conflict reads nothing more. The
    objectives and KPIs of the conflicts found are read then, but for those in ``known`` (a
    page's own rows), which are taken as they are."""
    if access is not None and not access.sees_every_unit:
        links = links.filter(
            kpi__in=access.restrict(KPI.objects.all()),
            objective__in=access.restrict(Objective.objects.all()),
        )
    then = (now or timezone.now()) - LOOK_BACK
    try:
        scope, scope_params = links.values("pk").query.sql_with_params()
    except EmptyResultSet:  # no link can match, e.g. those of an empty page
        return []
    postgres = connection.vendor == "postgresql"
    real = "DOUBLE PRECISION" if postgres else "REAL"
    statement = CONFLICTS.format(
        float=real,
        # Each value then read once, not once for each mention in a formula or a filter
        # (PostgreSQL would plan every mention as a subquery of its own).
        fence=" OFFSET 0" if postgres else "",
        key_result_progress=KEY_RESULT_PROGRESS.format(float=real),
        check_in=CheckIn._meta.db_table,
        key_result=KeyResult._meta.db_table,
        measurement=Measurement._meta.db_table,
        link=KPILink._meta.db_table,
        kpi=KPI._meta.db_table,
        objective=Objective._meta.db_table,
        links=scope,
    )
    params = [
        connection.ops.adapt_datetimefield_value(then),
        connection.ops.adapt_datefield_value(then.date()),
        KPILink.Kind.GUARDS.value,
        *scope_params,
        KPIDirection.HIGHER_IS_BETTER.value,
        KPI_NOISE,
        KPI_NOISE,
        PROGRESS_NOISE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
    if not found:
        return []
    objectives = _by_pk(Objective, {row[1] for row in found}, known)
    kpis = _by_pk(KPI, {row[2] for row in found}, known)
    conflicts = []
    for _link, objective_id, kpi_id, kpi_then, progress_then in found:
        objective, kpi = objectives[objective_id], kpis[kpi_id]
        conflicts.append(
            PossibleConflict(
                objective,
                kpi,
                progress_then,
                objective.progress or 0,
                Decimal(kpi_then).quantize(_places_of_measurements()),
                kpi.latest_value,
            )
        )
    return conflicts


def _by_pk(model, pks: set[int], known: Sequence[object]) -> dict:
    by_pk = {row.pk: row for row in known if isinstance(row, model) and row.pk in pks}
    missing = pks - by_pk.keys()
    if missing:
        by_pk.update(model.objects.in_bulk(missing))
    return by_pk


def _places_of_measurements() -> Decimal:
    return Decimal(1).scaleb(-Measurement._meta.get_field("value").decimal_places)
