"""The weekly digest of stale KPIs: each owner hears of the KPIs that have gone quiet."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from okrplatform.org.models import Reminder
from okrplatform.org.notifications import send_weekly_digest
from okrplatform.webhooks.events import digest_emit

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
    now = now or timezone.now()
    today = timezone.localdate(now)
    digest_emit(
        kind=Reminder.Kind.STALE_KPIS,
        week=today - timedelta(days=today.weekday()),
        items=stale_kpis(),
        unit_lookup="unit",
        headline=lambda count: (
            ngettext(
                "%(count)d KPI has no recent measurement.",
                "%(count)d KPIs have no recent measurement.",
                count,
            )
            % {"count": count}
        ),
        line=lambda kpi: (
            _("%(kpi)s (%(unit)s), %(owner)s: %(health)s")
            % {
                "kpi": kpi.name,
                "unit": kpi.unit.name,
                "owner": kpi.owner,
                "health": Health(kpi.health).label,
            }
        ),
        data_of=lambda kpi: {
            "id": kpi.pk,
            "code": kpi.code,
            "name": kpi.name,
            "unit": kpi.unit.code,
            "owner": kpi.owner.username,
            "health": kpi.health,
            "latest_period": kpi.latest_period,
        },
        path=reverse("kpi_board"),
    )
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
        now=now,
    )
