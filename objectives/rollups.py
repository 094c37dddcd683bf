"""Set-based recomputation of the stored progress and status of key results and objectives.

Plain SQL that runs unchanged on SQLite and PostgreSQL (the two differ only in the float type
and the null-safe "differs" operator, filled in below). Each statement covers every row in
scope at once, and writes only the rows whose value changes, so running it again changes
nothing and costs only reads. The SQL is the twin of the pure formulas in
``objectives.progress``; the tests hold both to one table of cases.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from objectives.models import UnitRollup
from objectives.unit_rollups import (
    refresh_alignment,
    refresh_unit_confidence_weeks,
    refresh_unit_rollups,
    unit_confidence_weeks_above_statement,
    unit_rollups_above_statement,
)
from okrplatform.db import execute_in_one_round_trip
from okrplatform.org.models import OrgUnit
from okrplatform.webhooks.models import WebhookSubscription

from .events import objective_status_changes_wanted, objective_statuses_changed
from .models import CheckIn, Cycle, KeyResult, Objective
from .progress import Direction, MetricType, Status, expected_progress, status_thresholds

# A cascade deeper than this is a loop in the data (the model refuses to create one).
MAX_CASCADE_DEPTH = 50

TABLES = {
    "key_result": KeyResult._meta.db_table,
    "objective": Objective._meta.db_table,
    "check_in": CheckIn._meta.db_table,
}


def _sql(template: str, **parts: str) -> str:
    postgres = connection.vendor == "postgresql"
    return template.format(
        float="DOUBLE PRECISION" if postgres else "REAL",
        differs="IS DISTINCT FROM" if postgres else "IS NOT",
        **TABLES,
        **parts,
    )


def _within(column: str, ids: Collection[int] | None) -> tuple[str, list[int]]:
    """A WHERE fragment limiting the statement to these rows (all rows for None)."""
    if ids is None:
        return "1 = 1", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _clamp(ratio: str) -> str:
    return f"CASE WHEN {ratio} <= 0 THEN 0.0 WHEN {ratio} >= 1 THEN 1.0 ELSE {ratio} END"


# KR progress: the cases of ``progress.key_result_progress``.
KEY_RESULT_PROGRESS = f"""
CASE
    WHEN current_value IS NULL THEN 0.0
    WHEN metric_type = '{MetricType.BOOLEAN}' THEN
        CASE WHEN current_value >= 1 THEN 1.0 ELSE 0.0 END
    WHEN direction = '{Direction.STAY_ABOVE}' THEN
        CASE WHEN current_value >= target_value THEN 1.0 ELSE 0.0 END
    WHEN direction = '{Direction.STAY_BELOW}' THEN
        CASE WHEN current_value <= target_value THEN 1.0 ELSE 0.0 END
    WHEN target_value = start_value THEN 0.0
    ELSE {
    _clamp(
        "(CAST(current_value - start_value AS {float})"
        " / CAST(target_value - start_value AS {float}))"
    )
}
END"""

LATEST_CHECK_IN = """(
    SELECT c.{column} FROM {check_in} c WHERE c.key_result_id = {key_result}.id
    ORDER BY c.created_at DESC, c.id DESC LIMIT 1
)"""

# The KR's own figures from its latest check-in. Check-ins are append-only, so only a KR whose
# newest check-in is not the one it stores can change.
REFRESH_KEY_RESULT_VALUES = """
UPDATE {key_result} SET
    current_value = {latest_value},
    confidence = COALESCE({latest_confidence}, confidence),
    last_check_in_at = {latest_created_at}
WHERE {scope} AND last_check_in_at {differs} (
    SELECT MAX(c.created_at) FROM {check_in} c WHERE c.key_result_id = {key_result}.id
)
"""

REFRESH_KEY_RESULT_PROGRESS = """
UPDATE {key_result} SET progress = {progress}
WHERE {scope} AND progress {differs} ({progress})
"""

MEAN_OF_KEY_RESULTS = """(
    SELECT SUM(CAST(k.weight AS {float}) * k.progress) / SUM(CAST(k.weight AS {float}))
    FROM {key_result} k WHERE k.objective_id = {objective}.id
)"""

# Aligned children that are not archived and have progress; weight 1 unless set.
MEAN_OF_CHILDREN = """(
    SELECT SUM(CAST(c.weight AS {float}) * c.progress) / SUM(CAST(c.weight AS {float}))
    FROM {objective} c
    WHERE c.parent_id = {objective}.id AND c.archived_at IS NULL AND c.progress IS NOT NULL
)"""

REFRESH_OBJECTIVE_PROGRESS = """
UPDATE {objective} SET progress = {mean}
WHERE {scope} AND progress_source = %s AND progress {differs} {mean}
"""

# The progress of an objective and of each objective above it, nearest first, in one
# statement: each from its key results or from its children, where the child on the chain
# counts with the progress just computed for it (``fresh``), the others as stored.
REFRESH_CHAIN_PROGRESS = """
WITH RECURSIVE fresh(id, parent_id, progress, depth) AS (
    SELECT id, parent_id,
        CASE WHEN progress_source = %s THEN {mean_of_key_results} ELSE {mean_of_children} END,
        0
    FROM {objective} WHERE id = %s
    UNION ALL
    SELECT {objective}.id, {objective}.parent_id,
        CASE WHEN {objective}.progress_source = %s THEN {mean_of_key_results} ELSE (
            SELECT
                SUM(CAST(c.weight AS {float}) * {child_progress}) / SUM(CAST(c.weight AS {float}))
            FROM {objective} c
            WHERE c.parent_id = {objective}.id AND c.archived_at IS NULL
                AND {child_progress} IS NOT NULL
        ) END,
        fresh.depth + 1
    FROM fresh JOIN {objective} ON {objective}.id = fresh.parent_id
    WHERE fresh.depth < 50
)
UPDATE {objective} SET progress = (
    SELECT fresh.progress FROM fresh WHERE fresh.id = {objective}.id
    ORDER BY fresh.depth DESC LIMIT 1
)
WHERE id IN (SELECT id FROM fresh)
"""

# Status against the expected progress of the row's cycle: the cases of
# ``progress.progress_status``. Thresholds come per cycle as CASE branches.
STATUS = f"""
CASE
    WHEN {{table}}.progress IS NULL THEN '{Status.NO_PROGRESS}'
    {{not_started}}
    WHEN {{table}}.progress >= CASE {{cycle}} {{on_track_from}} END THEN '{Status.ON_TRACK}'
    WHEN {{table}}.progress >= CASE {{cycle}} {{at_risk_from}} END THEN '{Status.AT_RISK}'
    ELSE '{Status.OFF_TRACK}'
END"""

# Key results that nobody has checked in yet: the objective has not started, it is not 0 % off
# track.
OBJECTIVE_NOT_STARTED = """
    WHEN {objective}.progress_source = '{from_key_results}' AND NOT EXISTS (
        SELECT 1 FROM {key_result} k
        WHERE k.objective_id = {objective}.id AND k.last_check_in_at IS NOT NULL
    ) THEN '{not_started}'"""

REFRESH_STATUS = """
UPDATE {table} SET status = {status}
{join}
WHERE {scope} AND {cycle} IN ({cycles}) AND {table}.status {differs} ({status})
"""

# The objectives REFRESH_STATUS is about to change, with their status before and after: read
# only when a webhook subscribes to status changes.
CHANGING_STATUS = """
SELECT id, status, {status} FROM {table}
WHERE {scope} AND {cycle} IN ({cycles}) AND {table}.status {differs} ({status})
"""


def _key_result_statements(ids: Collection[int] | None) -> list[tuple[str, list]]:
    """Each KR's current value and confidence from its latest check-in, then its progress."""
    scope, params = _within("id", ids)
    latest = {
        f"latest_{column}": _sql(LATEST_CHECK_IN, column=column)
        for column in ("value", "confidence", "created_at")
    }
    progress = _sql(KEY_RESULT_PROGRESS)
    return [
        (_sql(REFRESH_KEY_RESULT_VALUES, scope=scope, **latest), params),
        (_sql(REFRESH_KEY_RESULT_PROGRESS, scope=scope, progress=progress), params),
    ]


def refresh_key_results(ids: Collection[int] | None = None) -> int:
    """Each KR's current value and confidence from its latest check-in, then its progress;
    returns how many rows changed."""
    changed = 0
    with connection.cursor() as cursor:
        for sql, params in _key_result_statements(ids):
            cursor.execute(sql, params)
            changed += cursor.rowcount
    return changed


def refresh_objective_progress(ids: Collection[int] | None = None) -> None:
    """Objective progress from its KRs, then, pass by pass, from its aligned children."""
    scope, params = _within("id", ids)
    from_key_results = _sql(REFRESH_OBJECTIVE_PROGRESS, scope=scope, mean=_sql(MEAN_OF_KEY_RESULTS))
    from_children = _sql(REFRESH_OBJECTIVE_PROGRESS, scope=scope, mean=_sql(MEAN_OF_CHILDREN))
    with connection.cursor() as cursor:
        cursor.execute(from_key_results, [*params, Objective.ProgressSource.KEY_RESULTS])
        # After pass n, every objective whose children-sourced chain is n levels deep is final;
        # a pass that changes nothing ends it.
        for _level in range(MAX_CASCADE_DEPTH):
            cursor.execute(from_children, [*params, Objective.ProgressSource.CHILDREN])
            if cursor.rowcount == 0:
                break


def refresh_statuses(
    on: date,
    *,
    key_results: Collection[int] | None = None,
    objectives: Collection[int] | None = None,
    cycles: Sequence[Cycle] | None = None,
) -> None:
    """Status of KRs and objectives against their cycle's expected progress on ``on``.

    With neither ``key_results`` nor ``objectives``, every row; with either, only the rows
    named. ``cycles`` narrows it to those cycles.
    """
    statements = _status_statements(
        on, key_results=key_results, objectives=objectives, cycles=cycles
    )
    changes = []
    with connection.cursor() as cursor:
        for sql, params, changing in statements:
            if changing is not None and objective_status_changes_wanted():
                cursor.execute(changing, params)
                changes += cursor.fetchall()
            cursor.execute(sql, params)
    if changes:
        objective_statuses_changed(changes)


def _status_statements(
    on: date,
    *,
    key_results: Collection[int] | None = None,
    objectives: Collection[int] | None = None,
    cycles: Sequence[Cycle] | None = None,
) -> list[tuple[str, list, str | None]]:
    """Each status UPDATE with its parameters, and for objectives the SELECT of the statuses
    it is about to change (for webhooks; same parameters)."""
    cycles = list(Cycle.objects.all() if cycles is None else cycles)
    if not cycles:
        return []
    on_track_from, at_risk_from, threshold_params = _thresholds(cycles, on)
    cycle_ids = ", ".join(["%s"] * len(cycles))
    cycle_params = [cycle.pk for cycle in cycles]
    scoped = key_results is not None or objectives is not None
    statements = []
    # A KR's cycle is its objective's: UPDATE ... FROM joins it once per row.
    for table, join, the_cycle, id_column, not_started, ids in [
        (
            TABLES["key_result"],
            _sql("FROM {objective} o"),
            "o.cycle_id",
            _sql("{key_result}.id"),
            _sql(f"WHEN {{key_result}}.last_check_in_at IS NULL THEN '{Status.NOT_STARTED}'"),
            key_results,
        ),
        (
            TABLES["objective"],
            "",
            "cycle_id",
            "id",
            _sql(
                OBJECTIVE_NOT_STARTED,
                from_key_results=Objective.ProgressSource.KEY_RESULTS,
                not_started=Status.NOT_STARTED,
            ),
            objectives,
        ),
    ]:
        if scoped and not ids:
            continue
        status = _sql(
            STATUS,
            table=table,
            not_started=not_started,
            cycle=the_cycle,
            on_track_from=on_track_from,
            at_risk_from=at_risk_from,
        )
        scope, scope_params = _within(id_column, ids)
        if join:
            scope = _sql("o.id = {key_result}.objective_id AND ") + scope
        statement = _sql(
            REFRESH_STATUS,
            table=table,
            join=join,
            status=status,
            scope=scope,
            cycle=the_cycle,
            cycles=cycle_ids,
        )
        params = [*threshold_params, *scope_params, *cycle_params, *threshold_params]
        changing = (
            _sql(
                CHANGING_STATUS,
                table=table,
                status=status,
                scope=scope,
                cycle=the_cycle,
                cycles=cycle_ids,
            )
            if table == TABLES["objective"]
            else None
        )
        statements.append((statement, params, changing))
    return statements


def _thresholds(cycles: Sequence[Cycle], on: date) -> tuple[str, str, list]:
    """``WHEN cycle THEN threshold`` branches for the on-track and at-risk lines of each cycle,
    and their parameters in the order they appear in STATUS."""
    on_track, at_risk = [], []
    for cycle in cycles:
        expected = expected_progress(start=cycle.start_date, end=cycle.end_date, on=on)
        on_track_from, at_risk_from = status_thresholds(expected)
        on_track += [cycle.pk, on_track_from]
        at_risk += [cycle.pk, at_risk_from]
    branches = " ".join(["WHEN %s THEN %s"] * len(cycles))
    return branches, branches, [*on_track, *at_risk]


@dataclass(frozen=True)
class RollupSummary:
    key_results_changed: int
    objectives: int
    unit_rollups: int


def recompute_all(on: date | None = None) -> RollupSummary:
    """Recompute every stored figure from the check-ins up; heals anything a lost task missed."""
    on = on or timezone.localdate()
    with transaction.atomic():
        key_results_changed = refresh_key_results()
        refresh_objective_progress()
        refresh_statuses(on)
        refresh_alignment()
        refresh_unit_rollups()
        refresh_unit_confidence_weeks()
    return RollupSummary(
        key_results_changed=key_results_changed,
        objectives=Objective.objects.count(),
        unit_rollups=UnitRollup.objects.count(),
    )


# The objective and its ancestors, nearest first, with their units and cycles (kind 0); then
# each unit of theirs and each unit above those, with its parent (kind 1); then whether any
# webhook subscription is active at all (kind 2), so that a rollup nobody subscribes to spends
# no round trip asking. The depth bound stops a corrupted loop; the steps up the unit tree are
# lookups by primary key, which the planner cannot misjudge however few rows a recursion yields.
CHAIN_SQL = """
WITH RECURSIVE chain(id, depth) AS (
    SELECT objective_id, 0 FROM {key_result} WHERE id = %s
    UNION ALL
    SELECT o.parent_id, chain.depth + 1
    FROM {objective} o JOIN chain ON o.id = chain.id
    WHERE o.parent_id IS NOT NULL AND chain.depth < 50
),
units_above(id, parent_id) AS (
    SELECT u.id, u.parent_id FROM {unit} u
    WHERE u.id IN (SELECT o.unit_id FROM chain JOIN {objective} o ON o.id = chain.id)
    UNION
    SELECT above.parent_id, (SELECT u.parent_id FROM {unit} u WHERE u.id = above.parent_id)
    FROM units_above above
    WHERE above.parent_id IS NOT NULL
)
SELECT 0, chain.depth, o.id, o.unit_id, o.cycle_id, cy.start_date, cy.end_date
FROM chain JOIN {objective} o ON o.id = chain.id JOIN {cycle} cy ON cy.id = o.cycle_id
UNION ALL
SELECT 1, 0, id, parent_id, NULL, NULL, NULL FROM units_above
UNION ALL
SELECT 2, 0, (SELECT COUNT(*) FROM {subscription} WHERE active), NULL, NULL, NULL, NULL
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class ObjectiveChain:
    """What a check-in on a key result can move, read in one statement."""

    objectives: list[tuple[int, int, Cycle]]  # (id, unit, cycle) of its objective and above
    parent_of: dict[int, int | None]  # the parent of each of their units and each unit above
    any_subscription: bool  # whether any webhook subscription is active at all


def objective_chain(key_result_id: int) -> ObjectiveChain:
    """The KR's objective and each objective above it, nearest first, the units above them,
    and whether anyone could subscribe to their changes."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                CHAIN_SQL,
                cycle=Cycle._meta.db_table,
                unit=OrgUnit._meta.db_table,
                subscription=WebhookSubscription._meta.db_table,
            ),
            [key_result_id],
        )
        rows = cursor.fetchall()
    return ObjectiveChain(
        objectives=[
            (objective, unit, Cycle(pk=cycle, start_date=_date(start), end_date=_date(end)))
            for kind, _depth, objective, unit, cycle, start, end in rows
            if kind == 0
        ],
        parent_of={unit: parent for kind, _d, unit, parent, *_rest in rows if kind == 1},
        any_subscription=any(kind == 2 and count for kind, _d, count, *_rest in rows),
    )


def _date(value) -> date:
    """SQLite hands dates back as text from raw SQL."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def rollup_after_check_in(key_result_id: int, on: date | None = None) -> None:
    """What one check-in moves: its KR, its objective and their ancestors, the units above.

    Two round trips whatever the size of the organisation: one reads the chain of objectives
    above the KR, one sends every statement that follows from it (PostgreSQL takes them as one
    batch, its own transaction): the KR, the progress of each objective of the chain in one
    recursive statement, their statuses, the rollups of the units above in one set-based
    statement and their weekly confidence in another.
    """
    on = on or timezone.localdate()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # A batch of statements sent at once is one transaction to PostgreSQL: no BEGIN and
        # COMMIT to wait for. The chain is read before it; what it names changes only with
        # the structure, and a change of structure recomputes every figure.
        _rollup_chain(objective_chain(key_result_id), key_result_id, on, own_transaction=True)
        return
    with transaction.atomic():
        _rollup_chain(objective_chain(key_result_id), key_result_id, on, own_transaction=False)


def _rollup_chain(
    chain: ObjectiveChain, key_result_id: int, on: date, *, own_transaction: bool
) -> None:
    """Everything that follows from the chain, in one batch; ``own_transaction``: the batch
    is the transaction (PostgreSQL outside an atomic block)."""
    if not chain.objectives:
        return  # deleted since the check-in: nothing left to roll up
    chain_progress = _sql(
        REFRESH_CHAIN_PROGRESS,
        mean_of_key_results=_sql(MEAN_OF_KEY_RESULTS),
        mean_of_children=_sql(MEAN_OF_CHILDREN),
        child_progress="CASE WHEN c.id = fresh.id THEN fresh.progress ELSE c.progress END",
    )
    cycles = list({cycle.pk: cycle for _o, _u, cycle in chain.objectives}.values())
    chain_objectives = [objective for objective, _u, _c in chain.objectives]
    unit_rollups = unit_rollups_above_statement(
        {(unit, cycle.pk) for _o, unit, cycle in chain.objectives}, chain.parent_of
    )
    # The check-in counts in the weeks of its own objective's unit and the units above.
    _objective, own_unit, own_cycle = chain.objectives[0]
    confidence_weeks = unit_confidence_weeks_above_statement(own_unit, own_cycle, chain.parent_of)
    statements = [
        *_key_result_statements([key_result_id]),
        (
            chain_progress,
            [
                Objective.ProgressSource.KEY_RESULTS,
                chain_objectives[0],
                Objective.ProgressSource.KEY_RESULTS,
            ],
        ),
    ]
    with connection.cursor() as cursor:
        if chain.any_subscription and objective_status_changes_wanted():
            # A webhook wants the statuses before and after: read them between the steps.
            with transaction.atomic(savepoint=False):
                execute_in_one_round_trip(cursor, statements)
                refresh_statuses(
                    on, key_results=[key_result_id], objectives=chain_objectives, cycles=cycles
                )
                execute_in_one_round_trip(cursor, [unit_rollups, confidence_weeks])
            return
        statuses = _status_statements(
            on, key_results=[key_result_id], objectives=chain_objectives, cycles=cycles
        )
        if own_transaction:
            # Waiting for the disk to confirm the commit would be half the time. Everything
            # written here is derived from the check-ins (committed durably in their own
            # transaction): a crash within the next fraction of a second could lose only these
            # figures, and the full recompute every 15 minutes restores them. Not inside
            # somebody else's transaction, whose writes may be the record itself.
            statements.insert(0, ("SET LOCAL synchronous_commit TO OFF", []))
        execute_in_one_round_trip(
            cursor,
            [
                *statements,
                *((sql, params) for sql, params, _changing in statuses),
                unit_rollups,
                confidence_weeks,
            ],
        )
