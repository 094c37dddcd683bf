"""The weekly digest of stale KPIs: each owner hears of the KPIs that have gone quiet."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from okrplatform.org.models import Reminder
from okrplatform.org.notifications import send_weekly_digest

from .health import Health
from .models import KPI


def stale_kpis() -> QuerySet[KPI]:
    return (
        KPI.objects.filter(is_active=True, health__in=[Health.STALE, Health.NO_DATA])
        .exclude(owner=None)
        .select_related("owner", "unit")
        .order_by("owner_id", "name")
    )


def remind_owners_of_stale_kpis(now: datetime | None = None) -> int:
    return send_weekly_digest(
        kind=Reminder.Kind.STALE_KPIS,
        items=stale_kpis(),
        owner_of=lambda kpi: kpi.owner,
        subject=lambda count: (
            ngettext(
                "%(count)d of your KPIs has no recent measurement",
                "%(count)d of your KPIs have no recent measurement",
                count,
            )
            % {"count": count}
        ),
        template="kpis/email/stale_kpis.txt",
        now=now or timezone.now(),
    )
