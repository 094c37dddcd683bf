"""Telling people things: in the app (notifications) and by e-mail, each in their own language;
and the weekly digests, sent at most once a week per person and kind."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from okrplatform.languages import language_for
from okrplatform.outbox.relay import email_after_commit

from .models import Notification, Reminder, User


def _language_of(person: User) -> str:
    return language_for(person.language)


# Which of a person's e-mail preferences allows each weekly digest.
_DIGEST_PREFERENCE = {
    Reminder.Kind.CHECK_INS: "email_check_in_digest",
    Reminder.Kind.STALE_KPIS: "email_stale_kpi_digest",
}


def notify(
    *, recipients: Iterable[User], message: Callable[[], str], url: str, email: bool = True
) -> None:
    """Leave each person a notification, and mail it to them, in their own language.

    ``message`` is called once per person, under their language, so it can use gettext.
    """
    notifications = []
    for person in {person.pk: person for person in recipients if person.is_active}.values():
        with translation.override(_language_of(person)):
            text = str(message())
        notifications.append(Notification(recipient=person, message=text[:500], url=url))
        if email and person.email and person.email_notifications:
            email_after_commit(
                recipient=person.email,
                subject=text[:120],
                body=f"{text}\n\n{settings.SITE_URL}{url}",
            )
    Notification.objects.bulk_create(notifications)


def send_weekly_digest(
    *,
    kind: str,
    items: QuerySet,
    owner_of: Callable[[object], User | None],
    subject: Callable[[int], str],
    template: str,
    now: datetime | None = None,
) -> int:
    """Mail each owner the items (ordered by owner) that wait for them, once a week per kind.

    Returns how many people got a digest; running it again in the same week sends nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    week = today - timedelta(days=today.weekday())  # the Monday of this week
    already = set(Reminder.objects.filter(kind=kind, week=week).values_list("user_id", flat=True))
    sent = 0
    for owner, owned in groupby(items, key=owner_of):
        if owner is None or owner.pk in already or not owner.email or not owner.is_active:
            continue
        if not getattr(owner, _DIGEST_PREFERENCE.get(kind, ""), True):
            continue
        owned = list(owned)
        with transaction.atomic():
            Reminder.objects.create(
                user=owner, kind=kind, week=week, item_count=len(owned), sent_at=now
            )
            with translation.override(_language_of(owner)):
                body = render_to_string(
                    template, {"owner": owner, "items": owned, "site_url": settings.SITE_URL}
                )
                email_after_commit(recipient=owner.email, subject=subject(len(owned)), body=body)
        sent += 1
    return sent
