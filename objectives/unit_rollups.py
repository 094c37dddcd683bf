"""Set-based recomputation of alignment and of each unit's figures per cycle.

Plain SQL that runs unchanged on SQLite and PostgreSQL. A full run is three statements: one
marks which objectives are aligned, one upserts the rollup of every unit and cycle, one clears
rollups left without objectives; two more keep each unit's confidence per week of the recent
weeks. After a single change, the units above it are refreshed in one statement from their own
objectives and their other children's stored sums.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from okrplatform.org.models import OrgUnit

from .models import CheckIn, Cycle, KeyResult, Objective, UnitConfidenceWeek, UnitRollup
from .progress import Status

TABLES = {
    "objective": Objective._meta.db_table,
    "unit": OrgUnit._meta.db_table,
    "rollup": UnitRollup._meta.db_table,
    "key_result": KeyResult._meta.db_table,
    "check_in": CheckIn._meta.db_table,
    "confidence_week": UnitConfidenceWeek._meta.db_table,
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

# A unit tree deeper than this is a loop in the data (the model refuses to create one).
MAX_TREE_DEPTH = 50

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


# The rollups of a set of (unit, cycle) pairs closed upwards (with each pair, the units above
# it), in one statement. Each touched unit contributes its own objectives and the stored rollups
# of its children that are not touched (those cannot change); each touched unit's new rollup
# sums the contributions of the touched units in its subtree (``lineage`` pairs a touched unit
# with itself and each unit above it). That is what refreshing one level at a time from the
# children's rollups gives, without a statement per level. Both lists come as VALUES, so the
# planner knows how few rows they are and reads the objectives and rollups by their indexes.
# A unit left without objectives keeps no row, as in the full run; a check-in never takes a
# unit's last objective away.
UNITS_ABOVE_ROLLUP_SQL = """
WITH
touched(unit_id, cycle_id) AS (VALUES {touched}),
lineage(unit_id, cycle_id, ancestor_id) AS (VALUES {lineage}),
parts(unit_id, cycle_id, progress_sum, progress_count, objective_count, aligned_count,
      on_track_count, at_risk_count, off_track_count, no_progress_count) AS (
    SELECT
        touched.unit_id,
        touched.cycle_id,
        SUM(o.progress),
        COUNT(o.progress),
        COUNT(*),
        SUM(CASE WHEN o.is_aligned THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END),
        SUM(CASE WHEN o.progress IS NULL THEN 1 ELSE 0 END)
    FROM touched JOIN {objective} o
        ON o.unit_id = touched.unit_id AND o.cycle_id = touched.cycle_id
    WHERE o.archived_at IS NULL
    GROUP BY touched.unit_id, touched.cycle_id
    UNION ALL
    SELECT
        touched.unit_id, touched.cycle_id,
        r.progress_sum, r.progress_count, r.objective_count, r.aligned_count,
        r.on_track_count, r.at_risk_count, r.off_track_count, r.no_progress_count
    FROM touched
    JOIN {unit} child ON child.parent_id = touched.unit_id
    JOIN {rollup} r ON r.unit_id = child.id AND r.cycle_id = touched.cycle_id
    WHERE NOT EXISTS (
        SELECT 1 FROM touched AS also
        WHERE also.unit_id = child.id AND also.cycle_id = touched.cycle_id
    )
)
INSERT INTO {rollup} ({columns})
SELECT
    lineage.ancestor_id,
    lineage.cycle_id,
    CASE WHEN SUM(parts.progress_count) > 0
        THEN SUM(parts.progress_sum) / SUM(parts.progress_count) END,
    SUM(parts.progress_sum),
    SUM(parts.progress_count),
    CAST(SUM(parts.aligned_count) AS {float}) / SUM(parts.objective_count),
    SUM(parts.objective_count),
    SUM(parts.aligned_count),
    SUM(parts.on_track_count),
    SUM(parts.at_risk_count),
    SUM(parts.off_track_count),
    SUM(parts.no_progress_count),
    %s
FROM lineage JOIN parts ON parts.unit_id = lineage.unit_id AND parts.cycle_id = lineage.cycle_id
WHERE 1 = 1
GROUP BY lineage.ancestor_id, lineage.cycle_id
HAVING SUM(parts.objective_count) > 0
{upsert}
"""

# Each given unit and the units above it, with its parent.
UNITS_ABOVE_SQL = """
WITH RECURSIVE above(id, parent_id) AS (
    SELECT id, parent_id FROM {unit} WHERE id IN ({placeholders})
    UNION
    SELECT above.parent_id, (SELECT u.parent_id FROM {unit} u WHERE u.id = above.parent_id)
    FROM above
    WHERE above.parent_id IS NOT NULL
)
SELECT id, parent_id FROM above
"""


def units_above(units: Collection[int]) -> dict[int, int | None]:
    """The parent of each unit given and of each unit above them (None at the top)."""
    starts = sorted(set(units))
    if not starts:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            UNITS_ABOVE_SQL.format(placeholders=", ".join(["%s"] * len(starts)), **TABLES),
            starts,
        )
        return dict(cursor.fetchall())


def _closed_upwards(
    changed: Collection[tuple[int, int]], parent_of: Mapping[int, int | None]
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
    """The (unit, cycle) pairs in ``changed`` with every unit above them, and ``lineage``:
    each of those pairs with each unit above it, itself included."""

    def path_up(unit: int | None) -> list[int]:
        path: list[int] = []
        while unit is not None and len(path) <= MAX_TREE_DEPTH:
            path.append(unit)
            unit = parent_of.get(unit)
        return path

    touched = sorted({(unit, cycle) for start, cycle in changed for unit in path_up(start)})
    lineage = [(unit, cycle, ancestor) for unit, cycle in touched for ancestor in path_up(unit)]
    return touched, lineage


def _typed(field_type: str) -> str:
    """A placeholder PostgreSQL can type inside VALUES (it types them from the first row);
    SQLite would turn a date cast to a number, and compares text as it comes."""
    return f"CAST(%s AS {field_type})" if connection.vendor == "postgresql" else "%s"


def _id_types() -> tuple[str, str]:
    """The column types of unit and cycle ids, for casting placeholders in VALUES."""
    unit_type = OrgUnit._meta.pk.rel_db_type(connection)
    cycle_type = UnitRollup._meta.get_field("cycle").target_field.rel_db_type(connection)
    return str(unit_type), str(cycle_type)


def unit_rollups_above_statement(
    changed: Collection[tuple[int, int]], parent_of: Mapping[int, int | None]
) -> tuple[str, list]:
    """The statement (and its parameters) that refreshes the rollups of the units in
    ``changed`` (unit, cycle) pairs and of every unit above them, for batching with others.
    ``parent_of`` holds the parent of each of those units and of each unit above them."""
    touched, lineage = _closed_upwards(changed, parent_of)
    if not touched:
        return "", []
    # PostgreSQL types VALUES from their first row: name the ids' column types.
    unit_type, cycle_type = _id_types()
    pair = f"(CAST(%s AS {unit_type}), CAST(%s AS {cycle_type}))"
    triple = f"(CAST(%s AS {unit_type}), CAST(%s AS {cycle_type}), CAST(%s AS {unit_type}))"
    sql = UNITS_ABOVE_ROLLUP_SQL.format(
        touched=", ".join([pair] * len(touched)),
        lineage=", ".join([triple] * len(lineage)),
        float="DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL",
        **TABLES,
        **ROLLUP_SQL_PARTS,
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        *(value for row in touched for value in row),
        *(value for row in lineage for value in row),
        Status.ON_TRACK,
        Status.AT_RISK,
        Status.OFF_TRACK,
        now,
    ]
    return sql, params


def refresh_unit_rollups_above(changed: Collection[tuple[int, int]]) -> None:
    """Refresh the rollups of the units in ``changed`` (unit, cycle) pairs and of every unit
    above them, from their own objectives and their untouched children's rollups."""
    parent_of = units_above({unit for unit, _cycle in changed})
    sql, params = unit_rollups_above_statement(changed, parent_of)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# A unit's confidence trend: the mean confidence of the check-ins below it, week by week, over
# the last weeks of its cycle (up to today's while the cycle runs). Only those weeks are kept:
# the window only moves forward, so weeks that fell out of it are never read again.
CONFIDENCE_WEEKS = 4


def confidence_weeks(cycle: Cycle, today: date | None = None) -> tuple[date, date]:
    """The Mondays of the first and the last week of ``cycle``'s confidence trend: the
    ``CONFIDENCE_WEEKS`` weeks up to today's, or up to the week the cycle ended in once it is
    over (UTC weeks, as the database counts them)."""
    until = min(today or timezone.now().astimezone(UTC).date(), cycle.end_date)
    last = until - timedelta(days=until.weekday())
    return last - timedelta(weeks=CONFIDENCE_WEEKS - 1), last


def _check_ins_between(cycle: Cycle) -> tuple[datetime, datetime]:
    """The moments the check-ins of ``cycle``'s trend fall between (the end excluded)."""
    first, last = confidence_weeks(cycle)
    return (
        datetime.combine(first, time.min, tzinfo=UTC),
        datetime.combine(last + timedelta(weeks=1), time.min, tzinfo=UTC),
    )


# The day and the Monday of a check-in (UTC: Django talks UTC to both databases), and the
# Monday of a day.
CHECK_IN_DAY = {"postgresql": "CAST(c.created_at AS DATE)", "sqlite": "date(c.created_at)"}
CHECK_IN_WEEK = {
    "postgresql": "CAST(date_trunc('week', c.created_at) AS DATE)",
    "sqlite": "date(c.created_at, '-6 days', 'weekday 1')",
}
WEEK_OF_DAY = {
    "postgresql": "day - CAST(EXTRACT(ISODOW FROM day) AS INTEGER) + 1",
    "sqlite": "date(day, '-6 days', 'weekday 1')",
}

CONFIDENCE_SQL_PARTS = {
    "confidence_columns": "unit_id, cycle_id, week, confidence_sum, check_in_count, computed_at",
    "confidence_upsert": "ON CONFLICT (unit_id, cycle_id, week) DO UPDATE SET "
    + ", ".join(
        f"{figure} = excluded.{figure}"
        for figure in ("confidence_sum", "check_in_count", "computed_at")
    ),
}

# The check-ins of each cycle's trend summed and counted per unit and day, then per week (a row
# per unit and week however many check-ins), then added up over each unit's subtree. ``recent``
# keeps to the check-ins of some trend before any join: most of them are older. Into a table of
# the transaction's own, so that only the weeks that differ from it are written below (a full
# run rewriting ten thousand unchanged rows would cost more than computing them, and leave as
# many dead ones); PostgreSQL may compute a table's contents in parallel, an INSERT's not.
FRESH_CONFIDENCE_WEEKS_SQL = """
CREATE TEMPORARY TABLE {fresh} AS
WITH RECURSIVE
windows(cycle_id, since, until) AS (VALUES {windows}),
days(unit_id, cycle_id, day, confidence_sum, check_in_count) AS (
    SELECT o.unit_id, o.cycle_id, {day}, SUM(c.confidence), COUNT(*)
    FROM {check_in} c
    JOIN {key_result} k ON k.id = c.key_result_id
    JOIN {objective} o ON o.id = k.objective_id
    JOIN windows ON windows.cycle_id = o.cycle_id
    WHERE o.archived_at IS NULL
        AND c.created_at >= windows.since AND c.created_at < windows.until
        AND ({recent})
    GROUP BY o.unit_id, o.cycle_id, {day}
),
own(unit_id, cycle_id, week, confidence_sum, check_in_count) AS (
    SELECT unit_id, cycle_id, {week_of_day}, SUM(confidence_sum), SUM(check_in_count)
    FROM days
    GROUP BY unit_id, cycle_id, {week_of_day}
),
subtree(ancestor_id, unit_id) AS (
    SELECT id, id FROM {unit}
    UNION ALL
    SELECT subtree.ancestor_id, child.id
    FROM subtree JOIN {unit} child ON child.parent_id = subtree.unit_id
)
SELECT
    subtree.ancestor_id AS unit_id, own.cycle_id AS cycle_id, own.week AS week,
    SUM(own.confidence_sum) AS confidence_sum, SUM(own.check_in_count) AS check_in_count
FROM subtree JOIN own ON own.unit_id = subtree.unit_id
GROUP BY subtree.ancestor_id, own.cycle_id, own.week
"""

SAME_WEEK = "w.unit_id = f.unit_id AND w.cycle_id = f.cycle_id AND w.week = f.week"
# The weeks whose figures changed, the weeks new, and the weeks gone.
MERGE_CONFIDENCE_WEEKS_SQL = [
    "CREATE INDEX {fresh}_week ON {fresh} (unit_id, cycle_id, week)",
    """
UPDATE {confidence_week} SET
    confidence_sum = f.confidence_sum, check_in_count = f.check_in_count, computed_at = %s
FROM {fresh} f
WHERE {confidence_week}.unit_id = f.unit_id AND {confidence_week}.cycle_id = f.cycle_id
    AND {confidence_week}.week = f.week
    AND ({confidence_week}.confidence_sum <> f.confidence_sum
        OR {confidence_week}.check_in_count <> f.check_in_count)
""",
    """
INSERT INTO {confidence_week} ({confidence_columns})
SELECT f.unit_id, f.cycle_id, f.week, f.confidence_sum, f.check_in_count, %s FROM {fresh} f
WHERE NOT EXISTS (SELECT 1 FROM {confidence_week} w WHERE {same_week})
""",
    "DELETE FROM {confidence_week} WHERE NOT EXISTS ("
    "SELECT 1 FROM {fresh} f WHERE f.unit_id = {confidence_week}.unit_id"
    " AND f.cycle_id = {confidence_week}.cycle_id AND f.week = {confidence_week}.week)",
    "DROP TABLE {fresh}",
]
FRESH_TABLE = "unit_confidence_fresh"


def _merged(ranges: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The same moments in as few ranges as overlap allows."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def refresh_unit_confidence_weeks() -> None:
    """Sum and count the confidence of the check-ins below every unit per cycle and week of its
    trend; write the weeks that changed, drop the weeks no longer found."""
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    between = {cycle.pk: _check_ins_between(cycle) for cycle in Cycle.objects.only("end_date")}
    if not between:
        UnitConfidenceWeek.objects.all().delete()
        return
    _unit_type, cycle_type = _id_types()
    moment = _typed("timestamp with time zone")
    ranges = _merged(list(between.values()))
    parts = {"fresh": FRESH_TABLE, "same_week": SAME_WEEK, **TABLES, **CONFIDENCE_SQL_PARTS}
    fresh = FRESH_CONFIDENCE_WEEKS_SQL.format(
        windows=", ".join([f"(CAST(%s AS {cycle_type}), {moment}, {moment})"] * len(between)),
        recent=" OR ".join(["(c.created_at >= %s AND c.created_at < %s)"] * len(ranges)),
        day=CHECK_IN_DAY[connection.vendor],
        week_of_day=WEEK_OF_DAY[connection.vendor],
        **parts,
    )
    fresh_params = [
        *(
            value
            for pk, (since, until) in between.items()
            for value in (pk, adapt(since), adapt(until))
        ),
        *(adapt(instant) for start_end in ranges for instant in start_end),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(fresh, fresh_params)
        for statement in MERGE_CONFIDENCE_WEEKS_SQL:
            sql = statement.format(**parts)
            cursor.execute(sql, [now] * sql.count("%s"))


# The trend's weeks of the units in ``touched`` (a unit and the units above it) for one cycle,
# in one statement, the way UNITS_ABOVE_ROLLUP_SQL refreshes their rollups: each touched unit
# contributes the check-ins of its own objectives and the stored weeks of its untouched
# children, and each touched unit's weeks sum the contributions of the touched units in its
# subtree. A new check-in only adds to a week (check-ins are never deleted): no week goes away.
# CROSS JOIN keeps SQLite to that order (from the few units to their children's weeks); to
# PostgreSQL it is an inner join like any other.
UNIT_CONFIDENCE_WEEKS_ABOVE_SQL = """
WITH
touched(unit_id) AS (VALUES {touched}),
lineage(unit_id, ancestor_id) AS (VALUES {lineage}),
parts(unit_id, week, confidence_sum, check_in_count) AS (
    SELECT touched.unit_id, {week}, SUM(c.confidence), COUNT(*)
    FROM touched
    JOIN {objective} o ON o.unit_id = touched.unit_id AND o.cycle_id = %s
    JOIN {key_result} k ON k.objective_id = o.id
    JOIN {check_in} c ON c.key_result_id = k.id AND c.created_at >= %s AND c.created_at < %s
    WHERE o.archived_at IS NULL
    GROUP BY touched.unit_id, {week}
    UNION ALL
    SELECT touched.unit_id, w.week, w.confidence_sum, w.check_in_count
    FROM touched CROSS JOIN {unit} child CROSS JOIN {confidence_week} w
    WHERE child.parent_id = touched.unit_id AND child.id NOT IN (SELECT unit_id FROM touched)
        AND w.unit_id = child.id AND w.cycle_id = %s AND w.week >= %s AND w.week <= %s
)
INSERT INTO {confidence_week} ({confidence_columns})
SELECT
    lineage.ancestor_id, {cycle}, parts.week,
    SUM(parts.confidence_sum), SUM(parts.check_in_count), %s
FROM lineage JOIN parts ON parts.unit_id = lineage.unit_id
WHERE 1 = 1
GROUP BY lineage.ancestor_id, parts.week
{confidence_upsert}
"""


def unit_confidence_weeks_above_statement(
    unit: int, cycle: Cycle, parent_of: Mapping[int, int | None]
) -> tuple[str, list]:
    """The statement (and its parameters) that refreshes the trend's weeks of ``unit`` and of
    every unit above it in ``cycle``, for batching with others. ``parent_of`` holds the parent
    of the unit and of each unit above it."""
    touched, lineage = _closed_upwards({(unit, cycle.pk)}, parent_of)
    unit_type, cycle_type = _id_types()
    sql = UNIT_CONFIDENCE_WEEKS_ABOVE_SQL.format(
        touched=", ".join([f"(CAST(%s AS {unit_type}))"] * len(touched)),
        lineage=", ".join([f"(CAST(%s AS {unit_type}), CAST(%s AS {unit_type}))"] * len(lineage)),
        cycle=f"CAST(%s AS {cycle_type})",
        week=CHECK_IN_WEEK[connection.vendor],
        **TABLES,
        **CONFIDENCE_SQL_PARTS,
    )
    ops = connection.ops
    since, until = _check_ins_between(cycle)
    first, last = confidence_weeks(cycle)
    params = [
        *(touched_unit for touched_unit, _cycle in touched),
        *(
            value
            for touched_unit, _cycle, ancestor in lineage
            for value in (touched_unit, ancestor)
        ),
        cycle.pk,
        ops.adapt_datetimefield_value(since),
        ops.adapt_datetimefield_value(until),
        cycle.pk,
        ops.adapt_datefield_value(first),
        ops.adapt_datefield_value(last),
        cycle.pk,
        ops.adapt_datetimefield_value(timezone.now()),
    ]
    return sql, params
