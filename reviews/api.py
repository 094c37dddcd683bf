"""The REST API of review meetings and decisions."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from alignment.models import Tension
from kpis.api import VisibleKPIField
from kpis.filters import kpis_seen
from kpis.models import KPI
from objectives.api import CycleField, VisibleKeyResultField, VisibleObjectiveField
from objectives.models import Cycle, KeyResult, Objective
from okrplatform.api import (
    CodesField,
    Conflict,
    IdsField,
    Link,
    ModelSerializer,
    NullableInAnswers,
    SelfLink,
    StrictCharField,
)
from okrplatform.filters import IdFilter, KeyOrIdFilter
from okrplatform.org.access import access_for
from okrplatform.org.api import PersonField, UnitField
from okrplatform.org.filters import units_seen

from .forms import DecisionForm, ReviewForm, decision_choices
from .models import Decision, ReviewMeeting
from .services import decision_record, review_plan
from .tensions import tension_decide, tension_raise


class ReviewSerializer(ModelSerializer):
    url = SelfLink(view_name="review-detail")
    unit = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="The code of the unit whose review it is; its agenda covers every unit below.",
    )
    cycle = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The code of the cycle it reviews."
    )
    facilitator = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The username of who runs the meeting; null if nobody was named.",
    )
    participants = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        read_only=True,
        help_text="The usernames of who takes part.",
    )

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
        extra_kwargs = {
            "title": {"help_text": "What the meeting is called."},
            "scheduled_for": {"help_text": "When it meets (ISO 8601, UTC)."},
            "location": {"help_text": "Where it meets, a room or a call link; may be empty."},
            "state": {
                "help_text": "`scheduled`, then `held`, then `closed` (its decisions and "
                "grades are a record then)."
            },
            "what_worked": {"help_text": "The retrospective: what worked; empty until written."},
            "what_did_not": {"help_text": "The retrospective: what did not work."},
            "what_we_change": {"help_text": "The retrospective: what we change next cycle."},
            "closed_at": {"help_text": "When it was closed (ISO 8601, UTC); null while open."},
        }


class DecisionSerializer(ModelSerializer):
    url = SelfLink(view_name="decision-detail")
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="The username of who recorded it."
    )
    kpis = CodesField(
        slug_field="code",
        many=True,
        queryset=KPI.objects.all(),
        required=False,
        help_text="Codes of the KPIs it concerns: it shows on their charts.",
    )
    objectives = IdsField(
        many=True,
        queryset=Objective.objects.all(),
        required=False,
        help_text="Ids of the objectives it concerns, of the review's unit or below.",
    )
    review = NullableInAnswers(
        queryset=ReviewMeeting.objects.all(),
        help_text="The id of the review it was taken in; null for a trade-off decided on a "
        "tension outside a review.",
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
        extra_kwargs = {
            "title": {"help_text": "The decision in one line, e.g. “Second IGBT supplier”."},
            "details": {"help_text": "What was decided and why; may be empty."},
            "decided_on": {"help_text": "The day it was recorded (YYYY-MM-DD)."},
            "created_at": {"help_text": "When it was recorded (ISO 8601, UTC)."},
        }


class ReviewFilter(django_filters.FilterSet):
    unit = KeyOrIdFilter(
        queryset=units_seen,
        label=gettext_lazy("Unit (code or id)"),
        help_text="Reviews of this unit: its code, e.g. `emea`, or its id.",
    )
    cycle = KeyOrIdFilter(
        queryset=Cycle.objects.all(),
        label=gettext_lazy("Cycle (code or id)"),
        help_text="Reviews of this cycle: its code, e.g. `2026-q4`, or its id.",
    )
    state = django_filters.ChoiceFilter(
        choices=ReviewMeeting.State.choices, label=gettext_lazy("State")
    )

    class Meta:
        model = ReviewMeeting
        fields = ["unit", "cycle", "state"]


class TensionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Tension.State.choices, label=gettext_lazy("State"))
    objective = IdFilter(field_name="objective", label=gettext_lazy("Objective (id)"))
    kpi = KeyOrIdFilter(
        queryset=kpis_seen,
        label=gettext_lazy("KPI (code or id)"),
        help_text="Tensions of this KPI: its code, e.g. `emea-delivery-throughput`, or its id.",
    )

    class Meta:
        model = Tension
        fields = ["state", "objective", "kpi"]


class DecisionFilter(django_filters.FilterSet):
    review = django_filters.ModelChoiceFilter(
        queryset=ReviewMeeting.objects.all(),
        help_text="Decisions taken in this review: its id.",
    )
    decided_on = django_filters.DateFilter(help_text="Decisions recorded on this day (YYYY-MM-DD).")

    class Meta:
        model = Decision
        fields = ["review", "decided_on"]


class ReviewPlanSerializer(serializers.Serializer):
    unit = UnitField(help_text="The code of the unit whose review it is.")
    cycle = CycleField(help_text="The code of the cycle it reviews; not a closed one.")
    title = StrictCharField(max_length=200, help_text="What the meeting is called.")
    scheduled_for = serializers.DateTimeField(help_text="When it meets.")
    location = StrictCharField(
        max_length=200, required=False, allow_blank=True, help_text="Where it meets."
    )
    facilitator = PersonField(
        required=False, allow_null=True, help_text="The username of who runs the meeting."
    )
    participants = PersonField(
        many=True, required=False, help_text="The usernames of who takes part."
    )


@extend_schema_view(
    list=extend_schema(summary="Review meetings of the units you see"),
    retrieve=extend_schema(summary="A review meeting"),
    create=extend_schema(
        summary="Plan a review meeting (managers of its unit)",
        description="As the page `/reviews/new/` plans it: its agenda builds itself from the "
        "data of the unit and everything below it.",
        request=ReviewPlanSerializer,
        responses={201: ReviewSerializer},
        examples=[
            OpenApiExample(
                "The quarterly review of EMEA",
                value={
                    "unit": "emea",
                    "cycle": "2026-q4",
                    "title": "EMEA quarterly review Q4 2026",
                    "scheduled_for": "2026-12-18T14:00:00Z",
                    "location": "Munich, room 4.12",
                    "facilitator": "jonas",
                    "participants": ["jonas", "lukas", "anna"],
                },
                request_only=True,
            )
        ],
    ),
)
class ReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ReviewMeeting.objects.none()  # for the schema; get_queryset() answers
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["scheduled_for", "id"]
    ordering = ["id"]
    object_permissions = {"default": "reviews.see_review"}

    def get_queryset(self) -> QuerySet[ReviewMeeting]:
        reviews = ReviewMeeting.objects.select_related(
            "unit", "cycle", "facilitator"
        ).prefetch_related("participants")
        return access_for(self.request.user).restrict(reviews)

    def create(self, request, *args, **kwargs) -> Response:
        body = ReviewPlanSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        plan = body.validated_data
        if not request.user.has_perm("alignment.manage_unit", plan["unit"]):
            raise PermissionDenied(
                _("Only a manager of %(unit)s plans its reviews.") % {"unit": plan["unit"]}
            )
        # The same form as the page, so that the same rules hold (no closed cycle, …).
        facilitator = plan.get("facilitator")
        form = ReviewForm(
            {
                "unit": plan["unit"].pk,
                "cycle": plan["cycle"].pk,
                "title": plan["title"],
                "scheduled_for": plan["scheduled_for"],  # the form takes the moment as it is
                "location": plan.get("location", ""),
                "facilitator": facilitator.pk if facilitator else "",
                "participants": [person.pk for person in plan.get("participants", [])],
            },
            user=request.user,
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        review = review_plan(form=form)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=review.pk)).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(summary="Decisions of the reviews you see"),
    retrieve=extend_schema(summary="A decision"),
    create=extend_schema(
        summary="Record a decision taken in a review (its managers and facilitator)",
        description="Only in a review that is not closed; its KPIs and objectives must belong "
        "to the review's unit or a unit below it.",
        examples=[
            OpenApiExample(
                # Review 3 of the demo organisation (`manage.py load_demo`): EMEA's quarterly
                # review of the current quarter, not held yet.
                "Volume first at peak",
                value={
                    "review": 3,
                    "title": "Hold throughput through the peak weeks",
                    "details": "Cost per parcel may run 3% over plan until the end of December.",
                    "kpis": ["emea-delivery-throughput", "emea-last-mile-cost"],
                    "objectives": [15],
                },
                request_only=True,
            )
        ],
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
    filterset_class = DecisionFilter
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
        except DjangoValidationError as error:  # the review is closed: what exists stands
            raise Conflict(error.messages[0]) from None
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


class TensionSerializer(ModelSerializer):
    url = SelfLink(view_name="tension-detail")
    objective = VisibleObjectiveField(
        queryset=Objective.objects.all(), help_text="The id of the objective in tension."
    )
    objective_url = Link(
        source="objective",
        view_name="objective-detail",
        read_only=True,
        help_text="The address of the objective in the API.",
    )
    key_result = VisibleKeyResultField(
        queryset=KeyResult.objects.all(),
        required=False,
        allow_null=True,
        help_text="The id of the objective's key result in tension, if it is one of them.",
    )
    kpi = VisibleKPIField(
        slug_field="code",
        queryset=KPI.objects.all(),
        help_text="The code of the KPI that pulls the other way.",
    )
    kpi_url = Link(
        source="kpi",
        view_name="kpi-detail",
        read_only=True,
        help_text="The address of the KPI in the API.",
    )

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
        read_only_fields = ["state", "trade_off", "decision", "created_at", "decided_at"]
        extra_kwargs = {
            "description": {"help_text": "How pursuing the objective pulls against the KPI."},
            "state": {"help_text": "`open` until the trade-off is decided, then `decided`."},
            "trade_off": {"help_text": "The trade-off decided: which side gives way, how far."},
            "decision": {"help_text": "The id of the decision the trade-off was recorded as."},
            "created_at": {"help_text": "When it was recorded."},
            "decided_at": {"help_text": "When the trade-off was decided."},
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        key_result = attrs.get("key_result")
        if key_result is not None and key_result.objective_id != attrs["objective"].pk:
            raise ValidationError(
                {"key_result": _("Choose a key result of the objective this tension concerns.")}
            )
        return attrs


class TradeOffSerializer(serializers.Serializer):
    trade_off = StrictCharField(
        max_length=2000, help_text="Which side gives way, how far, and until when."
    )


@extend_schema_view(
    list=extend_schema(summary="Known conflicts between objectives and KPIs you see"),
    retrieve=extend_schema(summary="A tension"),
    create=extend_schema(
        summary="Record a tension between an objective and a KPI (managers of either side)",
        description="It stays open, and shows among the quality warnings, until a manager of "
        "either side decides the trade-off (`…/decide/`).",
        examples=[
            OpenApiExample(
                "Cost against throughput",
                value={
                    "objective": 17,
                    "kpi": "emea-delivery-throughput",
                    "description": "Cheaper routes mean fewer drops a day at peak.",
                },
                request_only=True,
            )
        ],
    ),
)
class TensionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Tension.objects.none()  # for the schema; get_queryset() answers
    serializer_class = TensionSerializer
    filterset_class = TensionFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["id"]
    object_permissions = {
        "decide": "alignment.decide_tension",
        "default": "alignment.see_tension",
    }

    def get_queryset(self):
        tensions = Tension.objects.select_related("objective", "kpi")
        return access_for(self.request.user).restrict(tensions)

    def perform_create(self, serializer) -> None:
        data = serializer.validated_data
        candidate = Tension(objective=data["objective"], kpi=data["kpi"])
        if not self.request.user.has_perm("alignment.decide_tension", candidate):
            raise PermissionDenied(
                _("Only a manager of the objective's or the KPI's unit records a tension.")
            )
        try:
            serializer.instance = tension_raise(
                objective=data["objective"],
                kpi=data["kpi"],
                key_result=data.get("key_result"),
                description=data["description"],
                by=self.request.user,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None

    @extend_schema(
        request=TradeOffSerializer,
        summary="Decide the trade-off: it becomes a decision on the KPI's chart",
        examples=[
            OpenApiExample(
                "Volume first at peak",
                value={"trade_off": "Throughput wins in December; cost targets resume in Q1."},
                request_only=True,
            )
        ],
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
            if hasattr(error, "error_dict"):
                raise ValidationError(error.message_dict) from None
            raise Conflict(error.messages[0]) from None  # decided meanwhile
        return Response(self.get_serializer(decided).data)
