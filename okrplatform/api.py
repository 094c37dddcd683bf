"""Building blocks every API viewset shares: throttling of token writes, pagination, object
permissions from django-rules, and optimistic locking."""

from __future__ import annotations

from collections.abc import Mapping

from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, serializers, throttling
from rest_framework.fields import Field, SkipField
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import Hyperlink, ManyRelatedField, PKOnlyObject, RelatedField

from .concurrency import last_change


class TokenWriteThrottle(throttling.UserRateThrottle):
    """Writes by other systems (token-authenticated, not reading) are rate limited per person;
    people in the browser are not. The rate is ``API_WRITE_THROTTLE`` (e.g. 600/minute)."""

    scope = "token_writes"

    def allow_request(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS or request.auth is None:
            return True
        return super().allow_request(request, view)


class _LinkTemplates:
    """Builds links by formatting a template made with one ``reverse()`` per view and request:
    a page of 50 rows carries hundreds of links, and resolving each one costs more than the
    row's other fields together. The field lives for one request: it keeps the request and the
    templates rather than looking them up in the serializer's context for every link."""

    MARKER = "link-template-marker"

    def to_representation(self, value):
        found = self.__dict__.get("_request_and_format")
        if found is None:
            found = self._request_and_format = (
                self.context.get("request"),
                self.context.get("format"),
            )
        request, format = found
        if request is None:
            return super().to_representation(value)  # DRF's own message for the missing request
        if format and self.format and self.format != format:
            format = self.format
        url = self.get_url(value, self.view_name, request, format)
        return None if url is None else Hyperlink(url, value)

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):
            return None
        templates = self.__dict__.get("_templates")
        if templates is None:
            templates = self._templates = self.context.setdefault("link_templates", {})
        key = (view_name, self.lookup_url_kwarg, format)
        if key not in templates:
            url = self.reverse(
                view_name,
                kwargs={self.lookup_url_kwarg: self.MARKER},
                request=request,
                format=format,
            )
            templates[key] = url.replace(self.MARKER, "{}")
        return templates[key].format(getattr(obj, self.lookup_field))


class Link(_LinkTemplates, serializers.HyperlinkedRelatedField):
    """A link to a related resource."""


class SelfLink(_LinkTemplates, serializers.HyperlinkedIdentityField):
    """The link to the resource itself."""


class ChoiceLabel(serializers.CharField):
    """The label of a choice field's value, in the reader's language. Reads the value rather
    than calling ``get_FOO_display()``: DRF inspects the signature of a callable source on every
    row, which costs more than the label."""

    def __init__(self, choices, **kwargs) -> None:
        self.labels = dict(choices.choices)
        self.translated: dict | None = None
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        # Translated once per serializer (which lives for one request, in one language), not
        # once per row: a page of 50 rows asked the translation catalogue hundreds of times.
        if self.translated is None:
            self.translated = {key: str(label) for key, label in self.labels.items()}
        return self.translated.get(value, str(value))


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class RulesPermission(permissions.BasePermission):
    """The permission each action needs on an object, from the viewset's
    ``object_permissions`` (the same django-rules permissions as the pages)."""

    message = gettext_lazy("Your role in this unit does not allow that.")

    def has_object_permission(self, request, view, obj) -> bool:
        rules = getattr(view, "object_permissions", {})
        permission = rules.get(view.action, rules.get("default"))
        return permission is None or request.user.has_perm(permission, obj)


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = gettext_lazy("Changed by someone else since you read it: read it again.")


def conflict(instance) -> Conflict:
    return Conflict(
        _(
            "This %(thing)s was changed by %(who)s since you read it (%(when)s). Read it again, "
            "check your change against the current values and send it with the new version."
        )
        % last_change(instance)
    )


class FastRepresentation:
    """DRF's ``to_representation``, with the plan of which fields to read worked out once per
    serializer instead of once per row, and a model's own plain columns read directly (what
    DRF's generic attribute lookup ends up doing for them). The output is DRF's, unchanged; a
    page of 50 objectives spent most of its time in this loop."""

    def _representation_plan(self) -> list[tuple[str, Field, str | None]]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            model = getattr(getattr(self, "Meta", None), "model", None)
            columns = (
                {f.name for f in model._meta.concrete_fields if not f.is_relation}
                if model is not None
                else set()
            )
            plan = self._plan = [
                (
                    field.field_name,
                    field,
                    field.source_attrs[0]
                    if len(field.source_attrs) == 1
                    and field.source_attrs[0] in columns
                    and not isinstance(field, (RelatedField, ManyRelatedField))
                    else None,
                )
                for field in self._readable_fields
            ]
        return plan

    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)  # type: ignore[misc]
        representation = {}
        for name, field, column in self._representation_plan():
            if column is not None:
                attribute = getattr(instance, column)
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            # As DRF: a related object known only by its pk is None when the pk is.
            empty = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            representation[name] = None if empty is None else field.to_representation(attribute)
        return representation


class VersionedSerializer(FastRepresentation, serializers.ModelSerializer):
    """Updates must send the ``version`` they read; a stale one is refused with 409, so that
    nobody's change is silently overwritten."""

    version = serializers.IntegerField(
        required=False,
        help_text="The version you read. Required when updating; a stale one answers 409.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": _("Send the version you read, so that nobody's change is lost.")}
            )
        return attrs

    def update(self, instance, validated_data):
        sent = validated_data.pop("version")
        if sent != instance.version:
            raise conflict(instance)
        try:
            with transaction.atomic():
                return super().update(instance, validated_data)
        except RecordModifiedError:
            raise conflict(instance) from None


def as_saved(model, instance, attrs: dict):
    """The object as it would be saved with ``attrs``, checked by the model's own validation
    and constraints (answered as 400 per field, not as a database error)."""
    candidate = model(
        **{field.attname: getattr(instance, field.attname) for field in model._meta.concrete_fields}
        if instance is not None
        else {}
    )
    # A row being changed is checked as itself: its own unique constraints must not refuse it.
    candidate._state.adding = instance is None
    for name, value in attrs.items():
        if name != "version":
            setattr(candidate, name, value)
    clean_model(candidate)
    return candidate


def clean_model(instance) -> None:
    """Run the model's own validation and answer 400 with its messages per field."""
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as error:
        problems = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        problems["non_field_errors"] = problems.pop("__all__", [])
        raise serializers.ValidationError(
            {field: messages for field, messages in problems.items() if messages}
        ) from None


class KeyField(serializers.SlugRelatedField):
    """A related object named by its stable key (a code, a username) rather than its id."""

    key = "code"
    help = ""

    def choices(self) -> QuerySet:
        raise NotImplementedError

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", self.key)
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", self.choices())
        kwargs.setdefault("help_text", self.help)
        super().__init__(**kwargs)
