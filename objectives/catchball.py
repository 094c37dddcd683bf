"""Catchball: a unit proposes an objective to the unit above, whose manager agrees to it or
returns it with a comment, back and forth until both sides agree. Hoshin Kanri's negotiation.

Every turn is kept as a ``CatchballMessage`` on the objective, and the other side is told.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from okrplatform.org.models import Membership, OrgUnit, User
from okrplatform.org.notifications import notify

from .models import CatchballMessage, Objective

Action = CatchballMessage.Action
State = Objective.Catchball

# Which turns each state allows, and the state each turn leads to.
ALLOWED = {
    Action.PROPOSED: {State.NONE, State.RETURNED},
    Action.AGREED: {State.PROPOSED},
    Action.RETURNED: {State.PROPOSED},
    Action.COMMENTED: {State.PROPOSED, State.RETURNED, State.AGREED},
}
LEADS_TO = {
    Action.PROPOSED: State.PROPOSED,
    Action.AGREED: State.AGREED,
    Action.RETURNED: State.RETURNED,
}
PERMISSION = {
    Action.PROPOSED: "objectives.propose_objective",
    Action.AGREED: "objectives.agree_objective",
    Action.RETURNED: "objectives.agree_objective",
}


def actions_for(user: User, objective: Objective) -> list[str]:
    """The turns this person may take on the objective now, for the buttons on its page."""
    if objective.is_archived or objective.unit.parent_id is None:
        return []
    available = [
        action
        for action in (Action.PROPOSED, Action.AGREED, Action.RETURNED)
        if objective.catchball in ALLOWED[action] and user.has_perm(PERMISSION[action], objective)
    ]
    if objective.catchball in ALLOWED[Action.COMMENTED] and is_party(user, objective):
        available.append(Action.COMMENTED)
    return available


def is_party(user: User, objective: Objective) -> bool:
    return user.has_perm("objectives.propose_objective", objective) or user.has_perm(
        "objectives.agree_objective", objective
    )


def deciders(unit: OrgUnit) -> list[User]:
    """Who hears of a proposal from ``unit``: the lead and managers of the nearest unit above
    that has any."""
    for above in reversed(list(unit.ancestors())):
        people = User.objects.filter(
            Q(led_units=above)
            | Q(memberships__unit=above, memberships__role=Membership.Role.MANAGER)
        ).distinct()
        if people:
            return list(people)
    return []


@transaction.atomic
def catchball_turn(*, objective: Objective, by: User, action: str, text: str = "") -> None:
    """Take one turn: check that it is allowed now, record it, move the state, tell the others.

    The objective's row is locked first, so two managers answering at once cannot both win:
    the second is told what happened in between.
    """
    text = text.strip()
    locked = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("unit__parent")
        .get(pk=objective.pk)
    )
    if locked.unit.parent_id is None:
        raise ValidationError(_("Objectives of the top unit have no unit above to agree them."))
    if locked.is_archived:
        raise ValidationError(_("This objective is archived."))
    if locked.catchball not in ALLOWED[action]:
        raise ValidationError(
            _("This objective is now “%(state)s”: reload the page to see the latest turn.")
            % {"state": locked.get_catchball_display()}
        )
    permission = PERMISSION.get(action)
    allowed = by.has_perm(permission, locked) if permission else is_party(by, locked)
    if not allowed:
        above = locked.unit.parent
        if action == Action.PROPOSED:
            raise ValidationError(
                _("Only its owner or a manager of %(unit)s can propose it.") % {"unit": locked.unit}
            )
        if permission:
            raise ValidationError(
                _("Only a manager of %(unit)s can agree to it or return it.") % {"unit": above}
            )
        raise ValidationError(_("You are not on either side of this negotiation."))
    if action in {Action.RETURNED, Action.COMMENTED} and not text:
        raise ValidationError(_("Say why, so the other side can act on it."))
    CatchballMessage.objects.create(objective=locked, author=by, action=action, text=text)
    if action in LEADS_TO:
        Objective.objects.filter(pk=locked.pk).update(catchball=LEADS_TO[action])
        objective.catchball = LEADS_TO[action]
    _tell_the_others(locked, by, action, text)


def _tell_the_others(objective: Objective, by: User, action: str, text: str) -> None:
    proposing_side = [objective.owner, *_proposers(objective)]
    deciding_side = deciders(objective.unit)
    if action == Action.PROPOSED:
        recipients: Iterable[User] = deciding_side
    elif action == Action.COMMENTED:
        recipients = [*proposing_side, *deciding_side]
    else:
        recipients = proposing_side
    title, who = objective.title, by.get_full_name() or by.username
    messages = {
        Action.PROPOSED: lambda: (
            _("%(who)s proposes “%(title)s”: agree to it or return it.")
            % {"who": who, "title": title}
        ),
        Action.AGREED: lambda: _("%(who)s agreed to “%(title)s”.") % {"who": who, "title": title},
        Action.RETURNED: lambda: (
            _("%(who)s returned “%(title)s”: %(comment)s")
            % {"who": who, "title": title, "comment": text}
        ),
        Action.COMMENTED: lambda: (
            _("%(who)s commented on “%(title)s”: %(comment)s")
            % {"who": who, "title": title, "comment": text}
        ),
    }
    notify(
        recipients=[person for person in recipients if person.pk != by.pk],
        message=messages[action],
        url=reverse("objective_detail", args=[objective.pk]) + "#catchball",
    )


def _proposers(objective: Objective) -> list[User]:
    return list(
        User.objects.filter(
            catchball_messages__objective=objective,
            catchball_messages__action=Action.PROPOSED,
        ).distinct()
    )
