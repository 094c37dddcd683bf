"""How figures look: a bar with its number, a colour with its words, numbers as people write."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def percent(progress: float | None) -> str:
    """A share as a localised whole percentage, or a dash for “no progress”."""
    if progress is None:
        return "—"
    return _("%(number)s%%") % {"number": number_format(round(progress * 100))}


def status_badge(code: str, label: str) -> SafeString:
    """A coloured badge that always carries its label, so colour is never the only signal."""
    return format_html('<span class="okr-badge okr-badge--{}">{}</span>', code, label)


def progress_bar(progress: float | None, status: str = "", status_label: str = "") -> SafeString:
    if progress is None:
        return format_html(
            '<span class="okr-progress okr-progress--empty">{}</span>', _("No progress yet")
        )
    width = round(max(0.0, min(1.0, progress)) * 100)
    return format_html(
        '<span class="okr-progress" title="{label}">'
        '<span class="okr-progress__track" role="progressbar" aria-valuenow="{width}" '
        'aria-valuemin="0" aria-valuemax="100" aria-label="{label}">'
        '<span class="okr-progress__fill okr-progress__fill--{status}" style="width: {width}%">'
        "</span></span>"
        '<span class="okr-progress__number">{number}</span></span>',
        width=width,
        status=status or "neutral",
        label=status_label,
        number=percent(progress),
    )


def without_trailing_zeros(value: Decimal) -> Decimal:
    """8.4000 as 8.4 and 95.0000 as 95 (never 9.5E+1), the way a person writes them."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def number(value: Decimal | None) -> str:
    """A stored value as people write it: localised, grouped, without trailing zeros."""
    if value is None:
        return "—"
    return number_format(without_trailing_zeros(value), force_grouping=True)


def whole(count: int | None) -> str:
    """A count, localised and grouped (20,000 in English, 20.000 in German)."""
    return number_format(count or 0, force_grouping=True)
