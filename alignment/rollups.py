"""Set-based recomputation of alignment and of each unit's figures per cycle.

Both are recursive CTEs that run unchanged on SQLite and PostgreSQL: one statement marks which
objectives are aligned, one upserts every unit's rollup for every cycle, one clears rollups
left without objectives.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from objectives.models import Objective
from objectives.progress import Status

from .models import OrgUnit, UnitRollup

# An objective is aligned when it is a breakthrough objective, belongs to a top unit, or its
# parent chain of objectives that are not archived reaches one that is.
ALIGNMENT_SQL = """
WITH RECURSIVE aligned(id) AS (
    SELECT o.id
    FROM {objective} o JOIN {unit} u ON u.id = o.unit_id
    WHERE o.archived_at IS NULL AND (o.level = %(breakthrough)s OR u.parent_id IS NULL)
    UNION
    SELECT child.id
    FROM {objective} child JOIN aligned ON child.parent_id = aligned.id
    WHERE child.archived_at IS NULL
)
UPDATE {objective}
SET is_aligned = (id IN (SELECT id FROM aligned))
WHERE is_aligned <> (id IN (SELECT id FROM aligned))
"""

# Each unit's figures cover the unit and every unit below it: the subtree CTE pairs each unit
# with all of its descendants, and the objectives are grouped by that ancestor and their cycle.
UNIT_ROLLUP_SQL = """
WITH RECURSIVE subtree(ancestor_id, unit_id) AS (
    SELECT id, id FROM {unit}
    UNION ALL
    SELECT subtree.ancestor_id, child.id
    FROM subtree JOIN {unit} child ON child.parent_id = subtree.unit_id
)
INSERT INTO {rollup} (
    unit_id, cycle_id, progress, alignment_index, objective_count, aligned_count,
    on_track_count, at_risk_count, off_track_count, no_progress_count, computed_at
)
SELECT
    subtree.ancestor_id,
    o.cycle_id,
    AVG(o.progress),
    SUM(CASE WHEN o.is_aligned THEN 1.0 ELSE 0.0 END) / COUNT(*),
    COUNT(*),
    SUM(CASE WHEN o.is_aligned THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.status = %(on_track)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.status = %(at_risk)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.status = %(off_track)s THEN 1 ELSE 0 END),
    SUM(CASE WHEN o.progress IS NULL THEN 1 ELSE 0 END),
    %(now)s
FROM subtree JOIN {objective} o ON o.unit_id = subtree.unit_id
WHERE o.archived_at IS NULL
GROUP BY subtree.ancestor_id, o.cycle_id
ON CONFLICT (unit_id, cycle_id) DO UPDATE SET
    progress = excluded.progress,
    alignment_index = excluded.alignment_index,
    objective_count = excluded.objective_count,
    aligned_count = excluded.aligned_count,
    on_track_count = excluded.on_track_count,
    at_risk_count = excluded.at_risk_count,
    off_track_count = excluded.off_track_count,
    no_progress_count = excluded.no_progress_count,
    computed_at = excluded.computed_at
"""

STALE_ROLLUPS_SQL = "DELETE FROM {rollup} WHERE computed_at <> %(now)s"

TABLES = {
    "objective": Objective._meta.db_table,
    "unit": OrgUnit._meta.db_table,
    "rollup": UnitRollup._meta.db_table,
}


def refresh_alignment() -> None:
    """Mark each objective aligned or not."""
    with connection.cursor() as cursor:
        cursor.execute(
            ALIGNMENT_SQL.format(**TABLES), {"breakthrough": Objective.Level.BREAKTHROUGH}
        )


def refresh_unit_rollups() -> None:
    """Upsert the rollup of every unit and cycle with objectives; drop the rest."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            UNIT_ROLLUP_SQL.format(**TABLES),
            {
                "on_track": Status.ON_TRACK,
                "at_risk": Status.AT_RISK,
                "off_track": Status.OFF_TRACK,
                "now": now,
            },
        )
        cursor.execute(STALE_ROLLUPS_SQL.format(**TABLES), {"now": now})
