"""The REST API of objectives, key results, check-ins and initiatives.

Writes go through the same rules and services as the pages: rollups follow after commit,
check-ins are a record (created, never changed), archived objectives stay in history: the list
with ``archived=true`` holds them and ``restore`` brings them back.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response

from kpis.api import KPISerializer, KPIViewSet, VisibleKPIField
from kpis.filters import kpis_seen
from kpis.models import KPI
from okrplatform.api import (
    ChoiceLabel,
    Conflict,
    IntegerKey,
    KeyField,
    Link,
    ModelSerializer,
    NumberField,
    SelfLink,
    StrictCharField,
    VersionedSerializer,
    as_saved,
    reaches_archived,
)
from okrplatform.filters import IdFilter, KeyOrIdFilter
from okrplatform.org.access import access_for
from okrplatform.org.api import PersonField, UnitField
from okrplatform.org.api_cache import CachedListMixin
from okrplatform.org.models import OrgUnit

from .conflicts import possible_conflicts
from .filters import (
    CheckInFilter,
    InitiativeFilter,
    InterventionFilter,
    KeyResultFilter,
    ObjectiveFilter,
)
from .interventions import intervention_acknowledge, intervention_add_note, intervention_resolve
from .models import CheckIn, Cycle, Initiative, Intervention, KeyResult, KPILink, Objective
from .progress import Status
from .services import (
    check_in_record,
    key_result_delete,
    key_result_store,
    kpi_link_create,
    kpi_link_delete,
    objective_archive,
    objective_restore,
    objective_store,
)


class PossibleConflictSerializer(serializers.Serializer):
    objective = serializers.IntegerField(
        source="objective.pk", help_text="The id of the objective that improved."
    )
    objective_title = StrictCharField(source="objective.title", help_text="Its title.")
    kpi = StrictCharField(
        source="kpi.code", help_text="The code of the guard KPI that worsened meanwhile."
    )
    kpi_name = StrictCharField(source="kpi.name", help_text="Its name.")
    progress_then = serializers.FloatField(
        help_text="The objective's progress (0–1) four weeks ago, from the check-ins by then."
    )
    progress_now = serializers.FloatField(help_text="The objective's progress (0–1) now.")
    kpi_then = NumberField(
        max_digits=20,
        decimal_places=4,
        help_text="The KPI's value four weeks ago (its latest period by then).",
    )
    kpi_now = NumberField(max_digits=20, decimal_places=4, help_text="The KPI's latest value.")


class _PageAtOnce(serializers.ListSerializer):
    """Works out what the rows of a whole page need at once (``prepare_page``), not row by
    row."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        self.child.prepare_page(rows)
        return super().to_representation(rows)


class WithPossibleConflicts(serializers.Serializer):
    """Adds ``possible_conflicts``: the "possible conflict" the objective and KPI pages show —
    the objective improved over the last four weeks while a KPI guarding it worsened. A page of
    them is worked out at once by ``_PageAtOnce`` (the ``list_serializer_class``)."""

    possible_conflicts = serializers.SerializerMethodField(
        help_text="Guard links where, over the last four weeks, the objective improved while "
        "the KPI worsened (beyond noise: half a point of progress, 1% of the KPI's value). "
        "Empty when there is none."
    )
    conflict_key = "objective"  # each row is an objective; "kpi": each row is a KPI

    def prepare_page(self, rows: list) -> None:
        self.context["conflicts"] = self.conflicts_for(rows)

    def conflicts_for(self, rows: list) -> dict[int, list]:
        if "request" not in self.context:  # whose visibility to apply is unknown: none shown
            return {}
        ids = [row.pk for row in rows]
        if self.conflict_key == "objective":
            links = KPILink.objects.filter(objective_id__in=ids)
        else:
            # The guard links alone first: a page with none reads no objective or check-in, so
            # a check-in elsewhere leaves it in the API cache (its versions follow the tables
            # read).
            if not KPILink.objects.filter(kind=KPILink.Kind.GUARDS, kpi_id__in=ids).exists():
                return {}
            links = KPILink.objects.filter(kpi_id__in=ids)
        access = access_for(self.context["request"].user)
        by_row: dict[int, list] = {}
        for found in possible_conflicts(links, access=access, known=rows):
            by_row.setdefault(getattr(found, self.conflict_key).pk, []).append(found)
        return by_row

    @extend_schema_field(PossibleConflictSerializer(many=True))
    def get_possible_conflicts(self, row) -> list[dict]:
        conflicts = self.context.get("conflicts")
        if conflicts is None:  # one object, not a page
            conflicts = self.conflicts_for([row])
        found = conflicts.get(row.pk)
        # Most rows have none: a serializer built for each of them cost more than the row.
        return PossibleConflictSerializer(found, many=True).data if found else []


class GradeSerializer(serializers.Serializer):
    score = serializers.FloatField(
        min_value=0, max_value=1, help_text="The grade from 0.0 to 1.0, a JSON number, e.g. 0.7."
    )
    is_success = serializers.BooleanField(
        required=False,
        help_text="Objectives only: whether the score reaches the success mark (0.7 for "
        "aspirational, 1.0 for committed objectives).",
    )
    miss_cause = StrictCharField(
        required=False,
        allow_blank=True,
        help_text="Objectives only: why it was missed — `execution` (not delivered) or "
        "`strategy` (delivered, the outcome did not move); empty when it succeeded or none "
        "was given.",
    )
    reason = StrictCharField(
        allow_blank=True, help_text="Why this grade, in the reviewer's words; may be empty."
    )


class CycleField(KeyField):
    help = "The cycle's code, e.g. 2026-q4."

    def choices(self) -> QuerySet:
        return Cycle.objects.all()


class VisibleObjectiveField(IntegerKey, serializers.PrimaryKeyRelatedField):
    """An objective by its id, among those the person sees: any other does not exist for them."""

    def get_queryset(self):
        request = self.context.get("request")
        objectives = super().get_queryset()
        return access_for(request.user).restrict(objectives) if request is not None else objectives


class VisibleKeyResultField(IntegerKey, serializers.PrimaryKeyRelatedField):
    """A key result by its id, among those the person sees."""

    def get_queryset(self):
        request = self.context.get("request")
        key_results = super().get_queryset()
        if request is None:
            return key_results
        return access_for(request.user).restrict(key_results)


class ObjectiveSerializer(WithPossibleConflicts, VersionedSerializer):
    url = SelfLink(view_name="objective-detail")
    unit = UnitField()
    unit_url = Link(
        source="unit",
        view_name="orgunit-detail",
        read_only=True,
        help_text="The address of its unit in the API.",
    )
    cycle = CycleField()
    cycle_url = Link(
        source="cycle",
        view_name="cycle-detail",
        read_only=True,
        help_text="The address of its cycle in the API.",
    )
    owner = PersonField(help_text="The username of the person who answers for it, e.g. `lukas`.")
    parent = VisibleObjectiveField(
        queryset=Objective.objects.all(),
        required=False,
        allow_null=True,
        help_text="The id of the objective one level up this one aligns to.",
    )
    parent_url = Link(
        source="parent",
        view_name="objective-detail",
        read_only=True,
        allow_null=True,
        help_text="The address of the objective it aligns to; null at the top.",
    )
    key_results = Link(
        source="key_result_refs",  # set by prepare_page
        many=True,
        read_only=True,
        view_name="keyresult-detail",
        help_text="The addresses of its key results, in the order they were added.",
    )
    progress = serializers.FloatField(
        read_only=True, allow_null=True, help_text="0 to 1; null while nothing is measured."
    )
    status_label = ChoiceLabel(
        Status, source="status", help_text="The status in words, in the reader's language."
    )
    expected_progress = serializers.SerializerMethodField(
        help_text="The elapsed share of the cycle, 0 to 1."
    )
    is_aligned = serializers.BooleanField(
        read_only=True,
        help_text="Whether it contributes to the strategy: it aligns to an objective one "
        "level up (or is a top-level objective itself). Computed by the rollups.",
    )
    archived = serializers.SerializerMethodField(
        help_text="Archived objectives (`DELETE`) leave every figure and their own route; the "
        "list with `archived=true` holds them and `POST …/restore/` brings them back."
    )
    grade = serializers.SerializerMethodField(
        help_text="The final grade given at the close of its cycle; null until graded."
    )

    class Meta:
        model = Objective
        fields = [
            "id",
            "url",
            "title",
            "description",
            "unit",
            "unit_url",
            "cycle",
            "cycle_url",
            "owner",
            "level",
            "kind",
            "perspective",
            "parent",
            "parent_url",
            "progress_source",
            "weight",
            "key_results",
            "progress",
            "status",
            "status_label",
            "expected_progress",
            "is_aligned",
            "catchball",
            "deployed_from",
            "archived",
            "grade",
            "possible_conflicts",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["status", "catchball", "deployed_from", "created_at", "updated_at"]
        list_serializer_class = _PageAtOnce
        extra_kwargs = {
            "title": {"help_text": "What the objective sets out to achieve, in one sentence."},
            "description": {"help_text": "Why it matters and what is in scope; may be empty."},
            "level": {
                "help_text": "`breakthrough` (multi-year, in a plan cycle), `annual` (in a "
                "year) or `quarterly` (in a quarter)."
            },
            "kind": {
                "help_text": "`committed` (expected in full: success at a grade of 1.0) or "
                "`aspirational` (a stretch: success at 0.7)."
            },
            "perspective": {
                "help_text": "The Balanced Scorecard perspective: `financial`, `customer`, "
                "`internal_process` or `learning_growth`."
            },
            "progress_source": {
                "help_text": "Where its progress comes from: `key_results` (their weighted "
                "progress) or `children` (the objectives aligned to it)."
            },
            "weight": {
                "help_text": "How much it counts in its parent's progress: greater than zero, "
                "a JSON number or a decimal string, e.g. `1.00`.",
                "error_messages": {"min_value": _("The weight must be greater than zero.")},
            },
            "status": {
                "help_text": "Its progress against the time elapsed in its cycle: `on_track`, "
                "`at_risk`, `off_track`, `not_started` or `no_progress`. Computed."
            },
            "catchball": {
                "help_text": "Where its negotiation with the unit above stands: `none`, "
                "`proposed`, `returned` or `agreed`. Changed on the pages only."
            },
            "deployed_from": {
                "help_text": "The id of the objective this one is a local copy of (deployed "
                "to this unit); null when it is not a copy."
            },
            "created_at": {"help_text": "When it was created (ISO 8601, UTC)."},
            "updated_at": {
                "help_text": "When it was last changed (ISO 8601, UTC); `updated_since` filters "
                "by it."
            },
        }

    def prepare_page(self, rows: list[Objective]) -> None:
        super().prepare_page(rows)
        # The ids of the page's key results, read at once: a prefetch builds a queryset for
        # every row, which cost more than the rest of the row.
        refs: dict[int, list[PKOnlyObject]] = {row.pk: [] for row in rows}
        key_results = KeyResult.objects.filter(objective__in=list(refs)).order_by("pk")
        for objective_id, pk in key_results.values_list("objective_id", "pk"):
            refs[objective_id].append(PKOnlyObject(pk))
        for row in rows:
            row.key_result_refs = refs[row.pk]

    def to_representation(self, objective: Objective):
        if not hasattr(objective, "key_result_refs"):  # one object, not a page
            self.prepare_page([objective])
        return super().to_representation(objective)

    def get_expected_progress(self, objective: Objective) -> float:
        # A page holds a handful of cycles: worked out once per cycle, not per row.
        known = self.__dict__.setdefault("_expected_by_cycle", {})
        if objective.cycle_id not in known:
            known[objective.cycle_id] = round(objective.cycle.expected_progress(), 4)
        return known[objective.cycle_id]

    def get_archived(self, objective: Objective) -> bool:
        return objective.is_archived

    @extend_schema_field(GradeSerializer(allow_null=True))
    def get_grade(self, objective: Objective) -> dict | None:
        # The grade is given in reviews, a floor above: read through the relation it declares.
        grade = getattr(objective, "grade", None)
        if grade is None:
            return None
        return {
            "score": grade.score,
            "is_success": grade.is_success,
            "miss_cause": grade.miss_cause,
            "reason": grade.reason,
        }

    def validate_cycle(self, cycle: Cycle) -> Cycle:
        if cycle.is_closed and (self.instance is None or self.instance.cycle_id != cycle.pk):
            raise serializers.ValidationError(_("This cycle is closed: choose an open one."))
        return cycle

    def validate(self, attrs):
        attrs = super().validate(attrs)
        parent = attrs.get("parent")
        if parent is not None and not self.context["request"].user.has_perm(
            "objectives.see_objective", parent
        ):
            raise serializers.ValidationError({"parent": _("You do not see that objective.")})
        as_saved(Objective, self.instance, attrs)
        return attrs


class KeyResultSerializer(VersionedSerializer):
    url = SelfLink(view_name="keyresult-detail")
    objective_url = Link(
        source="objective",
        view_name="objective-detail",
        read_only=True,
        help_text="The address of its objective in the API.",
    )
    owner = PersonField(help_text="The username of the person who checks in on it, e.g. `anna`.")
    driving_kpi = VisibleKPIField(
        slug_field="code",
        queryset=KPI.objects.all(),
        required=False,
        allow_null=True,
        help_text="The code of the KPI whose measurements this key result takes.",
    )
    progress = serializers.FloatField(read_only=True, help_text="0 to 1.")
    status_label = ChoiceLabel(
        Status, source="status", help_text="The status in words, in the reader's language."
    )
    grade = serializers.SerializerMethodField(
        help_text="The grade given at the close of its cycle (`score`, `reason`); null until "
        "graded."
    )

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "url",
            "objective",
            "objective_url",
            "title",
            "owner",
            "metric_type",
            "unit_label",
            "direction",
            "start_value",
            "target_value",
            "weight",
            "driving_kpi",
            "current_value",
            "confidence",
            "last_check_in_at",
            "progress",
            "status",
            "status_label",
            "grade",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "current_value",
            "confidence",
            "last_check_in_at",
            "status",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "objective": {
                "help_text": "The id of the objective it measures; it stays with it (an update "
                "may not move it)."
            },
            "title": {"help_text": "What is measured, e.g. “Cost per parcel below 7.60 EUR”."},
            "metric_type": {
                "help_text": "`number`, `percentage`, `currency` or `boolean` (yes/no: start 0, "
                "target 1)."
            },
            "unit_label": {
                "help_text": "Shown after the numbers, e.g. `%`, `EUR`, `orders`; may be empty."
            },
            "direction": {
                "help_text": "`increase` or `decrease` (from `start_value` to `target_value`), "
                "`stay_above` or `stay_below` (`target_value` is a threshold to hold)."
            },
            "start_value": {
                "help_text": "The value at the start, as a decimal string; required to "
                "increase or decrease, null otherwise allowed."
            },
            "target_value": {
                "help_text": "The value aimed at (or the threshold to hold), as a decimal string; "
                "to increase or decrease it must differ from the start: above it to increase, "
                "below it to decrease."
            },
            "weight": {
                "help_text": "How much it counts in its objective's progress: greater than "
                "zero, a JSON number or a decimal string, e.g. `1.00`.",
                "error_messages": {"min_value": _("The weight must be greater than zero.")},
            },
            "current_value": {
                "help_text": "The value of its latest check-in (by `checked_in_at`), as a "
                "decimal string; null before the first."
            },
            "confidence": {"help_text": "0 (no chance) to 10 (certain), from the latest check-in."},
            "last_check_in_at": {
                "help_text": "When its latest check-in was true (ISO 8601, UTC); null before "
                "the first."
            },
            "status": {
                "help_text": "Its progress against the time elapsed in the cycle: `on_track`, "
                "`at_risk`, `off_track`, `not_started` or `no_progress`. Computed."
            },
            "created_at": {"help_text": "When it was added (ISO 8601, UTC)."},
            "updated_at": {
                "help_text": "When it was last changed, by an edit or a check-in (ISO 8601, UTC)."
            },
        }

    @extend_schema_field(GradeSerializer(allow_null=True))
    def get_grade(self, key_result: KeyResult) -> dict | None:
        grade = getattr(key_result, "grade", None)
        return None if grade is None else {"score": grade.score, "reason": grade.reason}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and attrs.get("objective", self.instance.objective) != (
            self.instance.objective
        ):
            raise serializers.ValidationError(
                {"objective": _("A key result stays with its objective.")}
            )
        candidate = as_saved(KeyResult, self.instance, attrs)
        # The model settles yes/no results to 0 → 1.
        for field in ("direction", "start_value", "target_value"):
            attrs[field] = getattr(candidate, field)
        return attrs


class CheckInSerializer(ModelSerializer):
    url = SelfLink(view_name="checkin-detail")
    key_result_url = Link(
        source="key_result",
        view_name="keyresult-detail",
        read_only=True,
        help_text="The address of the key result in the API.",
    )
    author = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Empty when the system checked in from a KPI.",
    )
    confidence = serializers.IntegerField(
        min_value=0,
        max_value=10,
        help_text="How likely the target is met: 0 (no chance) to 10 (certain). 3 or less "
        "needs a note.",
    )
    checked_in_at = serializers.DateTimeField(
        source="created_at",
        required=False,
        help_text="When the value was true: leave it out for now, or give an earlier moment "
        "inside the key result's cycle (never in the future, never in a closed cycle) to load "
        "history. Every figure follows this time, not the time the check-in arrived.",
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "url",
            "key_result",
            "key_result_url",
            "value",
            "confidence",
            "note",
            "author",
            "source",
            "checked_in_at",
            "created_at",
        ]
        read_only_fields = ["author", "source", "created_at"]
        extra_kwargs = {
            "created_at": {"help_text": "The same moment as `checked_in_at` (older name)."},
            "key_result": {"help_text": "The id of the key result checked in on."},
            "value": {
                "help_text": "The key result's value at that moment, as a decimal string in its "
                "unit, e.g. `7.84`; for yes/no key results `0` or `1`."
            },
            "note": {
                "help_text": "Progress, blockers, next steps; required when the check-in leaves "
                "it off track or with confidence 3 or less."
            },
            "source": {
                "help_text": "How it arrived: `api`, `manual` (a person on the pages), `kpi` "
                "(taken from the driving KPI) or `import`."
            },
        }


class InitiativeSerializer(VersionedSerializer):
    url = SelfLink(view_name="initiative-detail")
    unit = UnitField()
    cycle = CycleField()
    owner = PersonField(help_text="The username of the person who drives it, e.g. `lukas`.")
    key_results = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="The ids of the key results it drives (linked on the pages).",
    )

    class Meta:
        model = Initiative
        fields = [
            "id",
            "url",
            "title",
            "description",
            "unit",
            "cycle",
            "owner",
            "state",
            "start_date",
            "due_date",
            "key_results",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "title": {"help_text": "The piece of work, e.g. “Dynamic route planning pilot”."},
            "description": {"help_text": "What is done and by whom; may be empty."},
            "state": {"help_text": "`proposed`, `in_progress`, `on_hold`, `done` or `cancelled`."},
            "start_date": {"help_text": "Its first day (YYYY-MM-DD); null if not planned."},
            "due_date": {
                "help_text": "The day it is due (YYYY-MM-DD), not before `start_date`; null if "
                "open-ended."
            },
            "created_at": {"help_text": "When it was added (ISO 8601, UTC)."},
            "updated_at": {"help_text": "When it was last changed (ISO 8601, UTC)."},
        }

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        due = attrs.get("due_date", getattr(self.instance, "due_date", None))
        if start and due and due < start:
            raise serializers.ValidationError(
                {"due_date": _("The due date cannot be before the start date.")}
            )
        return attrs


# The examples name the demo organisation (`manage.py load_demo`): objective 15 is EMEA
# Logistics' “Reduce last-mile delivery cost by 15%” in the current quarter.
OBJECTIVE_EXAMPLE = {
    "title": "Deliver 95% of parcels at the first attempt",
    "description": "Failed first attempts cost a second trip and an unhappy customer.",
    "unit": "emea-last-mile",
    "cycle": "2026-q4",
    "owner": "anna",
    "level": "quarterly",
    "kind": "committed",
    "perspective": "customer",
    "parent": 15,
    "progress_source": "key_results",
    "weight": "1.00",
}
KEY_RESULT_EXAMPLE = {
    "objective": 15,
    "title": "First-attempt delivery rate from 88% to 95%",
    "owner": "anna",
    "metric_type": "percentage",
    "unit_label": "%",
    "direction": "increase",
    "start_value": "88",
    "target_value": "95",
    "weight": "1.00",
    "driving_kpi": None,
}
INITIATIVE_EXAMPLE = {
    "title": "Parcel lockers at ten Rotterdam stations",
    "description": "Lockers take the parcels nobody was home for.",
    "unit": "emea-last-mile",
    "cycle": "2026-q4",
    "owner": "anna",
    "state": "proposed",
    "start_date": "2026-11-02",
    "due_date": "2026-12-18",
}

ARCHIVED_OBJECTIVE_IS_GONE = (
    "An archived objective answers 404 here, as one deleted would: the list with "
    "`archived=true` holds it, and `POST …/restore/` brings it back."
)


@extend_schema_view(
    list=extend_schema(summary="Objectives you see, with their computed figures"),
    retrieve=extend_schema(summary="An objective", description=ARCHIVED_OBJECTIVE_IS_GONE),
    create=extend_schema(
        summary="Create an objective (managers of its unit)",
        examples=[
            OpenApiExample(
                "A team objective aligned to its department's",
                value=OBJECTIVE_EXAMPLE,
                request_only=True,
            )
        ],
    ),
    update=extend_schema(
        summary="Change an objective (send the version you read)",
        description=ARCHIVED_OBJECTIVE_IS_GONE,
        examples=[
            OpenApiExample(
                "Made aspirational",
                value={**OBJECTIVE_EXAMPLE, "kind": "aspirational", "version": 1},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields (send the version you read)",
        description=ARCHIVED_OBJECTIVE_IS_GONE,
        examples=[
            OpenApiExample(
                "Reworded",
                value={"title": "Deliver 96% of parcels at the first attempt", "version": 1},
                request_only=True,
            )
        ],
    ),
    destroy=extend_schema(
        summary="Archive an objective: it leaves every figure and stays in history",
        description=ARCHIVED_OBJECTIVE_IS_GONE,
    ),
)
class ObjectiveViewSet(CachedListMixin, viewsets.ModelViewSet):
    queryset = Objective.objects.none()  # for the schema; get_queryset() answers
    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilter
    ordering_fields = ["title", "progress", "updated_at", "id"]
    ordering = ["id"]
    # A page's rows show their unit and owner by their keys, read with the rows (Pagination).
    keys_on_the_page = {"unit": "code", "owner": "username"}
    object_permissions = {
        "update": "objectives.edit_objective",
        "partial_update": "objectives.edit_objective",
        "destroy": "objectives.edit_objective",
        "restore": "objectives.edit_objective",
        "default": "objectives.see_objective",
    }

    def get_queryset(self) -> QuerySet[Objective]:
        if self.action == "list":  # the units and owners are in keys_on_the_page
            objectives = Objective.objects.select_related("cycle", "grade")
        else:
            objectives = Objective.objects.select_related("unit", "cycle", "owner", "grade")
        if not reaches_archived(self):
            objectives = objectives.filter(archived_at__isnull=True)
        return access_for(self.request.user).restrict(objectives)

    @transaction.atomic
    def perform_create(self, serializer) -> None:
        unit = serializer.validated_data["unit"]
        if not self.request.user.has_perm("objectives.create_objective_in", unit):
            raise PermissionDenied(
                _("Only a manager of %(unit)s creates its objectives.") % {"unit": unit}
            )
        objective_store(serializer=serializer)

    @transaction.atomic
    def perform_update(self, serializer) -> None:
        unit = serializer.validated_data.get("unit")
        if unit is not None and not self.request.user.has_perm(
            "objectives.create_objective_in", unit
        ):
            raise PermissionDenied(_("You may not move it to %(unit)s.") % {"unit": unit})
        objective_store(serializer=serializer)

    def perform_destroy(self, objective: Objective) -> None:
        objective_archive(objective=objective)

    @extend_schema(
        request=None,
        summary="Bring an archived objective back into the figures",
        description="It answers the objective, archived or not.",
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None) -> Response:
        objective = self.get_object()
        objective_restore(objective=objective)
        objective.refresh_from_db()
        return Response(self.get_serializer(objective).data)


@extend_schema_view(
    list=extend_schema(summary="Key results you see"),
    retrieve=extend_schema(summary="A key result"),
    create=extend_schema(
        summary="Add a key result to an objective (managers)",
        examples=[
            OpenApiExample("A percentage to raise", value=KEY_RESULT_EXAMPLE, request_only=True)
        ],
    ),
    update=extend_schema(
        summary="Change a key result (send the version you read)",
        examples=[
            OpenApiExample(
                "A higher target",
                value={**KEY_RESULT_EXAMPLE, "target_value": "96", "version": 1},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields (send the version you read)",
        examples=[
            OpenApiExample(
                "Counts double", value={"weight": "2.00", "version": 1}, request_only=True
            )
        ],
    ),
    destroy=extend_schema(summary="Remove a key result that has no check-ins yet"),
)
class KeyResultViewSet(CachedListMixin, viewsets.ModelViewSet):
    queryset = KeyResult.objects.none()  # for the schema; get_queryset() answers
    serializer_class = KeyResultSerializer
    filterset_class = KeyResultFilter
    ordering_fields = ["id", "title", "progress", "updated_at"]
    ordering = ["id"]
    object_permissions = {"default": "objectives.see_objective"}

    def get_queryset(self) -> QuerySet[KeyResult]:
        key_results = KeyResult.objects.select_related(
            "owner", "driving_kpi", "grade", "objective__cycle", "objective__unit"
        )
        return access_for(self.request.user).restrict(key_results)

    def check_object_permissions(self, request, key_result: KeyResult) -> None:
        super().check_object_permissions(request, key_result.objective)
        if self.action in {"update", "partial_update", "destroy"} and not request.user.has_perm(
            "objectives.edit_objective", key_result.objective
        ):
            self.permission_denied(request, _("Only a manager of its unit changes it."))

    def _require_editable(self, objective: Objective) -> None:
        if not self.request.user.has_perm("objectives.edit_objective", objective):
            raise PermissionDenied(_("Only a manager of its unit changes its key results."))

    @transaction.atomic
    def perform_create(self, serializer) -> None:
        self._require_editable(serializer.validated_data["objective"])
        key_result_store(serializer=serializer)

    def perform_update(self, serializer) -> None:
        key_result_store(serializer=serializer)

    def perform_destroy(self, key_result: KeyResult) -> None:
        try:
            key_result_delete(key_result=key_result)
        except ValidationError as error:
            raise Conflict(error.messages[0]) from None


@extend_schema_view(
    list=extend_schema(summary="Check-ins on the key results you see, newest first"),
    retrieve=extend_schema(summary="A check-in"),
    create=extend_schema(
        summary="Check in on a key result",
        description="A check-in is a record: it is never changed or deleted. One that leaves "
        "the key result off track, or with confidence 3 or less, needs a note. "
        "`checked_in_at` loads history: an earlier moment inside the cycle, never in the "
        "future and never in a closed cycle; the key result's current value is its latest "
        "check-in by that time, whatever order they arrive in.",
        examples=[
            OpenApiExample(
                "A check-in now",
                value={"key_result": 42, "value": "120", "confidence": 7, "note": "Route B live."},
                request_only=True,
            ),
            OpenApiExample(
                "A week of history",
                value={
                    "key_result": 42,
                    "value": "80",
                    "confidence": 6,
                    "note": "First dense routes.",
                    "checked_in_at": "2026-10-12T09:00:00Z",
                },
                request_only=True,
            ),
        ],
    ),
)
class CheckInViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = CheckIn.objects.none()  # for the schema; get_queryset() answers
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    object_permissions = {}

    def get_queryset(self) -> QuerySet[CheckIn]:
        check_ins = CheckIn.objects.select_related("author", "key_result")
        return access_for(self.request.user).restrict(check_ins)

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key_result = KeyResult.objects.select_related("objective__cycle", "objective__unit").get(
            pk=serializer.validated_data["key_result"].pk
        )
        if not request.user.has_perm("objectives.check_in", key_result):
            raise PermissionDenied(_("You may not check in on this key result."))
        data = serializer.validated_data
        try:
            recorded = check_in_record(
                key_result=key_result,
                author=request.user,
                value=data["value"],
                confidence=data["confidence"],
                note=data.get("note", ""),
                source=CheckIn.Source.API,
                at=data.get("created_at"),
            )
        except ValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return Response(self.get_serializer(recorded.check_in).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Initiatives of the units you see"),
    retrieve=extend_schema(summary="An initiative"),
    create=extend_schema(
        summary="Start an initiative (managers of its unit)",
        examples=[OpenApiExample("A pilot", value=INITIATIVE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Change an initiative (send the version you read)",
        examples=[
            OpenApiExample(
                "Under way, due later",
                value={
                    **INITIATIVE_EXAMPLE,
                    "state": "in_progress",
                    "due_date": "2027-01-29",
                    "version": 1,
                },
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields (send the version you read)",
        examples=[
            OpenApiExample("On hold", value={"state": "on_hold", "version": 1}, request_only=True)
        ],
    ),
    destroy=extend_schema(summary="Delete an initiative (managers of its unit)"),
)
class InitiativeViewSet(viewsets.ModelViewSet):
    queryset = Initiative.objects.none()  # for the schema; get_queryset() answers
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    ordering_fields = ["title", "due_date", "updated_at", "id"]
    ordering = ["id"]
    object_permissions = {"default": None}

    def get_queryset(self) -> QuerySet[Initiative]:
        initiatives = Initiative.objects.select_related("unit", "cycle", "owner").prefetch_related(
            "key_results"
        )
        return access_for(self.request.user).restrict(initiatives)

    def check_object_permissions(self, request, initiative: Initiative) -> None:
        super().check_object_permissions(request, initiative)
        if self.action not in {"retrieve"} and not request.user.has_perm(
            "alignment.manage_unit", initiative.unit
        ):
            self.permission_denied(request, _("Only a manager of its unit changes it."))

    def _require_manager(self, unit: OrgUnit) -> None:
        if not self.request.user.has_perm("alignment.manage_unit", unit):
            raise PermissionDenied(_("Only a manager of %(unit)s does that.") % {"unit": unit})

    def perform_create(self, serializer) -> None:
        self._require_manager(serializer.validated_data["unit"])
        serializer.save()

    def perform_update(self, serializer) -> None:
        if "unit" in serializer.validated_data:
            self._require_manager(serializer.validated_data["unit"])
        serializer.save()


class InterventionSerializer(ModelSerializer):
    url = SelfLink(view_name="intervention-detail")
    kpi = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The code of the KPI that breached."
    )
    kpi_url = Link(
        source="kpi",
        view_name="kpi-detail",
        read_only=True,
        help_text="The address of the KPI in the API.",
    )
    objective_url = Link(
        source="objective",
        view_name="objective-detail",
        read_only=True,
        help_text="The address of the objective in the API.",
    )
    assignees = serializers.SlugRelatedField(
        slug_field="username",
        many=True,
        read_only=True,
        help_text="The usernames of who works on it: the KPI's owner and the objective's owner.",
    )

    class Meta:
        model = Intervention
        fields = [
            "id",
            "url",
            "kpi",
            "kpi_url",
            "objective",
            "objective_url",
            "state",
            "trigger_health",
            "trigger_value",
            "trigger_period",
            "assignees",
            "opened_at",
            "acknowledged_at",
            "recovered_at",
            "resolved_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "objective": {"help_text": "The id of the objective the KPI leads or guards."},
            "state": {
                "help_text": "`open`, then `acknowledged` (someone is on it), then `resolved`."
            },
            "trigger_health": {
                "help_text": "The KPI's health that opened it: `warning` or `critical`."
            },
            "trigger_value": {
                "help_text": "The KPI's value that opened it, as a decimal string in the KPI's "
                "unit."
            },
            "trigger_period": {
                "help_text": "The first day of the KPI's period that opened it (YYYY-MM-DD)."
            },
            "opened_at": {"help_text": "When it was opened (ISO 8601, UTC)."},
            "acknowledged_at": {"help_text": "When someone said they are on it; null until then."},
            "recovered_at": {
                "help_text": "When the KPI came back on target; null while it has not. It "
                "stays open until resolved."
            },
            "resolved_at": {"help_text": "When it was resolved; null while it is not."},
        }


class NoteSerializer(serializers.Serializer):
    text = StrictCharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text="A closing note, up to 4,000 characters; may be left out.",
    )


class NewNoteSerializer(serializers.Serializer):
    text = StrictCharField(
        max_length=4000, help_text="The note, up to 4,000 characters, for everyone assigned."
    )


@extend_schema_view(
    list=extend_schema(summary="Interventions you see"),
    retrieve=extend_schema(summary="An intervention"),
)
class InterventionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Intervention.objects.none()  # for the schema; get_queryset() answers
    serializer_class = InterventionSerializer
    ordering_fields = ["opened_at", "id"]
    ordering = ["-opened_at", "-id"]
    filterset_class = InterventionFilter
    object_permissions = {
        "acknowledge": "kpis.work_on_intervention",
        "notes": "kpis.work_on_intervention",
        "resolve": "kpis.work_on_intervention",
        "default": "kpis.see_intervention",
    }

    def get_queryset(self) -> QuerySet[Intervention]:
        interventions = Intervention.objects.select_related("kpi", "objective").prefetch_related(
            "assignees"
        )
        return access_for(self.request.user).restrict(interventions)

    def _respond(self, intervention: Intervention) -> Response:
        intervention.refresh_from_db()
        return Response(self.get_serializer(intervention).data)

    @extend_schema(request=None, summary="Say you are on it")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None) -> Response:
        intervention = self.get_object()
        intervention_acknowledge(intervention=intervention, by=request.user)
        return self._respond(intervention)

    @extend_schema(
        request=NewNoteSerializer,
        summary="Write a note for the others",
        examples=[
            OpenApiExample(
                "What is being done",
                value={"text": "Two temporary drivers start Monday; volume back by week 50."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None) -> Response:
        intervention = self.get_object()
        serializer = NewNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        text = serializer.validated_data["text"]
        intervention_add_note(intervention=intervention, author=request.user, text=text)
        return self._respond(intervention)

    @extend_schema(
        request=NoteSerializer,
        summary="Resolve it, with an optional closing note",
        examples=[
            OpenApiExample(
                "Back on target",
                value={"text": "Throughput above 50,000 parcels for two weeks running."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None) -> Response:
        intervention = self.get_object()
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intervention_resolve(
            intervention=intervention,
            by=request.user,
            note=serializer.validated_data.get("text", ""),
        )
        return self._respond(intervention)


class KPILinkSerializer(ModelSerializer):
    url = SelfLink(view_name="kpilink-detail", help_text="This link's own address.")
    kpi = VisibleKPIField(
        slug_field="code", queryset=KPI.objects.all(), help_text="The KPI's code."
    )
    kpi_url = Link(
        source="kpi", view_name="kpi-detail", read_only=True, help_text="The KPI's address."
    )
    objective = VisibleObjectiveField(
        queryset=Objective.objects.all(), help_text="The id of the objective it leads or guards."
    )
    objective_url = Link(
        source="objective",
        view_name="objective-detail",
        read_only=True,
        help_text="The objective's address.",
    )

    class Meta:
        model = KPILink
        fields = [
            "id",
            "url",
            "kpi",
            "kpi_url",
            "objective",
            "objective_url",
            "kind",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "kind": {
                "help_text": "`leads`: an early indicator of the objective; `guards`: must stay "
                "healthy while the objective is pursued. (A KPI that drives a key result is "
                "the key result's `driving_kpi`.)"
            },
            "note": {"help_text": "Why they are linked, in a sentence."},
            "id": {"help_text": "The link's id."},
            "created_at": {"help_text": "When the link was made."},
        }


class KPILinkFilter(django_filters.FilterSet):
    kpi = KeyOrIdFilter(
        queryset=kpis_seen,
        label=_("KPI (code or id)"),
        help_text="The KPI's code, e.g. `emea-delivery-throughput`, or its id.",
    )
    objective = IdFilter(field_name="objective", label=_("Objective (id)"))
    kind = django_filters.ChoiceFilter(choices=KPILink.Kind.choices, label=_("Kind"))

    class Meta:
        model = KPILink
        fields = ["kpi", "objective", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Lead and guard links of the KPIs and objectives you see"),
    retrieve=extend_schema(summary="A KPI link"),
    create=extend_schema(
        summary="Link a KPI that leads or guards an objective (managers of the objective's unit)",
        description="A KPI already in warning or critical opens its intervention at once, for "
        "the KPI's owner and the objective's owner. A link exists once per KPI, objective and "
        "kind.",
        examples=[
            OpenApiExample(
                "Throughput guards the cost objective",
                value={
                    "kpi": "emea-delivery-throughput",
                    "objective": 17,
                    "kind": "guards",
                    "note": "Cutting cost must not cost us volume.",
                },
                request_only=True,
            )
        ],
    ),
    destroy=extend_schema(summary="Remove a link (managers of the objective's unit)"),
)
class KPILinkViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = KPILink.objects.none()  # for the schema; get_queryset() answers
    serializer_class = KPILinkSerializer
    filterset_class = KPILinkFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["id"]
    object_permissions = {}

    def get_queryset(self) -> QuerySet[KPILink]:
        links = KPILink.objects.select_related("kpi", "objective__cycle", "objective__unit")
        return access_for(self.request.user).restrict(links)

    def check_object_permissions(self, request, link: KPILink) -> None:
        super().check_object_permissions(request, link)
        if self.action == "destroy" and not request.user.has_perm(
            "objectives.edit_objective", link.objective
        ):
            self.permission_denied(request, _("Only a manager of the objective's unit does that."))

    def perform_create(self, serializer) -> None:
        objective = serializer.validated_data["objective"]
        if not self.request.user.has_perm("objectives.edit_objective", objective):
            raise PermissionDenied(_("Only a manager of the objective's unit links its KPIs."))
        data = serializer.validated_data
        serializer.instance = kpi_link_create(
            kpi=data["kpi"], objective=objective, kind=data["kind"], note=data.get("note", "")
        )

    def perform_destroy(self, link: KPILink) -> None:
        kpi_link_delete(link=link)


@extend_schema_serializer(component_name="KPI")
class KPIWithConflictsSerializer(WithPossibleConflicts, KPISerializer):
    conflict_key = "kpi"

    class Meta(KPISerializer.Meta):
        fields = [*KPISerializer.Meta.fields, "possible_conflicts"]
        list_serializer_class = _PageAtOnce


class KPIWithConflictsViewSet(KPIViewSet):
    """The KPIs' API with their possible conflicts: the links to objectives live a floor up."""

    serializer_class = KPIWithConflictsSerializer
