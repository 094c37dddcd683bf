"""What one person may see and do in the organisation tree, computed once per request.

A role in a unit holds for that unit and every unit below it; a person also sees the units above
their own, so that they can follow how their work aligns up to the strategy. Staff see and do
everything. The predicates in ``alignment/rules.py`` and ``objectives/rules.py`` read this.
"""

from __future__ import annotations

from functools import cached_property
from typing import TypeVar

from django.db import connection
from django.db.models import BooleanField, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Membership, OrgUnit, User

M = TypeVar("M", bound=Model)

VIEWER, CONTRIBUTOR, MANAGER = 1, 2, 3
RANK = {
    Membership.Role.VIEWER: VIEWER,
    Membership.Role.CONTRIBUTOR: CONTRIBUTOR,
    Membership.Role.MANAGER: MANAGER,
}

# Whether the person {user} holds a role at every root of the organisation: then they see
# every unit.
EVERYWHERE_SQL = """
EXISTS (SELECT 1 FROM {unit} WHERE parent_id IS NULL)
AND NOT EXISTS (
    SELECT 1 FROM {unit} r
    WHERE r.parent_id IS NULL AND NOT EXISTS (
        SELECT 1 FROM {membership} m WHERE m.unit_id = r.id AND m.user_id = {user}
    )
)"""

# One round trip: each unit reached down from a membership with the best role held there (rank
# 1-3) and each unit above a membership (rank 0: seen, for alignment, but no role), once each
# with its best rank. A person with a role at every root of the organisation sees every unit:
# unless asked to walk anyway, the walk (which for them visits every unit of the organisation)
# is skipped and one row of rank -1, without a unit, says so. A root has no unit above it, so
# a rank there comes only from a membership there.
REACH_SQL = """
WITH RECURSIVE everywhere(yes) AS (
    SELECT NOT %(walk_anyway)s AND {everywhere}
),
down(unit_id, rank) AS (
    SELECT m.unit_id,
           CASE m.role WHEN %(manager)s THEN 3 WHEN %(contributor)s THEN 2 ELSE 1 END
    FROM {membership} m
    WHERE m.user_id = %(user)s AND NOT (SELECT yes FROM everywhere)
    UNION ALL
    SELECT child.id, down.rank
    FROM {unit} child JOIN down ON child.parent_id = down.unit_id
),
up(unit_id) AS (
    SELECT u.parent_id
    FROM {unit} u JOIN {membership} m ON m.unit_id = u.id
    WHERE m.user_id = %(user)s AND u.parent_id IS NOT NULL AND NOT (SELECT yes FROM everywhere)
    UNION
    SELECT u.parent_id
    FROM {unit} u JOIN up ON u.id = up.unit_id
    WHERE u.parent_id IS NOT NULL
)
SELECT unit_id, MAX(rank) FROM (
    SELECT unit_id, rank FROM down UNION ALL SELECT unit_id, 0 FROM up
) reached
GROUP BY unit_id
UNION ALL
SELECT NULL, -1 FROM everywhere WHERE yes
"""

# The same units as a subquery, for filtering rows by them without sending the ids back: for
# a person who sees a large part of the organisation, a list of two thousand ids costs more to
# send and match than the walk down the tree.
VISIBLE_UNITS_SQL = """
WITH RECURSIVE down(unit_id) AS (
    SELECT m.unit_id FROM {membership} m WHERE m.user_id = %s
    UNION
    SELECT child.id FROM {unit} child JOIN down ON child.parent_id = down.unit_id
),
up(unit_id) AS (
    SELECT u.parent_id
    FROM {unit} u JOIN {membership} m ON m.unit_id = u.id
    WHERE m.user_id = %s AND u.parent_id IS NOT NULL
    UNION
    SELECT u.parent_id FROM {unit} u JOIN up ON u.id = up.unit_id WHERE u.parent_id IS NOT NULL
)
SELECT unit_id FROM down UNION SELECT unit_id FROM up
"""
# Above this many units seen, rows are filtered by the subquery rather than by a list of ids.
IDS_LISTED_AT_MOST = 100


def _tables() -> dict[str, str]:
    return {"membership": Membership._meta.db_table, "unit": OrgUnit._meta.db_table}


def role_at_every_root(model: type[Model], user_id: str = "user_id") -> RawSQL:
    """Whether the person whose id is in the column ``user_id`` of ``model``'s rows holds a
    role at every root of the organisation: the ``everywhere`` of ``REACH_SQL``, for a query
    that reads the person anyway. Raw SQL: built as Django expressions, its three nested
    subqueries cost more to compile than the query they save."""
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(user_id)}"
    return RawSQL(EVERYWHERE_SQL.format(**_tables(), user=column), (), BooleanField())  # noqa: S611


class Access:
    """The units a person sees and the role they hold in each."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.is_staff = bool(user.is_active and user.is_staff)

    def _walk(self, *, walk_anyway: bool) -> dict[int, int] | None:
        """The rank held at each unit seen; None for a role at every root, not walked."""
        if not self.user.is_authenticated:
            return {}
        tables = _tables()
        everywhere_sql = EVERYWHERE_SQL.format(**tables, user="%(user)s")
        with connection.cursor() as cursor:
            cursor.execute(
                REACH_SQL.format(**tables, everywhere=everywhere_sql),
                {
                    "user": self.user.pk,
                    "manager": Membership.Role.MANAGER,
                    "contributor": Membership.Role.CONTRIBUTOR,
                    "walk_anyway": walk_anyway,
                },
            )
            # One row a unit, with its best rank; a row without a unit says "everywhere".
            ranks = dict(cursor.fetchall())
        return None if ranks.pop(None, None) is not None else ranks

    @cached_property
    def _first_look(self) -> dict[int, int] | None:
        # Lists only need to know whether the person sees every unit; rank lookups walk then.
        return self._walk(walk_anyway=False)

    def known_to_have_a_role_at_every_root(self, answer: bool) -> None:
        """What ``role_at_every_root`` answered for this person in a query that read them
        anyway (the API's token lookup): for someone with a role at every root, lists then
        need no query of their own to know they see every unit."""
        if answer:
            self.__dict__["_first_look"] = None  # what the first look finds for them

    @cached_property
    def _ranks(self) -> dict[int, int]:
        ranks = self._first_look
        return ranks if ranks is not None else (self._walk(walk_anyway=True) or {})

    def rank_at(self, unit_id: int) -> int:
        return MANAGER if self.is_staff else self._ranks.get(unit_id, 0)

    def sees(self, unit_id: int) -> bool:
        return self.is_staff or unit_id in self._ranks

    def is_contributor_at(self, unit_id: int) -> bool:
        return self.rank_at(unit_id) >= CONTRIBUTOR

    def is_manager_at(self, unit_id: int) -> bool:
        return self.rank_at(unit_id) >= MANAGER

    @property
    def sees_everything(self) -> bool:
        return self.is_staff

    @property
    def sees_every_unit(self) -> bool:
        """Staff, or a role at the top of the organisation: then no list needs filtering by unit
        (which, as a list of a thousand ids, costs more than the page). Only about seeing:
        staff's other powers stay with ``sees_everything``."""
        if self.is_staff:
            return True
        return self._first_look is None  # a role at every root: not walked

    def sees_all_below(self, unit_id: int) -> bool:
        """A role in a unit holds for every unit below it: then nothing below needs filtering."""
        return self.rank_at(unit_id) >= VIEWER

    def _visible_units_subquery(self) -> RawSQL:
        return RawSQL(VISIBLE_UNITS_SQL.format(**_tables()), [self.user.pk, self.user.pk])  # noqa: S611

    @cached_property
    def visible_unit_ids(self) -> frozenset[int]:
        """Every unit seen; meaningless for staff, who see all (check ``sees_everything``)."""
        return frozenset(self._ranks)

    @property
    def contributes_somewhere(self) -> bool:
        """Staff, or a contributor or manager of some unit."""
        return self.is_staff or any(rank >= CONTRIBUTOR for rank in self._ranks.values())

    @cached_property
    def managed_unit_ids(self) -> frozenset[int]:
        return frozenset(unit for unit, rank in self._ranks.items() if rank >= MANAGER)

    def restrict(self, queryset: QuerySet[M], *, within: int | None = None) -> QuerySet[M]:
        """Only the rows of ``queryset`` this person may see: the one place visibility is decided.

        A model says how its rows are seen in ``Visibility``: ``units``, lookups to the unit
        ids a row belongs to (seeing any one of them is enough), and ``people``, lookups to
        the people who see a row wherever it is (its owner, its assignees). ``within`` is the pk
        of a unit the rows are already limited to: a person with a role there sees all of them.
        """
        if self.sees_every_unit or (within is not None and self.sees_all_below(within)):
            return queryset
        visibility = getattr(queryset.model, "Visibility", None)
        units = getattr(visibility, "units", ("unit_id",))
        people = getattr(visibility, "people", ())
        seen = Q()
        visible = (
            self.visible_unit_ids
            if len(self.visible_unit_ids) <= IDS_LISTED_AT_MOST
            else self._visible_units_subquery()
        )
        for lookup in units:
            seen |= Q(**{f"{lookup}__in": visible})
        for lookup in people:
            seen |= Q(**{lookup: self.user})
        restricted = queryset.filter(seen)
        return restricted.distinct() if getattr(visibility, "distinct", False) else restricted


def access_for(user: User) -> Access:
    """The person's access, cached on the user object, which lives as long as the request."""
    access = getattr(user, "_okr_access", None)
    if access is None:
        access = Access(user)
        user._okr_access = access
    return access
