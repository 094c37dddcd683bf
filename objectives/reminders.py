"""The weekly check-in digest: each owner hears of the key results they have let go quiet."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from okrplatform.org.models import Reminder
from okrplatform.org.notifications import send_weekly_digest

from .models import Cycle, KeyResult
from .progress import CHECK_IN_STALE_AFTER


def key_results_needing_check_in(now: datetime) -> QuerySet[KeyResult]:
    """KRs of current objectives in active cycles, not checked in on for a week or more."""
    week_ago = now - CHECK_IN_STALE_AFTER
    today = timezone.localdate(now)
    return (
        KeyResult.objects.filter(
            objective__archived_at__isnull=True,
            objective__cycle__state=Cycle.State.ACTIVE,
            objective__cycle__start_date__lte=week_ago.date(),
            objective__cycle__end_date__gte=today,
        )
        .filter(Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lte=week_ago))
        .select_related("owner", "objective")
        .order_by("owner_id", "objective__title", "id")
    )


def remind_owners_of_stale_key_results(now: datetime | None = None) -> int:
    """Send this week's digest to every owner who has not had it yet; returns how many got one."""
    now = now or timezone.now()
    return send_weekly_digest(
        kind=Reminder.Kind.CHECK_INS,
        items=key_results_needing_check_in(now),
        owner_of=lambda key_result: key_result.owner,
        subject=lambda count: (
            ngettext(
                "Check-in reminder: %(count)d key result is waiting for you",
                "Check-in reminder: %(count)d key results are waiting for you",
                count,
            )
            % {"count": count}
        ),
        template="objectives/email/check_in_reminder.txt",
        now=now,
    )
