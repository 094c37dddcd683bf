"""Template tags for KPIs: health badges, trend words with arrows, sparklines."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kpis.health import health_in_a_sentence
from okrplatform.display import number, status_badge

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 3


@register.filter
def in_a_sentence(health: str) -> str:
    """A KPI health code as a word inside a sentence ("went into warning")."""
    return health_in_a_sentence(health)


@register.simple_tag
def health_badge(kpi) -> str:
    return status_badge(kpi.health, kpi.health_words)


@register.simple_tag
def trend_badge(trend) -> str:
    return format_html(
        '<span class="okr-trend okr-trend--{}"><span aria-hidden="true">{}</span> {}</span>',
        trend.code,
        trend.arrow,
        trend.label,
    )


@register.simple_tag
def kpi_value(kpi, value=None) -> str:
    value = kpi.latest_value if value is None else value
    if value is None:
        return "—"
    return f"{number(value)} {kpi.unit_label}".strip()


@register.simple_tag
def sparkline(values: list[Decimal], health: str) -> str:
    """A small inline chart of the recent values, with its words for screen readers."""
    if len(values) < 2:
        return format_html(
            '<span class="text-body-secondary small">{}</span>', _("not enough data")
        )
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    step = (WIDTH - 2 * PAD) / (len(values) - 1)
    points = [
        (PAD + index * step, HEIGHT - PAD - float((value - low) / span) * (HEIGHT - 2 * PAD))
        for index, value in enumerate(values)
    ]
    label = ngettext(
        "%(count)d value, from %(first)s to %(last)s",
        "%(count)d values, from %(first)s to %(last)s",
        len(values),
    ) % {"count": len(values), "first": number(values[0]), "last": number(values[-1])}
    last_x, last_y = points[-1]
    return format_html(
        '<svg class="okr-sparkline okr-sparkline--{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-label="{}"><polyline points="{}" fill="none" stroke-width="2" '
        'stroke-linejoin="round"/><circle cx="{}" cy="{}" r="3"/></svg>',
        health,
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        label,
        " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        f"{last_x:.1f}",
        f"{last_y:.1f}",
    )
