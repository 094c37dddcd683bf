"""Building blocks every API viewset shares: throttling of token writes, pagination, object
permissions from django-rules, and optimistic locking."""

from __future__ import annotations

import copy
import functools
import math
import re
import sys
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from concurrency.exceptions import RecordModifiedError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, serializers, throttling
from rest_framework.fields import Field, SkipField
from rest_framework.pagination import PageNumberPagination
from rest_framework.relations import (
    MANY_RELATION_KWARGS,
    Hyperlink,
    ManyRelatedField,
    PKOnlyObject,
    RelatedField,
    SlugRelatedField,
)

from .concurrency import last_change


class TokenWriteThrottle(throttling.UserRateThrottle):
    """Writes by other systems (token-authenticated, not reading) are rate limited per person;
    people in the browser are not. The rate is ``API_WRITE_THROTTLE`` (e.g. 600/minute)."""

    scope = "token_writes"

    def get_rate(self) -> str | None:
        # Read when asked, not when DRF's settings were first loaded: a test (the fuzz run)
        # or an operator overriding the setting is heeded.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)

    def allow_request(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS or request.auth is None:
            return True
        return super().allow_request(request, view)


class _LinkTemplates:
    """Builds links by formatting a template made with one ``reverse()`` per view and request:
    a page of 50 rows carries hundreds of links, and resolving each one costs more than the
    row's other fields together. The field lives for one request: it keeps its template rather
    than looking it up in the serializer's context for every link."""

    MARKER = "link-template-marker"

    def to_representation(self, value):
        # The request and its format are those of the whole request: the template that makes
        # this field's links is found once, then each link is one format().
        url_of = self.__dict__.get("_url_of")
        if url_of is None:
            request = self.context.get("request")
            if request is None:
                return super().to_representation(value)  # DRF's message for the missing request
            format = self.context.get("format")
            if format and self.format and self.format != format:
                format = self.format
            url_of = self._url_of = self._template(self.view_name, request, format).format
        if value.pk in (None, ""):
            return None
        return Hyperlink(url_of(getattr(value, self.lookup_field)), value)

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):
            return None
        return self._template(view_name, request, format).format(getattr(obj, self.lookup_field))

    def _template(self, view_name, request, format) -> str:
        """The link with ``{}`` for the key, made once per view a request links to."""
        templates = self.context.setdefault("link_templates", {})
        key = (view_name, self.lookup_url_kwarg, format)
        if key not in templates:
            url = self.reverse(
                view_name,
                kwargs={self.lookup_url_kwarg: self.MARKER},
                request=request,
                format=format,
            )
            templates[key] = url.replace(self.MARKER, "{}")
        return templates[key]


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


class _JsonStringOnly:
    """Text as a JSON string only. DRF also takes a number and stores its digits (``{"code": 0}``
    became the code "0"): a client sending the wrong type learns it instead."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(_JsonStringOnly, serializers.CharField):
    """DRF's CharField, for JSON strings only."""


class StrictSlugField(_JsonStringOnly, serializers.SlugField):
    """DRF's SlugField, for JSON strings only."""


def parse_number(raw, *, whole_digits: int, decimal_places: int) -> Decimal:
    """A JSON number, or a string of digits with at most ``whole_digits`` before the point,
    as a Decimal rounded to ``decimal_places``; no more than 10 ** whole_digits either way.
    Anything else raises ValueError."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(raw)
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError(raw)
    if isinstance(raw, str) and not _decimal_text(whole_digits).match(raw.strip()):
        raise ValueError(raw)
    value = Decimal(str(raw).strip())
    if abs(value) > Decimal(10) ** whole_digits:
        raise ValueError(raw)
    return value.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)


@functools.cache
def _decimal_text(whole_digits: int) -> re.Pattern:
    return re.compile(rf"^-?\d{{1,{whole_digits}}}(?:\.\d+)?$", re.A)


class NumberField(serializers.DecimalField):
    """A decimal, sent as a JSON number (``12.5``) or as the string the API answers
    (``"12.5000"``). Digits beyond the stored decimal places are rounded, as a spreadsheet
    would; the range is one order of magnitude inside what the column holds, so that a number
    and its string have the same limit and the schema can state it exactly."""

    default_error_messages = {
        **serializers.DecimalField.default_error_messages,
        "invalid": gettext_lazy(
            "Give a number (such as 42 or 7.25) between -{limit} and {limit}, as a JSON "
            "number or as digits in a string."
        ),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.whole_digits = self.max_digits - self.decimal_places - 1
        self.limit = Decimal(10) ** self.whole_digits
        self.text = _decimal_text(self.whole_digits)

    def to_internal_value(self, data):
        try:
            return parse_number(
                data, whole_digits=self.whole_digits, decimal_places=self.decimal_places
            )
        except ValueError:
            self.fail("invalid", limit=f"{self.limit:,}")


class DateTimeField(serializers.DateTimeField):
    """DRF's, with the reader's time zone looked up once per field instead of once per value:
    a field lives for one request (see ``unbound_copy``), in one time zone, and a page of 50
    rows looked it up a hundred times."""

    def default_timezone(self):
        if "_zone" not in self.__dict__:
            self._zone = super().default_timezone()
        return self._zone


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with the strict text and number fields above for model columns."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.DecimalField: NumberField,
        models.DateTimeField: DateTimeField,
    }

    # The fields a class builds from its model are the same for each of its instances: built
    # once per class, and each instance gets its own copy of them. Building them (reading the
    # model's fields, their choices and validators) was a fifth of the fixed cost of a page of
    # the API, and DRF's deep copy, which builds each field again from its arguments and copies
    # the querysets among them, another tenth.
    _built_fields: ClassVar[dict[type, dict[str, Field]]] = {}

    def get_fields(self) -> dict[str, Field]:
        built = self._built_fields.get(type(self))
        if built is None:
            built = self._built_fields[type(self)] = super().get_fields()
        return {name: unbound_copy(field) for name, field in built.items()}


def unbound_copy(field: Field) -> Field:
    """A copy of a field that was never bound to a serializer, for one serializer to bind and
    use. Its own attributes are its own (``bind`` and the caches a field keeps for one request
    land there); what it was built with (choices, validators, a queryset, which DRF clones
    with ``.all()`` before each use) is shared, read only. A field holding other fields gets
    copies of them; a nested serializer, DRF's deep copy."""
    if isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    clone = copy.copy(field)
    # The fields that hold another bound it to themselves when built: the copy of it belongs
    # to the copy (the rest of what binding set is the same).
    if isinstance(field, ManyRelatedField):
        clone.child_relation = unbound_copy(field.child_relation)
        clone.child_relation.parent = clone
    elif isinstance(field, serializers.ListField | serializers.DictField):
        clone.child = unbound_copy(field.child)
        clone.child.parent = clone
    return clone


class AnswersWider:
    """A field whose answers may hold more than it accepts: a decision taken outside a review
    has no review, a unit may keep a language the site no longer offers. The schema of its
    answers is widened by ``widen`` (okrplatform.api_schema applies it)."""

    def widen(self, schema: dict) -> dict:
        return {**schema, "nullable": True}


class IntegerKey:
    """A reference by id: a JSON integer (DRF also takes ``"15"`` and ``15.0``)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class NullableInAnswers(IntegerKey, AnswersWider, serializers.PrimaryKeyRelatedField):
    """A required reference that answers may leave empty (null)."""


class LanguageField(AnswersWider, serializers.ChoiceField):
    """One of the site's languages when written; any language code when read."""

    def widen(self, schema: dict) -> dict:
        return {
            "type": "string",
            "description": schema.get("description", ""),
            "maxLength": 10,
        }


class _KeysOnThePagePaginator(Paginator):
    """Django's paginator, with the related keys a page's rows show (``carried_keys``) read
    for the rows of the page alone: the count of all the rows joins none of them."""

    def __init__(self, *args, keys: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys

    def _get_page(self, object_list, *args, **kwargs):
        return super()._get_page(object_list.annotate(**carried_keys(**self.keys)), *args, **kwargs)


class Pagination(PageNumberPagination):
    """Pages of 50 by default. A ``page`` or ``page_size`` that is not a whole number in range
    is refused with 400 (DRF would answer 404, or quietly fall back to the default size); a
    page past the last one is 404, as documented for every list.

    A view's ``keys_on_the_page`` (``{"unit": "code"}``) are the related keys its rows carry
    (``carried_keys``): read with the rows of the page, not joined into the count."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        keys = getattr(view, "keys_on_the_page", None)
        if keys:
            self.django_paginator_class = functools.partial(_KeysOnThePagePaginator, keys=keys)
        return super().paginate_queryset(queryset, request, view)

    def _whole_number(self, request, name: str, *, maximum: int | None = None) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        text = raw.strip()
        if not (text.isascii() and text.isdigit()):
            number = 0
        elif len(text) > 19:
            # Beyond any page count, and int() refuses more than 4,300 digits: past the last.
            number = sys.maxsize
        else:
            number = int(text)
        if number < 1 or (maximum is not None and number > maximum):
            if maximum is None:
                message = _("Give a whole number from 1 (the first page).")
            else:
                message = _("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
            raise exceptions.ValidationError({name: [message]})
        return number

    def get_page_size(self, request) -> int:
        size = self._whole_number(request, self.page_size_query_param, maximum=self.max_page_size)
        return size or self.page_size

    def get_page_number(self, request, paginator) -> int:
        return self._whole_number(request, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1. A page past the last one answers 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


class RulesPermission(permissions.BasePermission):
    """The permission each action needs on an object, from the viewset's
    ``object_permissions`` (the same django-rules permissions as the pages)."""

    message = gettext_lazy("Your role in this unit does not allow that.")

    def has_object_permission(self, request, view, obj) -> bool:
        rules = getattr(view, "object_permissions", {})
        permission = rules.get(view.action, rules.get("default"))
        return permission is None or request.user.has_perm(permission, obj)


def reaches_archived(view) -> bool:
    """Whether an action of ``view`` finds archived rows: the list when ``archived`` is asked
    for, and ``restore``. Everywhere else an archived row answers 404, as a deleted one would,
    so that a client that archived it learns it is gone from its route."""
    if view.action == "list":
        return "archived" in view.request.query_params
    return view.action == "restore"


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
    serializer instead of once per row, and a model's own columns read directly: its plain
    columns, and the id of a foreign key that a field links by id (what DRF's generic attribute
    lookup ends up doing for them), and a related object's key (a unit's code, an owner's
    username) from the row itself when the row carries it (``carried_keys``). The output is
    DRF's, unchanged; a page of 50 objectives spent most of its time in this loop."""

    def _representation_plan(self) -> list[tuple[str, Field, str | None, str | None, str | None]]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            model = getattr(getattr(self, "Meta", None), "model", None)
            fields = {f.name: f for f in model._meta.concrete_fields} if model is not None else {}
            plan = self._plan = [
                (
                    field.field_name,
                    field,
                    _column_read(field, fields),
                    _key_read(field, fields),
                    _carried_key(field, fields),
                )
                for field in self._readable_fields
            ]
        return plan

    def to_representation(self, instance):
        if isinstance(instance, Mapping):
            return super().to_representation(instance)  # type: ignore[misc]
        representation = {}
        carried = instance.__dict__
        for name, field, column, key, carried_as in self._representation_plan():
            if carried_as is not None and carried_as in carried:
                # The key is what the field shows of the object (None when there is none).
                representation[name] = carried[carried_as]
                continue
            if column is not None:
                attribute = getattr(instance, column)
            elif key is not None:
                attribute = PKOnlyObject(pk=getattr(instance, key))
            else:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            # As DRF: a related object known only by its pk is None when the pk is.
            empty = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            representation[name] = None if empty is None else field.to_representation(attribute)
        return representation


def carried_keys(**keys: str) -> dict[str, F]:
    """Annotations that carry related objects' keys with each row, for ``FastRepresentation``
    to show instead of reading the objects: ``carried_keys(unit="code")`` carries the code of
    the row's unit as ``unit_code``. A page then builds no unit of its own for each row. Only
    for rows that are shown as they were read: a row changed afterwards would show the key it
    was read with."""
    return {f"{relation}_{key}": F(f"{relation}__{key}") for relation, key in keys.items()}


def _carried_key(field: Field, model_fields: dict[str, models.Field]) -> str | None:
    """Where a row carries (``carried_keys``) the key a field shows of a related object."""
    if (
        not isinstance(field, SlugRelatedField)
        or type(field).to_representation is not SlugRelatedField.to_representation
        or len(field.source_attrs) != 1
        or LOOKUP_SEP in field.slug_field
    ):
        return None
    relation = model_fields.get(field.source_attrs[0])
    if relation is None or not relation.many_to_one:
        return None
    return f"{relation.name}_{field.slug_field}"


def _column_read(field: Field, model_fields: dict[str, models.Field]) -> str | None:
    """The plain column a field shows as it is, if it shows one."""
    if len(field.source_attrs) != 1 or isinstance(field, (RelatedField, ManyRelatedField)):
        return None
    column = model_fields.get(field.source_attrs[0])
    return None if column is None or column.is_relation else column.name


def _key_read(field: Field, model_fields: dict[str, models.Field]) -> str | None:
    """The foreign key column whose id a related field shows (as a pk or a link by pk): DRF's
    ``RelatedField.get_attribute`` reads just that, as a ``PKOnlyObject``."""
    if (
        not isinstance(field, RelatedField)
        or type(field).get_attribute is not RelatedField.get_attribute
        or not field.use_pk_only_optimization()
        or len(field.source_attrs) != 1
    ):
        return None
    key = model_fields.get(field.source_attrs[0])
    return key.attname if key is not None and key.many_to_one else None


class VersionedSerializer(FastRepresentation, ModelSerializer):
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
    # A change is checked on the fields it sends (and the model's rules between fields): a
    # unit keeping a language the site no longer offers may still be renamed.
    unsent = (
        []
        if instance is None
        else [field.name for field in model._meta.concrete_fields if field.name not in attrs]
    )
    clean_model(candidate, exclude=unsent)
    return candidate


def clean_model(instance, exclude: list[str] | None = None) -> None:
    """Run the model's own validation and answer 400 with its messages per field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        problems = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        problems["non_field_errors"] = problems.pop("__all__", [])
        raise serializers.ValidationError(
            {field: messages for field, messages in problems.items() if messages}
        ) from None


class StringKey:
    """A reference by a key (a code, a username): a non-empty JSON string. DRF reads "" as
    null and looks a number up by its digits; the schema says a string, and so do we."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "invalid": gettext_lazy("Give it as a string: its code, or the username."),
    }

    def run_validation(self, data=serializers.empty):
        # DRF reads "" as null; the schema says a non-empty string (or null, where allowed).
        if isinstance(data, str) and not data:
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().run_validation(data)  # type: ignore[misc]

    def to_internal_value(self, data):
        # DRF would look a number up by its digits; no key holds a NUL character, and
        # PostgreSQL refuses to look one up.
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictManyRelatedField(ManyRelatedField):
    """A list of references as a JSON array only: DRF also takes an object (its keys)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class ListsOnly:
    """``many=True`` makes a ``StrictManyRelatedField``."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        child = cls(*args, **kwargs)  # type: ignore[call-arg]
        return StrictManyRelatedField(
            child_relation=child,
            **{key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS},
        )


class IdsField(IntegerKey, ListsOnly, serializers.PrimaryKeyRelatedField):
    """References by id (``many=True``: a JSON array of ids)."""


class CodesField(StringKey, ListsOnly, serializers.SlugRelatedField):
    """References by a key (``many=True``: a JSON array of keys)."""


class KeyField(StringKey, ListsOnly, serializers.SlugRelatedField):
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
