from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kpis.signals import measurements_changed


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = _("Objectives and key results")

    def ready(self) -> None:
        # Models are loaded only once the registry is ready: the receiver's imports wait for it.
        from .receivers import follow_kpi_measurements

        measurements_changed.connect(follow_kpi_measurements, dispatch_uid="objectives-follow-kpis")
