"""KPIs, their measurements, their links to objectives and the interventions a breach opens."""

from __future__ import annotations

from datetime import date

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alignment.models import Perspective
from objectives.models import VALUE_DIGITS

from .health import Frequency, Health, KPIDirection, kpi_health, period_start, thresholds_in_order


class DataSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("Pushed through the API")
    IMPORT = "import", _("Imported from a spreadsheet")


class KPI(models.Model):
    """An ongoing health metric of a unit, with an owner, a target and two thresholds."""

    class Indicator(models.TextChoices):
        LEAD = "lead", _("Lead: moves before the outcome")
        LAG = "lag", _("Lag: the outcome itself")

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("A stable key that other systems use to send measurements."),
    )
    definition = models.TextField(_("definition"), blank=True, help_text=_("What is counted, how."))
    unit = models.ForeignKey(
        "alignment.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="kpis"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_kpis",
    )
    unit_label = models.CharField(_("unit of measure"), max_length=30, blank=True)
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=KPIDirection.choices,
        default=KPIDirection.HIGHER_IS_BETTER,
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    target = models.DecimalField(_("target"), **VALUE_DIGITS)
    warning_threshold = models.DecimalField(
        _("warning threshold"),
        **VALUE_DIGITS,
        help_text=_("Worse than this, the KPI shows a warning."),
    )
    critical_threshold = models.DecimalField(
        _("critical threshold"),
        **VALUE_DIGITS,
        help_text=_("Worse than this, the KPI is critical."),
    )
    indicator = models.CharField(
        _("lead or lag"), max_length=10, choices=Indicator.choices, default=Indicator.LAG
    )
    perspective = models.CharField(_("BSC perspective"), max_length=20, choices=Perspective.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=DataSource.choices, default=DataSource.MANUAL
    )
    is_active = models.BooleanField(_("active"), default=True)

    # Stored by kpis.rollups from the measurements; never edited by hand.
    latest_value = models.DecimalField(
        _("latest value"), null=True, blank=True, editable=False, **VALUE_DIGITS
    )
    latest_period = models.DateField(_("latest period"), null=True, blank=True, editable=False)
    health = models.CharField(
        _("health"), max_length=20, choices=Health.choices, default=Health.NO_DATA, editable=False
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = IntegerVersionField()
    history = HistoricalRecords(excluded_fields=["latest_value", "latest_period", "health"])

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        direction=KPIDirection.HIGHER_IS_BETTER,
                        critical_threshold__lt=F("warning_threshold"),
                        warning_threshold__lte=F("target"),
                    )
                    | Q(
                        direction=KPIDirection.LOWER_IS_BETTER,
                        critical_threshold__gt=F("warning_threshold"),
                        warning_threshold__gte=F("target"),
                    )
                ),
                name="kpi_thresholds_follow_direction",
                violation_error_message=_(
                    "Thresholds must follow the direction: when higher is better, "
                    "critical < warning ≤ target; when lower is better, "
                    "target ≤ warning < critical."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        values = (self.target, self.warning_threshold, self.critical_threshold)
        if (
            self.direction
            and all(value is not None for value in values)
            and not thresholds_in_order(
                direction=self.direction,
                target=self.target,
                warning=self.warning_threshold,
                critical=self.critical_threshold,
            )
        ):
            if self.direction == KPIDirection.HIGHER_IS_BETTER:
                message = _(
                    "Higher is better here, so the critical threshold must be below the warning "
                    "threshold, and the warning threshold at or below the target."
                )
            else:
                message = _(
                    "Lower is better here, so the critical threshold must be above the warning "
                    "threshold, and the warning threshold at or above the target."
                )
            raise ValidationError({"warning_threshold": message})

    @property
    def indicator_short(self) -> str:
        return _("lead") if self.indicator == self.Indicator.LEAD else _("lag")

    def calculated_health(self, today: date | None = None) -> str:
        """Health computed from this row alone, without the stored evaluation."""
        return kpi_health(
            direction=self.direction,
            frequency=self.frequency,
            warning=self.warning_threshold,
            critical=self.critical_threshold,
            latest_value=self.latest_value,
            latest_period=self.latest_period,
            today=today or timezone.localdate(),
        )


class Measurement(models.Model):
    """The value of a KPI for one period; sending a period again updates it and keeps history."""

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="measurements"
    )
    period = models.DateField(
        _("period"), help_text=_("The first day of the day, week, month or quarter measured.")
    )
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=DataSource.choices, default=DataSource.MANUAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["kpi_id", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period"],
                name="measurement_one_per_kpi_and_period",
                violation_error_message=_(
                    "This KPI already has a value for that period; change that value instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} · {self.period:%Y-%m-%d} · {self.value}"

    def clean(self) -> None:
        # A value for Wednesday of a weekly KPI is that week's value.
        if self.period and self.kpi_id:
            self.period = period_start(self.period, self.kpi.frequency)
        super().clean()


class KPILink(models.Model):
    """A KPI that leads an objective (moves before it) or guards it (must not breach meanwhile)."""

    class Kind(models.TextChoices):
        LEADS = "leads", _("Leads: an early indicator of this objective")
        GUARDS = "guards", _("Guards: must stay healthy while this objective is pursued")

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="links"
    )
    objective = models.ForeignKey(
        "objectives.Objective",
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="kpi_links",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
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

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="interventions"
    )
    objective = models.ForeignKey(
        "objectives.Objective",
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
    history = HistoricalRecords()

    class Meta:
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
        verbose_name = _("intervention note")
        verbose_name_plural = _("intervention notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]
