"""Database helpers shared by the rollups: write only what changed."""

from __future__ import annotations

import io
import itertools

from django.db.models import Field, Lookup, Q, QuerySet

# How every measured value (key results, check-ins, KPIs, measurements) is stored.
VALUE_DIGITS = {"max_digits": 20, "decimal_places": 4}


@Field.register_lookup
class IsDistinctFrom(Lookup):
    """``field__distinct_from=value``: differs, treating two NULLs as equal."""

    lookup_name = "distinct_from"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


def update_changed(queryset: QuerySet, **assignments) -> int:
    """UPDATE only the rows where a new value differs from the stored one.

    A recomputation that changes nothing then writes nothing: no dead rows for PostgreSQL to
    vacuum, no WAL to flush, no lock held longer than a read. Returns the rows changed.
    """
    changed = Q()
    for field, expression in assignments.items():
        changed |= Q(**{f"{field}__distinct_from": expression})
    return queryset.filter(changed).update(**assignments)


def execute_in_one_round_trip(cursor, statements: list[tuple[str, list]]) -> None:
    """Run statements in order; on PostgreSQL as one batch, saving a round trip per statement.

    SQLite runs one statement per call, and in-process there is no trip to save.
    """
    if cursor.db.vendor == "postgresql" and len(statements) > 1:
        cursor.execute(
            ";\n".join(sql for sql, _params in statements),
            [param for _sql, params in statements for param in params],
        )
        return
    for sql, params in statements:
        cursor.execute(sql, params)


# Bind parameters one statement may carry: PostgreSQL allows 65,535, SQLite 32,766.
MAX_PARAMETERS = {"postgresql": 65_000, "sqlite": 32_000}


def insert_rows(
    table: str,
    columns: list[str],
    rows: list[tuple],
    *,
    conflict: list[str] | None = None,
    update: list[str] | None = None,
    returning: list[str] | None = None,
) -> list[tuple]:
    """``INSERT … [ON CONFLICT … DO UPDATE] [RETURNING …]`` of many rows at once, on SQLite and
    PostgreSQL alike.

    For batches of thousands of rows, where building a model instance per row and compiling the
    ORM's INSERT costs more than the database's work. On PostgreSQL the rows travel by COPY
    into a temporary table, the fastest way in; elsewhere as multi-row VALUES. Values must
    already be adapted for the database (``connection.ops.adapt_*_value``).
    """
    from django.db import connection

    if not rows:
        return []
    tail = ""
    if conflict:
        assignments = ", ".join(f"{column} = excluded.{column}" for column in update or [])
        tail += f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {assignments}"
    if returning:
        tail += f" RETURNING {', '.join(returning)}"
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        return _insert_by_copy(connection, table, names, rows, tail, bool(returning))
    per_statement = max(1, MAX_PARAMETERS.get(connection.vendor, 32_000) // len(columns))
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names are ours
                + ", ".join([row_sql] * len(chunk))
                + tail,
                [value for row in chunk for value in row],
            )
            if returning:
                returned.extend(cursor.fetchall())
    return returned


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_staging = itertools.count()


def copy_text(value) -> str:
    """A value as COPY ... FROM STDIN reads it in its text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(COPY_ESCAPES)


def _insert_by_copy(connection, table: str, names: str, rows, tail: str, returning: bool):
    from django.db import transaction

    staging = f"okr_staging_{next(_staging)}"
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_text(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608 - names are ours
            f"SELECT {names} FROM {table} WITH NO DATA"
        )
        cursor.cursor.copy_expert(f"COPY {staging} ({names}) FROM STDIN", buffer)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}{tail}"  # noqa: S608
        )
        returned = cursor.fetchall() if returning else []
        cursor.execute(f"DROP TABLE {staging}")
    return returned
