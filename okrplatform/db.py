"""Database helpers shared by the rollups: write only what changed."""

from __future__ import annotations

from django.db.models import Field, Lookup, Q, QuerySet


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
