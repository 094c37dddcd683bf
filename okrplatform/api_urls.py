"""The REST API under /api/: every resource, its OpenAPI schema and browsable docs."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from alignment.api import CycleViewSet, UnitSummaryView
from kpis.api import MeasurementViewSet
from objectives.api import (
    CheckInViewSet,
    InitiativeViewSet,
    InterventionViewSet,
    KeyResultViewSet,
    KPILinkViewSet,
    KPIWithConflictsViewSet,
    ObjectiveViewSet,
)
from okrplatform.exchange.api import OrgUnitWithExportViewSet, SpreadsheetImportView
from okrplatform.org.api_views import MembershipViewSet, PersonViewSet
from okrplatform.webhooks.api import WebhookSubscriptionViewSet
from reviews.api import DecisionViewSet, ReviewViewSet, TensionViewSet


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: YAML by default, JSON with ``?format=json`` or ``Accept``."""

    def perform_content_negotiation(self, request, force=False):
        wanted = request.query_params.get("format")
        if wanted:
            renderers = [renderer for renderer in self.get_renderers() if renderer.format == wanted]
            plain = [
                r for r in renderers if r.media_type in {"application/json", "application/yaml"}
            ]
            if plain or renderers:
                renderer = (plain or renderers)[0]
                return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)


docs_view = SpectacularSwaggerView.as_view(url_name="api_schema")
if not settings.API_DOCS_PUBLIC:
    docs_view = login_required(docs_view)  # people in a browser are sent to sign in


class Router(DefaultRouter):
    include_format_suffixes = False  # one URL per resource: JSON, as the schema says


router = Router()
router.register("org-units", OrgUnitWithExportViewSet, basename="orgunit")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("people", PersonViewSet, basename="person")
router.register("cycles", CycleViewSet, basename="cycle")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("key-results", KeyResultViewSet, basename="keyresult")
router.register("check-ins", CheckInViewSet, basename="checkin")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("kpis", KPIWithConflictsViewSet, basename="kpi")
router.register("kpi-links", KPILinkViewSet, basename="kpilink")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("interventions", InterventionViewSet, basename="intervention")
router.register("tensions", TensionViewSet, basename="tension")
router.register("reviews", ReviewViewSet, basename="review")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhooksubscription")


@csrf_exempt
def not_found(request: HttpRequest, path: str) -> JsonResponse:
    """Anything else under /api/ answers in JSON too, as a client of the API expects."""
    return JsonResponse({"detail": _("There is no such resource in the API.")}, status=404)


urlpatterns = [
    path("org-units/<int:pk>/summary/", UnitSummaryView.as_view(), name="api_unit_summary"),
    path("imports/okrs/", SpreadsheetImportView.as_view(), name="api_okr_import"),
    path("schema/", SchemaView.as_view(), name="api_schema"),
    path("docs/", docs_view, name="api_docs"),
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*)$", not_found),
]
