"""The API of people and roles: whom to name as an owner, and who holds which role where.

Apart from ``okrplatform.org.api``, which DRF's settings import while its views are loading."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, viewsets

from okrplatform.api import ModelSerializer, SelfLink, StrictCharField
from okrplatform.filters import KeyOrIdFilter

from .access import access_for
from .api import PersonField, UnitField
from .filters import people_seen_by, units_seen
from .models import Membership, OrgUnit, User
from .selectors import people_seen
from .services import membership_delete, membership_store


class PersonUnitSerializer(serializers.Serializer):
    unit = StrictCharField(source="unit.code", help_text="The unit's code.")
    role = StrictCharField(help_text="viewer, contributor or manager.")


class PersonSerializer(ModelSerializer):
    name = serializers.SerializerMethodField(help_text="The person's full name, or username.")
    units = serializers.SerializerMethodField(
        help_text="The units (among those you see) where the person holds a role, with it."
    )

    class Meta:
        model = User
        fields = ["id", "username", "name", "first_name", "last_name", "units"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The person's id."},
            "username": {"help_text": "What bodies name the person by, e.g. as an owner."},
            "first_name": {"help_text": "First name."},
            "last_name": {"help_text": "Last name."},
        }

    def get_name(self, person: User) -> str:
        return person.get_full_name() or person.username

    @extend_schema_field(PersonUnitSerializer(many=True))
    def get_units(self, person: User) -> list[dict]:
        access = access_for(self.context["request"].user)
        held = [m for m in person.memberships.all() if access.sees(m.unit_id)]
        return PersonUnitSerializer(held, many=True).data


class PersonFilter(django_filters.FilterSet):
    unit = KeyOrIdFilter(
        queryset=units_seen,
        field_name="memberships__unit",
        distinct=True,
        label=gettext_lazy("Holds a role in the unit (code or id)"),
        help_text="People with a role in this unit: its code, e.g. `emea-last-mile`, or its id.",
    )
    search = django_filters.CharFilter(
        method="filter_search", label=gettext_lazy("Username or name contains")
    )

    class Meta:
        model = User
        fields = ["unit", "search"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = Q()
        for field in ("username", "first_name", "last_name"):
            words |= Q(**{f"{field}__icontains": value})
        return queryset.filter(words)


@extend_schema_view(
    list=extend_schema(
        summary="People you may name, e.g. as owners",
        description="Everyone for those who see every unit; otherwise yourself and whoever "
        "holds a role in a unit you see.",
    ),
    retrieve=extend_schema(summary="A person"),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = User.objects.none()  # for the schema; get_queryset() answers
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["username", "last_name", "id"]
    ordering = ["username"]
    object_permissions = {}

    def get_queryset(self) -> QuerySet[User]:
        people = people_seen(access_for(self.request.user))
        return people.prefetch_related(
            Prefetch("memberships", Membership.objects.select_related("unit").order_by("unit_id"))
        )


class MembershipSerializer(ModelSerializer):
    url = SelfLink(view_name="membership-detail", help_text="This membership's own address.")
    user = PersonField(help_text="The username of the person.")
    unit = UnitField(help_text="The code of the unit; the role holds for every unit below it.")

    class Meta:
        model = Membership
        fields = ["id", "url", "user", "unit", "role", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {
            "role": {
                "help_text": "viewer sees; contributor also checks in and records "
                "measurements; manager also plans and changes."
            },
            "id": {"help_text": "The membership's id."},
            "created_at": {"help_text": "Since when the person holds a role there."},
        }


class RoleChangeSerializer(MembershipSerializer):
    """A membership keeps its person and unit; an update changes the role alone."""

    user = PersonField(read_only=True, help_text="The username of the person.")
    unit = UnitField(
        read_only=True, help_text="The code of the unit; the role holds for every unit below it."
    )

    class Meta(MembershipSerializer.Meta):
        extra_kwargs = {
            **MembershipSerializer.Meta.extra_kwargs,
            "role": {**MembershipSerializer.Meta.extra_kwargs["role"], "required": True},
        }


class MembershipFilter(django_filters.FilterSet):
    unit = KeyOrIdFilter(
        queryset=units_seen,
        label=gettext_lazy("Unit (code or id)"),
        help_text="Roles in this unit: its code, e.g. `emea-logistics`, or its id.",
    )
    user = KeyOrIdFilter(
        queryset=people_seen_by,
        key="username",
        label=gettext_lazy("Person (username or id)"),
        help_text="Roles of this person: their username, e.g. `anna`, or their id.",
    )
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices, label=gettext_lazy("Role"))

    class Meta:
        model = Membership
        fields = ["unit", "user", "role"]


# Tom (Rotterdam DC) has no role in Last-Mile Delivery EMEA in the demo organisation yet.
MEMBERSHIP_EXAMPLE = {"user": "tom", "unit": "emea-last-mile", "role": "contributor"}


@extend_schema_view(
    list=extend_schema(summary="Who holds which role in the units you see"),
    retrieve=extend_schema(summary="A membership"),
    create=extend_schema(
        summary="Give a person a role in a unit (managers of the unit above, or staff)",
        description="One role per person and unit. Roles in the top unit are given by staff.",
        examples=[OpenApiExample("A contributor", value=MEMBERSHIP_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Change the role (managers of the unit above, or staff)",
        examples=[
            OpenApiExample(
                "Made a manager",
                value={"role": "manager"},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change the role (managers of the unit above, or staff)",
        examples=[OpenApiExample("Made a viewer", value={"role": "viewer"}, request_only=True)],
    ),
    destroy=extend_schema(summary="Take the role away (managers of the unit above, or staff)"),
)
class MembershipViewSet(viewsets.ModelViewSet):
    queryset = Membership.objects.none()  # for the schema; get_queryset() answers
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return RoleChangeSerializer
        return MembershipSerializer

    ordering_fields = ["created_at", "id"]
    ordering = ["id"]
    object_permissions = {}

    def get_queryset(self) -> QuerySet[Membership]:
        memberships = Membership.objects.select_related("user", "unit")
        return access_for(self.request.user).restrict(memberships)

    def check_object_permissions(self, request, membership: Membership) -> None:
        super().check_object_permissions(request, membership)
        if self.action != "retrieve" and not request.user.has_perm(
            "alignment.shape_unit", membership.unit
        ):
            self.permission_denied(request, _("Roles here are given from the unit above."))

    def _require_shaper(self, unit: OrgUnit) -> None:
        if not self.request.user.has_perm("alignment.shape_unit", unit):
            raise exceptions.PermissionDenied(
                _("Roles in %(unit)s are given by a manager of the unit above.") % {"unit": unit}
            )

    def perform_create(self, serializer) -> None:
        self._require_shaper(serializer.validated_data["unit"])
        membership_store(serializer=serializer)

    def perform_update(self, serializer) -> None:
        membership_store(serializer=serializer)

    def perform_destroy(self, membership: Membership) -> None:
        membership_delete(membership=membership)
