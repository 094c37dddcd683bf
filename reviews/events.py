"""What the reviews app tells webhook subscribers: a review was closed."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from okrplatform.webhooks.events import Event, events_emit
from okrplatform.webhooks.models import EventType

from .models import ReviewMeeting


def review_closed(*, review: ReviewMeeting) -> None:
    def headline() -> str:
        return _("%(who)s closed the review “%(review)s” of %(unit)s.") % {
            "who": review.closed_by or _("Someone"),
            "review": review.title,
            "unit": review.unit.name,
        }

    events_emit(
        EventType.REVIEW_CLOSED,
        lambda: [
            Event(
                type=EventType.REVIEW_CLOSED,
                resource_pk=review.pk,
                unit_ids=[review.unit_id],
                occurred_at=review.closed_at or timezone.now(),
                path=reverse("review_detail", args=[review.pk]),
                data={
                    "id": review.pk,
                    "title": review.title,
                    "unit": review.unit.code,
                    "cycle": review.cycle.code,
                    "scheduled_for": review.scheduled_for,
                    "closed_at": review.closed_at,
                    "closed_by": review.closed_by.username if review.closed_by else None,
                    "what_worked": review.what_worked,
                    "what_did_not": review.what_did_not,
                    "what_we_change": review.what_we_change,
                },
                headline=headline,
            )
        ],
        visible_in=ReviewMeeting.objects.all(),
    )
