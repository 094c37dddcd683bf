"""What the KPI app tells the floors above it, which it does not import."""

from django.dispatch import Signal

# Sent inside the transaction that stored new or changed measurements, after the KPIs' health
# moved, with ``kpi_ids`` (a set, or None for every KPI). Receivers that write do so in the same
# transaction; work for later goes through ``transaction.on_commit`` or a task's
# ``delay_on_commit``.
measurements_changed = Signal()
