from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Work to do after a commit, written down in the same transaction and relayed to Celery."""

    name = "okrplatform.outbox"
    label = "outbox"
    verbose_name = _("Outbox")
