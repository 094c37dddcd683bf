from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlignmentConfig(AppConfig):
    name = "alignment"
    verbose_name = _("Organisation and alignment")

    def ready(self) -> None:
        # Every process that writes (web, worker, beat, commands) must move the API page cache's
        # version, whether or not it ever serves the API.
        from okrplatform import api_cache

        api_cache.install()
