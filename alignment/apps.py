from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlignmentConfig(AppConfig):
    """The frameworks that read OKRs and KPIs together: cascade, X-matrix, strategy map, quality."""

    name = "alignment"
    # ``alignment`` is the org tree's label (it was made there first); tensions keep its tables.
    label = "frameworks"
    verbose_name = _("Alignment and frameworks")
