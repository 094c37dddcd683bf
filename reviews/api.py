"""The REST API of review meetings and decisions."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from alignment.models import Tension
from kpis.models import KPI
from objectives.models import Objective
from okrplatform.api import Link, SelfLink
from okrplatform.org.access import access_for

from .forms import DecisionForm, decision_choices
from .models import Decision, ReviewMeeting
from .services import decision_record
from .tensions import tension_decide


class ReviewSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="review-detail")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    cycle = serializers.SlugRelatedField(slug_field="code", read_only=True)
    facilitator = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    participants = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = ReviewMeeting
        fields = [
            "id",
            "url",
            "title",
            "unit",
            "cycle",
            "scheduled_for",
            "location",
            "facilitator",
            "participants",
            "state",
            "what_worked",
            "what_did_not",
            "what_we_change",
            "closed_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="decision-detail")
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    kpis = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=KPI.objects.all(),
        required=False,
        help_text="Codes of the KPIs it concerns: it shows on their charts.",
    )
    objectives = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Objective.objects.all(), required=False
    )
    review = serializers.PrimaryKeyRelatedField(
        queryset=ReviewMeeting.objects.all(), help_text="The review it was taken in."
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "url",
            "review",
            "title",
            "details",
            "decided_by",
            "decided_on",
            "kpis",
            "objectives",
            "created_at",
        ]
        read_only_fields = ["decided_by", "decided_on", "created_at"]


@extend_schema_view(
    list=extend_schema(summary="Review meetings of the units you see"),
    retrieve=extend_schema(summary="A review meeting"),
)
class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ReviewMeeting.objects.none()  # for the schema; get_queryset() answers
    serializer_class = ReviewSerializer
    filterset_fields = ["unit", "cycle", "state"]
    ordering_fields = ["scheduled_for", "id"]
    ordering = ["id"]
    object_permissions = {"default": "reviews.see_review"}

    def get_queryset(self) -> QuerySet[ReviewMeeting]:
        reviews = ReviewMeeting.objects.select_related(
            "unit", "cycle", "facilitator"
        ).prefetch_related("participants")
        return access_for(self.request.user).restrict(reviews)


@extend_schema_view(
    list=extend_schema(summary="Decisions of the reviews you see"),
    retrieve=extend_schema(summary="A decision"),
    create=extend_schema(
        summary="Record a decision taken in a review (its managers and facilitator)"
    ),
)
class DecisionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Decision.objects.none()  # for the schema; get_queryset() answers
    serializer_class = DecisionSerializer
    filterset_fields = ["review", "decided_on"]
    ordering_fields = ["decided_on", "id"]
    ordering = ["id"]
    object_permissions = {}

    def get_queryset(self) -> QuerySet[Decision]:
        decisions = Decision.objects.select_related("decided_by", "review").prefetch_related(
            "kpis", "objectives"
        )
        return access_for(self.request.user).restrict(decisions)

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = serializer.validated_data["review"]
        if not request.user.has_perm("reviews.record_decision", review):
            raise PermissionDenied(_("Only the managers and the facilitator record decisions."))
        # The same form as the meeting's page: objectives and KPIs of the review's unit only.
        form = DecisionForm(
            {
                "title": serializer.validated_data["title"],
                "details": serializer.validated_data.get("details", ""),
                "objectives": [o.pk for o in serializer.validated_data.get("objectives", [])],
                "kpis": [k.pk for k in serializer.validated_data.get("kpis", [])],
            },
            **decision_choices(review),
        )
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        try:
            decision = decision_record(review=review, by=request.user, form=form)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"review": error.messages}) from None
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


class TensionSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="tension-detail")
    objective_url = Link(source="objective", view_name="objective-detail", read_only=True)
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kpi_url = Link(source="kpi", view_name="kpi-detail", read_only=True)

    class Meta:
        model = Tension
        fields = [
            "id",
            "url",
            "objective",
            "objective_url",
            "key_result",
            "kpi",
            "kpi_url",
            "description",
            "state",
            "trade_off",
            "decision",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class TradeOffSerializer(serializers.Serializer):
    trade_off = serializers.CharField(
        max_length=2000, help_text="Which side gives way, how far, and until when."
    )


@extend_schema_view(
    list=extend_schema(summary="Known conflicts between objectives and KPIs you see"),
    retrieve=extend_schema(summary="A tension"),
)
class TensionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Tension.objects.none()  # for the schema; get_queryset() answers
    serializer_class = TensionSerializer
    filterset_fields = ["state", "objective", "kpi"]
    ordering_fields = ["created_at", "id"]
    ordering = ["id"]
    object_permissions = {
        "decide": "alignment.decide_tension",
        "default": "alignment.see_tension",
    }

    def get_queryset(self):
        tensions = Tension.objects.select_related("objective", "kpi")
        return access_for(self.request.user).restrict(tensions)

    @extend_schema(
        request=TradeOffSerializer,
        summary="Decide the trade-off: it becomes a decision on the KPI's chart",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None) -> Response:
        tension = self.get_object()
        body = TradeOffSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            decided = tension_decide(
                tension=tension, by=request.user, trade_off=body.validated_data["trade_off"]
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return Response(self.get_serializer(decided).data)
