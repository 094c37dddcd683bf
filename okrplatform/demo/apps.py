from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo organisation and the generators of large ones, above every app they fill."""

    name = "okrplatform.demo"
    label = "demo"
    verbose_name = _("Demo organisation")
