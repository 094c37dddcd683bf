from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    """Outbound webhooks: what other systems subscribe to, and every delivery to them."""

    name = "okrplatform.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
