from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from okrplatform.admin import HistoryAdmin
from okrplatform.display import status_badge

from .models import Tension


@admin.register(Tension)
class TensionAdmin(HistoryAdmin):
    list_display = ["__str__", "key_result", "state_display", "raised_by", "created_at"]
    list_filter = ["state", ("objective__unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["objective", "kpi", "key_result", "raised_by"]
    search_fields = ["objective__title", "kpi__name", "description", "trade_off"]
    autocomplete_fields = ["objective", "key_result", "kpi", "decision", "raised_by"]

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, tension: Tension):
        code = "at_risk" if tension.state == Tension.State.OPEN else "on_track"
        return status_badge(code, tension.get_state_display())
