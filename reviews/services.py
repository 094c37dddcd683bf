"""Writes of the reviews app: every page and API route that changes a review goes through here."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from okrplatform.org.models import User

from .forms import DecisionForm, ReviewForm
from .models import Decision, ReviewMeeting


@transaction.atomic
def decision_record(*, review: ReviewMeeting, by: User, form: DecisionForm) -> Decision:
    """A decision taken in the meeting, today, by the person who records it. It shows on the
    charts of the KPIs it concerns and in the agenda of the next review."""
    if not review.is_open:
        raise ValidationError(_("This review is closed: its decisions are a record."))
    decision = form.save(commit=False)
    decision.review = review
    decision.decided_by = by
    decision.decided_on = timezone.localdate()
    decision.save()
    form.save_m2m()
    return decision


@transaction.atomic
def review_plan(*, form: ReviewForm) -> ReviewMeeting:
    """Plan a review meeting (or change its plan) from its validated form."""
    return form.save()
