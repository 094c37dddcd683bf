"""The weekly check-in digest: each owner hears of the key results they have let go quiet."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpis.health import Frequency, period_start

from .models import CheckInReminder, Cycle, KeyResult
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
    week = period_start(timezone.localdate(now), Frequency.WEEKLY)
    already_reminded = set(
        CheckInReminder.objects.filter(week=week).values_list("user_id", flat=True)
    )
    sent = 0
    for owner, owned in groupby(key_results_needing_check_in(now), key=lambda kr: kr.owner):
        if owner.pk in already_reminded or not owner.email or not owner.is_active:
            continue
        key_results = list(owned)
        with transaction.atomic():
            CheckInReminder.objects.create(
                user=owner, week=week, key_result_count=len(key_results), sent_at=now
            )
            _send_digest(owner, key_results, now)
        sent += 1
    return sent


def _send_digest(owner, key_results: list[KeyResult], now: datetime) -> None:
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        lines = [
            {
                "key_result": key_result,
                "link": settings.SITE_URL + reverse("key_result_check_ins", args=[key_result.pk]),
            }
            for key_result in key_results
        ]
        body = render_to_string(
            "objectives/email/check_in_reminder.txt",
            {"owner": owner, "lines": lines, "now": now, "site_url": settings.SITE_URL},
        )
        subject = _("Check-in reminder: %(count)d key results are waiting for you") % {
            "count": len(key_results)
        }
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
