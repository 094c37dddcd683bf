"""Deciding a tension: writing down the trade-off, and recording it as a decision that shows
as a marker on the KPI's chart."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alignment.models import Tension
from okrplatform.org.models import User
from okrplatform.org.notifications import notify

from .models import Decision


@transaction.atomic
def tension_decide(*, tension: Tension, by: User, trade_off: str) -> Tension:
    trade_off = trade_off.strip()
    if not trade_off:
        raise ValidationError({"trade_off": _("Write down the trade-off: which side gives way.")})
    locked = (
        Tension.objects.select_for_update(of=("self",))
        .select_related("objective", "kpi")
        .get(pk=tension.pk)
    )
    if locked.state == Tension.State.DECIDED:
        raise ValidationError(
            _("This tension was decided meanwhile: “%(trade_off)s”")
            % {"trade_off": locked.trade_off}
        )
    decision = Decision.objects.create(
        title=(
            _("Trade-off: %(objective)s vs %(kpi)s")
            % {"objective": locked.objective.title, "kpi": locked.kpi.name}
        )[:300],
        details=trade_off,
        decided_by=by,
    )
    decision.kpis.add(locked.kpi)
    decision.objectives.add(locked.objective)
    locked.state = Tension.State.DECIDED
    locked.trade_off = trade_off
    locked.decision = decision
    locked.decided_at = timezone.now()
    locked.save()
    notify(
        recipients=[
            person
            for person in (locked.objective.owner, locked.kpi.owner)
            if person is not None and person.pk != by.pk
        ],
        message=lambda: (
            _("%(who)s decided the trade-off between “%(objective)s” and %(kpi)s.")
            % {
                "who": by.get_full_name() or by.username,
                "objective": locked.objective.title,
                "kpi": locked.kpi.name,
            }
        ),
        url=reverse("tension_detail", args=[locked.pk]),
    )
    return locked


@transaction.atomic
def tension_raise(*, objective, kpi, key_result=None, description: str, by: User) -> Tension:
    """Record a known conflict between an objective (or one of its key results) and a KPI;
    both owners hear of it, and it waits for a trade-off decision."""
    tension = Tension(
        objective=objective,
        kpi=kpi,
        key_result=key_result,
        description=description.strip(),
        raised_by=by,
    )
    tension.full_clean()
    tension.save()
    notify(
        recipients=[
            person
            for person in (objective.owner, kpi.owner)
            if person is not None and person.pk != by.pk
        ],
        message=lambda: (
            _("%(who)s recorded a tension between “%(objective)s” and %(kpi)s.")
            % {
                "who": by.get_full_name() or by.username,
                "objective": objective.title,
                "kpi": kpi.name,
            }
        ),
        url=reverse("tension_detail", args=[tension.pk]),
    )
    return tension
