"""The weekly check-in digest: each owner hears of the key results they have let go quiet."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from okrplatform.org.models import Reminder
from okrplatform.org.notifications import send_weekly_digest
from okrplatform.webhooks.events import digest_emit

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
    waiting = key_results_needing_check_in(now)
    digest_emit(
        kind=Reminder.Kind.CHECK_INS,
        week=_monday_of(now),
        items=waiting,
        unit_lookup="objective__unit",
        headline=lambda count: (
            ngettext(
                "%(count)d key result has gone a week or more without a check-in.",
                "%(count)d key results have gone a week or more without a check-in.",
                count,
            )
            % {"count": count}
        ),
        line=_waiting_line,
        data_of=lambda key_result: {
            "id": key_result.pk,
            "title": key_result.title,
            "objective": {"id": key_result.objective_id, "title": key_result.objective.title},
            "owner": key_result.owner.username if key_result.owner else None,
            "last_check_in_at": key_result.last_check_in_at,
        },
        path=reverse("home"),
    )
    return send_weekly_digest(
        kind=Reminder.Kind.CHECK_INS,
        items=waiting,
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


def _monday_of(now: datetime) -> date:
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


def _waiting_line(key_result: KeyResult) -> str:
    last = (
        formats.date_format(timezone.localtime(key_result.last_check_in_at), "SHORT_DATE_FORMAT")
        if key_result.last_check_in_at
        else _("never")
    )
    return _("“%(key_result)s” of “%(objective)s”, %(owner)s, last check-in: %(last)s") % {
        "key_result": key_result.title,
        "objective": key_result.objective.title,
        "owner": key_result.owner or _("no owner"),
        "last": last,
    }
