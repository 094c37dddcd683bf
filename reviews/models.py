"""Review meetings, the decisions taken in them and the grades given when a cycle closes."""

from __future__ import annotations

from decimal import Decimal

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

GRADE_DIGITS = {"max_digits": 3, "decimal_places": 2}
grade_validators = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class ReviewMeeting(models.Model):
    """A unit's review of a cycle: its agenda comes from live data, its outcome is recorded."""

    class Visibility:
        units = ("unit_id",)
        people = ("participants",)
        distinct = True

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")

    unit = models.ForeignKey(
        "alignment.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="review_meetings",
    )
    cycle = models.ForeignKey(
        "objectives.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="review_meetings",
    )
    title = models.CharField(_("title"), max_length=200)
    scheduled_for = models.DateTimeField(_("date and time"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilitated_reviews",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        related_name="review_meetings",
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SCHEDULED
    )
    what_worked = models.TextField(_("what worked"), blank=True)
    what_did_not = models.TextField(_("what didn't work"), blank=True)
    what_we_change = models.TextField(_("what we change"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = IntegerVersionField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["-scheduled_for"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Grades and decisions can still change: neither the review nor its cycle is closed."""
        return self.state != self.State.CLOSED and not self.cycle.is_closed


class Decision(models.Model):
    """What was decided, by whom and when, with the KPIs and objectives it concerns."""

    class Visibility:
        units = ("review__unit_id", "objectives__unit_id", "kpis__unit_id")
        distinct = True

    review = models.ForeignKey(
        ReviewMeeting,
        verbose_name=_("review meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    title = models.CharField(_("decision"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    kpis = models.ManyToManyField(
        "kpis.KPI", verbose_name=_("KPIs"), related_name="decisions", blank=True
    )
    objectives = models.ManyToManyField(
        "objectives.Objective",
        verbose_name=_("objectives"),
        related_name="decisions",
        blank=True,
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Grade(models.Model):
    """A final grade from 0.0 to 1.0, offered from progress and overridable with a reason."""

    score = models.DecimalField(_("grade"), validators=grade_validators, **GRADE_DIGITS)
    suggested_score = models.DecimalField(
        _("suggested grade"),
        null=True,
        blank=True,
        validators=grade_validators,
        help_text=_("The progress at close, offered as the grade."),
        **GRADE_DIGITS,
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required when the grade differs from the suggestion.")
    )
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded"), default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1),
                name="%(class)s_0_to_1",
                violation_error_message=_("A grade runs from 0.0 to 1.0."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        overridden = self.suggested_score is not None and self.score != self.suggested_score
        if overridden and not self.reason.strip():
            raise ValidationError(
                {
                    "reason": _("Say why the grade differs from the suggested %(grade)s.")
                    % {"grade": number_format(self.suggested_score, decimal_pos=2)}
                }
            )


class ObjectiveGrade(Grade):
    """The final grade of an objective at the close of its cycle, and why it was missed."""

    class MissCause(models.TextChoices):
        EXECUTION = "execution", _("Execution: the key results or initiatives were not delivered")
        STRATEGY = "strategy", _("Strategy: delivered, but the outcome did not move")

    objective = models.OneToOneField(
        "objectives.Objective",
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="grade",
    )
    review = models.ForeignKey(
        ReviewMeeting,
        verbose_name=_("graded in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objective_grades",
    )
    miss_cause = models.CharField(
        _("cause of the miss"), max_length=20, choices=MissCause.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta(Grade.Meta):
        verbose_name = _("objective grade")
        verbose_name_plural = _("objective grades")

    def __str__(self) -> str:
        return f"{self.objective} · {self.score}"

    @property
    def is_success(self) -> bool:
        return self.score >= self.objective.success_mark

    def clean(self) -> None:
        super().clean()
        if self.miss_cause and self.objective_id and self.is_success:
            raise ValidationError(
                {"miss_cause": _("Only a missed objective has a cause of the miss.")}
            )


class KeyResultGrade(Grade):
    """The final grade of a key result at the close of its cycle."""

    key_result = models.OneToOneField(
        "objectives.KeyResult",
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="grade",
    )

    class Meta(Grade.Meta):
        verbose_name = _("key result grade")
        verbose_name_plural = _("key result grades")

    def __str__(self) -> str:
        return f"{self.key_result} · {self.score}"
