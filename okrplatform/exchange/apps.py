from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Spreadsheet import and export of a unit's OKRs and KPIs, above the apps it combines."""

    name = "okrplatform.exchange"
    label = "exchange"
    verbose_name = _("Spreadsheet exchange")
