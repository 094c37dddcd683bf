"""How a key result's figures read."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from okrplatform.display import number, percent, progress_bar, status_badge, whole

from .progress import MetricType

__all__ = ["key_result_values", "number", "percent", "progress_bar", "status_badge", "whole"]


def key_result_values(key_result) -> SafeString | str:
    """“now → target unit”; yes/no results read as done or not yet."""
    if key_result.metric_type == MetricType.BOOLEAN:
        done = key_result.current_value is not None and key_result.current_value >= 1
        return _("done") if done else _("not yet")
    return format_html(
        "{} → {} {}",
        number(key_result.current_value),
        number(key_result.target_value),
        key_result.unit_label,
    )
