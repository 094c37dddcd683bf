"""Cycles, objectives, key results, their check-ins and the initiatives that drive them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.fields import TreeNodeForeignKey
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from kpis.health import Health
from kpis.models import Perspective
from okrplatform.db import VALUE_DIGITS

from .progress import (
    ASPIRATIONAL_SUCCESS_MARK,
    CHECK_IN_STALE_AFTER,
    COMMITTED_SUCCESS_MARK,
    Direction,
    MetricType,
    Status,
    expected_progress,
    key_result_progress,
    progress_status,
)

WEIGHT_DIGITS = {"max_digits": 8, "decimal_places": 2}

confidence_validators = [MinValueValidator(0), MaxValueValidator(10)]


def validate_positive_weight(value: Decimal) -> None:
    if value is not None and value <= 0:
        raise ValidationError(_("The weight must be greater than zero."), code="min_value")


# As a bound rather than a check of its own, so that forms and the API's schema state it.
POSITIVE_WEIGHT = [
    MinValueValidator(Decimal("0.01"), message=_("The weight must be greater than zero."))
]


class CycleQuerySet(TreeQuerySet):
    def containing(self, day: date) -> CycleQuerySet:
        return self.filter(start_date__lte=day, end_date__gte=day)


class Cycle(TreeNode):
    """A planning period: a multi-year plan, a year or a quarter; shorter cycles nest in longer."""

    class Kind(models.TextChoices):
        MULTI_YEAR = "multi_year", _("Multi-year plan")
        YEAR = "year", _("Year")
        QUARTER = "quarter", _("Quarter")

    class State(models.TextChoices):
        PLANNING = "planning", _("Planning")
        ACTIVE = "active", _("Active")
        IN_REVIEW = "in_review", _("In review")
        CLOSED = "closed", _("Closed")

    # The span each kind may nest in, from longest to shortest.
    NESTING = {Kind.QUARTER: {Kind.YEAR, Kind.MULTI_YEAR}, Kind.YEAR: {Kind.MULTI_YEAR}}

    parent = TreeNodeForeignKey(
        "self",
        verbose_name=_("within"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PLANNING
    )
    version = IntegerVersionField()
    history = HistoricalRecords()

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["start_date", "-end_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="cycle_ends_after_it_starts",
                violation_error_message=_("A cycle must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("A cycle must end after it starts.")})
        if self.parent_id:
            parent = self.parent
            if self.kind and parent.kind not in self.NESTING.get(self.kind, set()):
                raise ValidationError(
                    {
                        "parent": _("A %(kind)s cannot sit within a %(parent_kind)s.")
                        % {
                            "kind": self.get_kind_display().lower(),
                            "parent_kind": parent.get_kind_display().lower(),
                        }
                    }
                )
            if (
                self.start_date
                and self.end_date
                and not (parent.start_date <= self.start_date and self.end_date <= parent.end_date)
            ):
                raise ValidationError(
                    _("This cycle must lie within %(parent)s (%(start)s – %(end)s).")
                    % {"parent": parent, "start": parent.start_date, "end": parent.end_date}
                )

    def expected_progress(self, on: date | None = None) -> float:
        return expected_progress(
            start=self.start_date, end=self.end_date, on=on or timezone.localdate()
        )

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class ObjectiveQuerySet(TreeQuerySet):
    def active(self) -> ObjectiveQuerySet:
        """Objectives that count: archived ones stay in history but leave every figure."""
        return self.filter(archived_at__isnull=True)


class Objective(TreeNode):
    """A qualitative goal of a unit for a cycle, aligned to a parent objective in the cascade."""

    class Visibility:
        units = ("unit_id",)
        people = ("owner",)

    class Level(models.TextChoices):
        BREAKTHROUGH = "breakthrough", _("Breakthrough (multi-year)")
        ANNUAL = "annual", _("Annual")
        QUARTERLY = "quarterly", _("Quarterly")

    class Kind(models.TextChoices):
        COMMITTED = "committed", _("Committed")
        ASPIRATIONAL = "aspirational", _("Aspirational")

    class ProgressSource(models.TextChoices):
        KEY_RESULTS = "key_results", _("Its key results")
        CHILDREN = "children", _("Its aligned child objectives")

    class Catchball(models.TextChoices):
        """Hoshin's negotiation of an objective between a unit and the unit above it."""

        NONE = "none", _("Not negotiated")
        PROPOSED = "proposed", _("Proposed, awaiting agreement")
        RETURNED = "returned", _("Returned for rework")
        AGREED = "agreed", _("Agreed")

    parent = TreeNodeForeignKey(
        "self",
        verbose_name=_("aligns to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("The objective one level up that this one contributes to."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        "alignment.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_objectives",
    )
    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        related_name="objectives",
        db_index=False,  # objective_cycle_unit starts with it
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.QUARTERLY
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMITTED)
    perspective = models.CharField(_("BSC perspective"), max_length=20, choices=Perspective.choices)
    progress_source = models.CharField(
        _("progress from"),
        max_length=20,
        choices=ProgressSource.choices,
        default=ProgressSource.KEY_RESULTS,
    )
    weight = models.DecimalField(
        _("weight"),
        default=Decimal(1),
        validators=POSITIVE_WEIGHT,
        **WEIGHT_DIGITS,
        help_text=_("How much this objective counts in its parent's progress."),
    )
    supports = models.ManyToManyField(
        "self",
        verbose_name=_("also supports"),
        symmetrical=False,
        blank=True,
        related_name="supported_by",
        help_text=_("Other objectives this one helps; not counted in rollups or alignment."),
    )
    deployed_from = models.ForeignKey(
        "self",
        verbose_name=_("local copy of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployments",
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Moved only by objectives.catchball, which keeps the thread of who said what.
    catchball = models.CharField(
        _("catchball"),
        max_length=20,
        choices=Catchball.choices,
        default=Catchball.NONE,
        editable=False,
    )

    # Stored by the rollups (objectives.rollups, alignment.rollups); never edited by hand.
    progress = models.FloatField(_("progress"), null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NO_PROGRESS,
        editable=False,
    )
    is_aligned = models.BooleanField(_("aligned"), default=False, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = IntegerVersionField()
    history = HistoricalRecords(excluded_fields=["progress", "status", "is_aligned"])

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="objective_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="objective_not_aligned_to_itself",
                violation_error_message=_("An objective cannot align to itself."),
            ),
            models.UniqueConstraint(
                fields=["deployed_from", "unit"],
                condition=Q(deployed_from__isnull=False, archived_at__isnull=True),
                name="objective_one_live_copy_per_unit",
                violation_error_message=_("This unit already has a copy of that objective."),
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "unit"], name="objective_cycle_unit"),
            # Lists leave archived objectives out: their pages count and walk the live ones
            # in id order from this index alone, not by reading the whole table.
            models.Index(
                fields=["id"], condition=Q(archived_at__isnull=True), name="objective_live"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An objective cannot align to itself.")})
        try:
            super().clean()
        except ValidationError:
            raise ValidationError(
                {"parent": _("An objective cannot align to one of its own descendants.")}
            ) from None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def in_negotiation(self) -> bool:
        return self.catchball in {self.Catchball.PROPOSED, self.Catchball.RETURNED}

    @property
    def success_mark(self) -> Decimal:
        """The grade that counts as success: 0.7 for aspirational, 1.0 for committed."""
        if self.kind == self.Kind.ASPIRATIONAL:
            return ASPIRATIONAL_SUCCESS_MARK
        return COMMITTED_SUCCESS_MARK


class CatchballMessage(models.Model):
    """One turn in the negotiation of an objective: proposed, agreed, returned or a comment."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("proposed it")
        AGREED = "agreed", _("agreed to it")
        RETURNED = "returned", _("returned it")
        COMMENTED = "commented", _("commented")

    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="catchball_messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="catchball_messages",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("catchball message")
        verbose_name_plural = _("catchball messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["returned", "commented"]) | ~Q(text=""),
                name="catchball_return_and_comment_have_text",
                violation_error_message=_("Say why, so the other side can act on it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} {self.get_action_display()} · {self.objective}"


class KeyResult(models.Model):
    """A measurable outcome that shows how far its objective has come."""

    class Visibility:
        units = ("objective__unit_id",)
        people = ("owner",)

    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="key_results",
    )
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_key_results",
    )
    metric_type = models.CharField(
        _("metric"), max_length=20, choices=MetricType.choices, default=MetricType.NUMBER
    )
    unit_label = models.CharField(
        _("unit of measure"),
        max_length=30,
        blank=True,
        help_text=_("Shown after the numbers, e.g. %, EUR, orders, days."),
    )
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.INCREASE
    )
    start_value = models.DecimalField(_("start"), null=True, blank=True, **VALUE_DIGITS)
    target_value = models.DecimalField(_("target"), **VALUE_DIGITS)
    weight = models.DecimalField(
        _("weight"), default=Decimal(1), validators=POSITIVE_WEIGHT, **WEIGHT_DIGITS
    )
    confidence = models.PositiveSmallIntegerField(
        _("confidence"),
        default=5,
        validators=confidence_validators,
        help_text=_("0 = no chance, 10 = certain; the latest check-in sets it."),
    )
    driving_kpi = models.ForeignKey(
        "kpis.KPI",
        verbose_name=_("driving KPI"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="driven_key_results",
        help_text=_("When set, each new measurement of this KPI is checked in as the value."),
    )

    # The latest check-in, kept here so lists need no subquery; the check-ins are the truth.
    current_value = models.DecimalField(
        _("current value"), null=True, blank=True, editable=False, **VALUE_DIGITS
    )
    last_check_in_at = models.DateTimeField(
        _("last check-in"), null=True, blank=True, editable=False
    )
    progress = models.FloatField(_("progress"), default=0.0, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = IntegerVersionField()
    history = HistoricalRecords(
        excluded_fields=["current_value", "last_check_in_at", "progress", "status"]
    )

    class Meta:
        verbose_name = _("key result")
        verbose_name_plural = _("key results")
        ordering = ["objective_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="key_result_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=10),
                name="key_result_confidence_0_to_10",
                violation_error_message=_("Confidence runs from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=~Q(direction__in=[Direction.INCREASE, Direction.DECREASE])
                | Q(start_value__isnull=False),
                name="key_result_moving_target_has_start",
                violation_error_message=_(
                    "An increase or decrease key result needs a start value."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(direction=Direction.INCREASE) | Q(target_value__gt=F("start_value")),
                name="key_result_increase_target_above_start",
                violation_error_message=_("To increase, the target must be above the start value."),
            ),
            models.CheckConstraint(
                condition=~Q(direction=Direction.DECREASE) | Q(target_value__lt=F("start_value")),
                name="key_result_decrease_target_below_start",
                violation_error_message=_("To decrease, the target must be below the start value."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.metric_type == MetricType.BOOLEAN:
            # A yes/no result is done or not: it moves from 0 (no) to 1 (yes).
            self.direction = Direction.INCREASE
            self.start_value = Decimal(0)
            self.target_value = Decimal(1)
            return
        moving = self.direction in {Direction.INCREASE, Direction.DECREASE}
        if moving and self.start_value is None:
            raise ValidationError(
                {"start_value": _("An increase or decrease key result needs a start value.")}
            )
        if moving and self.target_value is not None and self.start_value == self.target_value:
            raise ValidationError(
                {"target_value": _("The target must differ from the start value.")}
            )
        if moving and self.target_value is not None and self.start_value is not None:
            rising = self.target_value > self.start_value
            if self.direction == Direction.INCREASE and not rising:
                raise ValidationError(
                    {"target_value": _("To increase, the target must be above the start value.")}
                )
            if self.direction == Direction.DECREASE and rising:
                raise ValidationError(
                    {"target_value": _("To decrease, the target must be below the start value.")}
                )

    @property
    def has_check_ins(self) -> bool:
        return self.last_check_in_at is not None

    def needs_check_in(self, now: datetime | None = None) -> bool:
        """No check-in for a week or more (or never, once the cycle and the KR are a week old)."""
        now = now or timezone.now()
        if self.last_check_in_at is None:
            since = self.objective.cycle.start_date
            if self.created_at is not None:
                since = max(since, timezone.localdate(self.created_at))
            return since <= (now - CHECK_IN_STALE_AFTER).date()
        return self.last_check_in_at <= now - CHECK_IN_STALE_AFTER

    def calculated_progress(self) -> float:
        """Progress computed from this row alone, without the stored rollup."""
        return self.progress_at(self.current_value)

    def progress_at(self, value: Decimal | None) -> float:
        """The progress this key result would have at ``value``."""
        return key_result_progress(
            metric_type=self.metric_type,
            direction=self.direction,
            start=self.start_value,
            target=self.target_value,
            current=value,
        )

    def calculated_status(self, on: date | None = None) -> str:
        return progress_status(
            self.calculated_progress(),
            self.objective.cycle.expected_progress(on),
            started=self.has_check_ins,
        )


class CheckIn(models.Model):
    """One report on a key result: its value, the owner's confidence and what blocks it."""

    class Visibility:
        units = ("key_result__objective__unit_id",)

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by a person")
        KPI = "kpi", _("Taken from the driving KPI")
        IMPORT = "import", _("Imported")
        API = "api", _("Sent through the API")

    key_result = models.ForeignKey(
        KeyResult,
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="check_ins",
        db_index=False,  # check_in_latest_per_kr starts with it
    )
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    confidence = models.PositiveSmallIntegerField(_("confidence"), validators=confidence_validators)
    note = models.TextField(_("note"), blank=True, help_text=_("Progress, blockers, next steps."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
        help_text=_("Empty when the system checked in, e.g. from a KPI."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    from_measurement = models.ForeignKey(
        "kpis.Measurement",
        verbose_name=_("from measurement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_ins",
        help_text=_("The KPI measurement this check-in took its value from."),
    )
    created_at = models.DateTimeField(_("checked in"), default=timezone.now, db_index=False)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=10),
                name="check_in_confidence_0_to_10",
                violation_error_message=_("Confidence runs from 0 to 10."),
            ),
        ]
        indexes = [
            models.Index(fields=["key_result", "-created_at"], name="check_in_latest_per_kr"),
        ]

    def __str__(self) -> str:
        return f"{self.key_result} · {self.value}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValidationError(_("Check-ins are a record: they cannot be changed once made."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Check-ins are a record: they cannot be deleted."))


class Initiative(models.Model):
    """A project or improvement priority that drives key results: the “how” of the X-matrix."""

    class Visibility:
        units = ("unit_id",)
        people = ("owner",)

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_PROGRESS = "in_progress", _("In progress")
        ON_HOLD = "on_hold", _("On hold")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        "alignment.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_initiatives",
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="initiatives"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    start_date = models.DateField(_("starts"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    key_results = models.ManyToManyField(
        KeyResult,
        through="InitiativeContribution",
        verbose_name=_("key results it drives"),
        related_name="initiatives",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = IntegerVersionField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="initiative_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InitiativeContribution(models.Model):
    """How strongly an initiative drives a key result (the X-matrix correlation mark)."""

    class Strength(models.TextChoices):
        STRONG = "strong", _("Strong")
        WEAK = "weak", _("Weak")

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE
    )
    key_result = models.ForeignKey(
        KeyResult, verbose_name=_("key result"), on_delete=models.CASCADE
    )
    strength = models.CharField(
        _("strength"), max_length=10, choices=Strength.choices, default=Strength.STRONG
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "key_result"],
                name="initiative_contribution_once",
                violation_error_message=_("This initiative is already linked to that key result."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} → {self.key_result}"


class UnitRollup(models.Model):
    """The stored figures of a unit and everything below it for one cycle."""

    unit = models.ForeignKey(
        "alignment.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="rollups",
        db_index=False,  # unit_rollup_one_per_cycle starts with it
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+"
    )
    progress = models.FloatField(_("rollup progress"), null=True, blank=True)
    # The sum and count behind ``progress``, so a parent's rollup adds up its children's.
    progress_sum = models.FloatField(_("sum of progress"), null=True, blank=True)
    progress_count = models.PositiveIntegerField(_("objectives with progress"), default=0)
    alignment_index = models.FloatField(_("alignment index"), null=True, blank=True)
    objective_count = models.PositiveIntegerField(_("objectives"), default=0)
    aligned_count = models.PositiveIntegerField(_("aligned objectives"), default=0)
    on_track_count = models.PositiveIntegerField(_("on track"), default=0)
    at_risk_count = models.PositiveIntegerField(_("at risk"), default=0)
    off_track_count = models.PositiveIntegerField(_("off track"), default=0)
    no_progress_count = models.PositiveIntegerField(_("without progress"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        db_table = "alignment_unitrollup"  # made with the org tree; moved here, table kept
        verbose_name = _("unit rollup")
        verbose_name_plural = _("unit rollups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "cycle"], name="unit_rollup_one_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.cycle}"


class UnitConfidenceWeek(models.Model):
    """The confidence of the check-ins below a unit in one cycle and week, summed and counted."""

    unit = models.ForeignKey(
        "alignment.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="confidence_weeks",
        db_index=False,  # unit_confidence_one_per_week starts with it
    )
    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="+",
        # Read by unit first; SQLite, without statistics, would read a cycle's every week.
        db_index=False,
    )
    week = models.DateField(_("week"), help_text=_("The Monday the week starts on."))
    confidence_sum = models.PositiveIntegerField(_("sum of confidence"))
    check_in_count = models.PositiveIntegerField(_("check-ins"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("weekly confidence of a unit")
        verbose_name_plural = _("weekly confidence of units")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "cycle", "week"], name="unit_confidence_one_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.cycle} · {self.week:%Y-%m-%d}"

    @property
    def confidence(self) -> Decimal:
        """The mean confidence of the week's check-ins, to a tenth."""
        return (Decimal(self.confidence_sum) / self.check_in_count).quantize(Decimal("0.1"))


class KPILink(models.Model):
    """A KPI that leads an objective (moves before it) or guards it (must not breach meanwhile)."""

    class Visibility:
        units = ("kpi__unit_id", "objective__unit_id")

    class Kind(models.TextChoices):
        LEADS = "leads", _("Leads: an early indicator of this objective")
        GUARDS = "guards", _("Guards: must stay healthy while this objective is pursued")

    kpi = models.ForeignKey(
        "kpis.KPI", verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="links"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="kpi_links",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "kpis_kpilink"  # made in the KPI app; moved here, table kept
        verbose_name = _("KPI link")
        verbose_name_plural = _("KPI links")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "objective", "kind"],
                name="kpi_link_once_per_kind",
                violation_error_message=_("This KPI is already linked to that objective this way."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.get_kind_display().split(':')[0].lower()} {self.objective}"


class Intervention(models.Model):
    """Cross-functional action opened when a lead or guard KPI of an objective breaches."""

    class Visibility:
        units = ("kpi__unit_id", "objective__unit_id")
        people = ("assignees",)
        distinct = True

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    kpi = models.ForeignKey(
        "kpis.KPI", verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="interventions"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="interventions",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    trigger_health = models.CharField(
        _("triggered by"),
        max_length=20,
        choices=[(Health.WARNING, Health.WARNING.label), (Health.CRITICAL, Health.CRITICAL.label)],
    )
    trigger_value = models.DecimalField(_("value at trigger"), **VALUE_DIGITS)
    trigger_period = models.DateField(_("period at trigger"))
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        related_name="interventions",
        blank=True,
        db_table="kpis_intervention_assignees",
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recovered_at = models.DateTimeField(
        _("KPI recovered"),
        null=True,
        blank=True,
        help_text=_(
            "When the KPI came back on target; the intervention stays open until resolved."
        ),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(table_name="kpis_historicalintervention")

    class Meta:
        db_table = "kpis_intervention"  # made in the KPI app; moved here, table kept
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "objective"],
                condition=~Q(state="resolved"),
                name="intervention_one_open_per_kpi_and_objective",
                violation_error_message=_(
                    "An intervention is already open for this KPI and objective."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="resolved") | Q(resolved_at__isnull=False),
                name="intervention_resolved_has_time",
                violation_error_message=_(
                    "A resolved intervention needs the time it was resolved."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} → {self.objective} ({self.get_state_display()})"


class InterventionNote(models.Model):
    """One message in an intervention's thread."""

    intervention = models.ForeignKey(
        Intervention, verbose_name=_("intervention"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        db_table = "kpis_interventionnote"  # made in the KPI app; moved here, table kept
        verbose_name = _("intervention note")
        verbose_name_plural = _("intervention notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]
