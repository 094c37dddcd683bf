"""Set-based recomputation of alignment and of each unit's figures per cycle.

Plain SQL that runs unchanged on SQLite and PostgreSQL. A full run is three statements: one
marks which objectives are aligned, one upserts the rollup of every unit and cycle, one clears
rollups left without objectives. After a single change, the units above it are refreshed one
level at a time from their children's stored sums.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection
from django.utils import timezone

from okrplatform.org.models import OrgUnit

from .models import Objective, UnitRollup
from .progress import Status

TABLES = {
    "objective": Objective._meta.db_table,
    "unit": OrgUnit._meta.db_table,
    "rollup": UnitRollup._meta.db_table,
}
FIGURES = [
    "progress",
    "progress_sum",
    "progress_count",
    "alignment_index",
    "objective_count",
    "aligned_count",
    "on_track_count",
    "at_risk_count",
    "off_track_count",
    "no_progress_count",
    "computed_at",
]
# The INSERT ... ON CONFLICT parts both rollup statements share.
ROLLUP_SQL_PARTS = {
    "columns": ", ".join(["unit_id", "cycle_id", *FIGURES]),
    "upsert": "ON CONFLICT (unit_id, cycle_id) DO UPDATE SET "
    + ", ".join(f"{figure} = excluded.{figure}" for figure in FIGURES),
}

# An objective is aligned when it is a breakthrough objective, belongs to a top unit, or its
# parent chain of objectives that are not archived reaches one that is.
ALIGNMENT_SQL = """
WITH RECURSIVE aligned(id) AS (
    SELECT o.id
    FROM {objective} o JOIN {unit} u ON u.id = o.unit_id
    WHERE o.archived_at IS NULL AND (o.level = %s OR u.parent_id IS NULL)
    UNION
    SELECT child.id
    FROM {objective} child JOIN aligned ON child.parent_id = aligned.id
    WHERE child.archived_at IS NULL
)
UPDATE {objective}
SET is_aligned = (id IN (SELECT id FROM aligned))
WHERE is_aligned <> (id IN (SELECT id FROM aligned))
"""

# Each unit's figures cover the unit and every unit below it: ``subtree`` pairs each unit with
# itself and all its descendants, and the objectives are grouped by that unit and their cycle.
UNIT_ROLLUP_SQL = """
WITH RECURSIVE subtree(ancestor_id, unit_id) AS (
    SELECT id, id FROM {unit}
    UNION ALL
    SELECT subtree.ancestor_id, child.id
    FROM subtree JOIN {unit} child ON child.parent_id = subtree.unit_id
)
INSERT INTO {rollup} ({columns})
SELECT
    subtree.ancestor_id,
    o.cycle_id,
    AVG(o.progress),
    SUM(o.progress),
    COUNT(o.progress),
    SUM(CASE WHEN o.is_aligned THEN 1.0 ELSE 0.0 END) / COUNT(*),
    COUNT(*),
    SUM(CASE WHEN o.is_aligned THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.progress IS NULL THEN 1 ELSE 0 END),
    %s
FROM subtree JOIN {objective} o ON o.unit_id = subtree.unit_id
WHERE o.archived_at IS NULL
GROUP BY subtree.ancestor_id, o.cycle_id
{upsert}
"""

STALE_ROLLUPS_SQL = "DELETE FROM {rollup} WHERE computed_at <> %s"


def refresh_alignment() -> None:
    """Mark each objective aligned or not."""
    with connection.cursor() as cursor:
        cursor.execute(ALIGNMENT_SQL.format(**TABLES), [Objective.Level.BREAKTHROUGH])


def refresh_unit_rollups() -> None:
    """Upsert the rollup of every unit and cycle with objectives; drop those left without."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    statuses = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK]
    with connection.cursor() as cursor:
        cursor.execute(UNIT_ROLLUP_SQL.format(**TABLES, **ROLLUP_SQL_PARTS), [*statuses, now])
        cursor.execute(STALE_ROLLUPS_SQL.format(**TABLES), [now])


# One unit's rollup from its own objectives plus its children's stored rollups: how a change
# climbs the tree one level at a time. A unit left without objectives keeps no row, as above;
# a check-in never takes a unit's last objective away.
ONE_UNIT_ROLLUP_SQL = """
INSERT INTO {rollup} ({columns})
SELECT
    %s, %s,
    CASE WHEN SUM(progress_count) > 0 THEN SUM(progress_sum) / SUM(progress_count) END,
    SUM(progress_sum),
    SUM(progress_count),
    CAST(SUM(aligned_count) AS {float}) / SUM(objective_count),
    SUM(objective_count),
    SUM(aligned_count),
    SUM(on_track_count),
    SUM(at_risk_count),
    SUM(off_track_count),
    SUM(no_progress_count),
    %s
FROM (
    SELECT
        SUM(o.progress) AS progress_sum,
        COUNT(o.progress) AS progress_count,
        COUNT(*) AS objective_count,
        SUM(CASE WHEN o.is_aligned THEN 1 ELSE 0 END) AS aligned_count,
        SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END) AS on_track_count,
        SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END) AS at_risk_count,
        SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END) AS off_track_count,
        SUM(CASE WHEN o.progress IS NULL THEN 1 ELSE 0 END) AS no_progress_count
    FROM {objective} o
    WHERE o.unit_id = %s AND o.cycle_id = %s AND o.archived_at IS NULL
    UNION ALL
    SELECT
        r.progress_sum, r.progress_count, r.objective_count, r.aligned_count,
        r.on_track_count, r.at_risk_count, r.off_track_count, r.no_progress_count
    FROM {rollup} r JOIN {unit} u ON u.id = r.unit_id
    WHERE u.parent_id = %s AND r.cycle_id = %s
) parts
WHERE 1 = 1
HAVING SUM(objective_count) > 0
{upsert}
"""

# Each given unit and the units above it, with how far above.
UNITS_ABOVE_SQL = """
WITH RECURSIVE above(start_id, id, distance) AS (
    SELECT id, id, 0 FROM {unit} WHERE id IN ({placeholders})
    UNION ALL
    SELECT above.start_id, u.parent_id, above.distance + 1
    FROM above JOIN {unit} u ON u.id = above.id
    WHERE u.parent_id IS NOT NULL
)
SELECT start_id, id, distance FROM above
"""


def refresh_unit_rollups_above(changed: Collection[tuple[int, int]]) -> None:
    """Refresh the rollups of the units in ``changed`` (unit, cycle) pairs and of every unit
    above them, deepest first, each from its own objectives and its children's rollups."""
    starts = sorted({unit for unit, _cycle in changed})
    if not starts:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            UNITS_ABOVE_SQL.format(placeholders=", ".join(["%s"] * len(starts)), **TABLES),
            starts,
        )
        chains: dict[int, list[tuple[int, int]]] = {}
        for start, unit, distance in cursor.fetchall():
            chains.setdefault(start, []).append((distance, unit))
        depth_of: dict[int, int] = {}
        for chain in chains.values():
            for distance, unit in chain:
                depth_of[unit] = len(chain) - 1 - distance
        pairs = {
            (unit, cycle) for start, cycle in changed for _distance, unit in chains.get(start, [])
        }
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        statement = ONE_UNIT_ROLLUP_SQL.format(
            float="DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL",
            **TABLES,
            **ROLLUP_SQL_PARTS,
        )
        for unit, cycle in sorted(pairs, key=lambda pair: -depth_of[pair[0]]):
            cursor.execute(
                statement,
                [
                    unit,
                    cycle,
                    now,
                    Status.ON_TRACK,
                    Status.AT_RISK,
                    Status.OFF_TRACK,
                    unit,
                    cycle,
                    unit,
                    cycle,
                ],
            )
