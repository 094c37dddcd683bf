"""URL configuration: the pages, the admin and the sign-in views."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .health import healthz

admin.site.site_header = _("okrplatform administration")
admin.site.site_title = _("okrplatform")
admin.site.index_title = _("Run the organisation")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("okrplatform.api_urls")),
    path("", include("okrplatform.org.urls")),
    path("", include("kpis.urls")),
    path("", include("objectives.urls")),
    path("", include("alignment.urls")),
    path("", include("reviews.urls")),
    path("", include("okrplatform.exchange.urls")),
]
