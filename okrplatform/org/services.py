"""Writes to the organisation tree: units and who holds which role in them. Every entry point
(the API, admin) goes through these."""

from __future__ import annotations

from django.db import transaction

from okrplatform.outbox.relay import after_commit

from .models import Membership, OrgUnit

# Named, not imported: the rollups live floors above; a moved unit moves every figure above it.
RECOMPUTE_ROLLUPS = "objectives.tasks.recompute_rollups"


@transaction.atomic
def org_unit_store(*, serializer) -> OrgUnit:
    """Create or change a unit from a validated API body; a unit moved elsewhere in the tree
    moves the rollups of the units above it, after commit."""
    moved = serializer.instance is not None and (
        "parent" in serializer.validated_data
        and serializer.validated_data["parent"] != serializer.instance.parent
    )
    unit = serializer.save()
    if moved:
        after_commit(RECOMPUTE_ROLLUPS, once_per_transaction=True)
    return unit


@transaction.atomic
def membership_store(*, serializer) -> Membership:
    """Give a person a role in a unit, or change it: it holds for every unit below, at once."""
    return serializer.save()


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    """Take a person's role in a unit away; what they own stays theirs."""
    membership.delete()
