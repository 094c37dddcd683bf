"""URL configuration: the pages, the admin, the API, sign-in and the health probes."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .accounts.views import admin_login
from .health import healthz
from .readiness import readyz

admin.site.site_header = _("okrplatform administration")
admin.site.site_title = _("okrplatform")
admin.site.index_title = _("Run the organisation")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    path("accounts/", include("okrplatform.accounts.urls")),
    path("oidc/", include("okrplatform.accounts.oidc_urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    # /api/v1/ is the API's canonical address; /api/ stays as its alias for clients written
    # before versions were named. The alias's names sit in a namespace of their own, so that
    # every link in an answer points to /api/v1/.
    path("api/v1/", include("okrplatform.api_urls")),
    path("api/", include(("okrplatform.api_urls", "api"), namespace="api-alias")),
    path("", include("okrplatform.org.urls")),
    path("", include("kpis.urls")),
    path("", include("objectives.urls")),
    path("", include("alignment.urls")),
    path("", include("reviews.urls")),
    path("", include("okrplatform.exchange.urls")),
]
