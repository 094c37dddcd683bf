"""Template tags that draw progress and status the same way everywhere."""

from __future__ import annotations

from django import template

from objectives import display

register = template.Library()


@register.simple_tag
def progress_bar(thing) -> str:
    """A progress bar with its number, for anything with progress and status."""
    return display.progress_bar(thing.progress, thing.status, thing.get_status_display())


@register.simple_tag
def status_badge(thing) -> str:
    return display.status_badge(thing.status, thing.get_status_display())


@register.filter
def percent(share: float | None) -> str:
    return display.percent(share)
