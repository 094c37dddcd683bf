"""How objectives hear of what the KPI app below them does."""

from __future__ import annotations

from collections.abc import Collection

from .services import kpi_measurements_followed


def follow_kpi_measurements(sender, *, kpi_ids: Collection[int] | None, **kwargs) -> None:
    kpi_measurements_followed(kpi_ids=kpi_ids)
