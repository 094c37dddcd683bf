"""KPIs, their measurements, and the Balanced Scorecard perspectives shared with objectives."""

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

from okrplatform.db import VALUE_DIGITS

from .health import (
    Frequency,
    Health,
    KPIDirection,
    health_words,
    kpi_health,
    period_start,
    thresholds_in_order,
)


class Perspective(models.TextChoices):
    """The four Balanced Scorecard perspectives, from outcome to enabler."""

    FINANCIAL = "financial", _("Financial")
    CUSTOMER = "customer", _("Customer")
    INTERNAL_PROCESS = "internal_process", _("Internal process")
    LEARNING_GROWTH = "learning_growth", _("Learning & growth")


class DataSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    API = "api", _("Pushed through the API")
    IMPORT = "import", _("Imported from a spreadsheet")


class KPI(models.Model):
    """An ongoing health metric of a unit, with an owner, a target and two thresholds."""

    class Visibility:
        units = ("unit_id",)
        people = ("owner",)

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

    @property
    def health_words(self) -> str:
        """The health as a person reads it: "Target met" apart from "within tolerance"."""
        return health_words(
            health=self.health,
            direction=self.direction,
            latest_value=self.latest_value,
            target=self.target,
        )

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

    class Visibility:
        units = ("kpi__unit_id",)
        people = ("kpi__owner",)

    kpi = models.ForeignKey(
        KPI,
        verbose_name=_("KPI"),
        on_delete=models.CASCADE,
        related_name="measurements",
        db_index=False,  # measurement_one_per_kpi_and_period starts with it
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
