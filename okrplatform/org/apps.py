from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The ground floor every app stands on: people, the org tree, roles and access.

    Its label stays ``alignment``, the app these models were first made in, so that the user model
    (``alignment.User``), the tables and the migration history stay as they are.
    """

    name = "okrplatform.org"
    label = "alignment"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Every process that writes (web, worker, beat, commands) must move the API page cache's
        # version, whether or not it ever serves the API.
        from . import api_cache

        api_cache.install()
