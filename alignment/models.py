"""Known conflicts between what an objective pursues and a KPI that must hold meanwhile."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Tension(models.Model):
    """A known conflict between an objective (or one of its key results) and a KPI."""

    class Visibility:
        units = ("objective__unit_id", "kpi__unit_id")

    class State(models.TextChoices):
        OPEN = "open", _("Open: no trade-off decided")
        DECIDED = "decided", _("Trade-off decided")

    objective = models.ForeignKey(
        "objectives.Objective",
        verbose_name=_("objective"),
        on_delete=models.CASCADE,
        related_name="tensions",
    )
    key_result = models.ForeignKey(
        "objectives.KeyResult",
        verbose_name=_("key result"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tensions",
    )
    kpi = models.ForeignKey(
        "kpis.KPI", verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="tensions"
    )
    description = models.TextField(
        _("description"), help_text=_("How pursuing the objective pulls against the KPI.")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    trade_off = models.TextField(
        _("trade-off decision"),
        blank=True,
        help_text=_("What was decided: which side gives way, and how far."),
    )
    decision = models.ForeignKey(
        "reviews.Decision",
        verbose_name=_("recorded decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tensions",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords(table_name="alignment_historicaltension")

    class Meta:
        db_table = "alignment_tension"  # made with the org tree; moved here, table kept
        verbose_name = _("tension")
        verbose_name_plural = _("tensions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open") | ~Q(trade_off=""),
                name="tension_decided_has_trade_off",
                violation_error_message=_(
                    "A tension can only be marked decided once the trade-off is written down."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective} ↔ {self.kpi}"

    def clean(self) -> None:
        super().clean()
        if (
            self.key_result_id
            and self.objective_id
            and self.key_result.objective_id != self.objective_id
        ):
            raise ValidationError(
                {"key_result": _("Choose a key result of the objective this tension concerns.")}
            )
