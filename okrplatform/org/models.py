"""The ground floor: people, the organisation tree, roles, notifications and API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
import zoneinfo

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from tree_queries.fields import TreeNodeForeignKey
from tree_queries.models import TreeNode

from okrplatform.languages import offered_languages


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value and value not in _known_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone we know. Use a name such as Europe/Berlin."),
            params={"value": value},
            code="unknown_timezone",
        )


validate_currency = RegexValidator(
    r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 currency code such as EUR or USD.")
)
validate_country = RegexValidator(
    r"^[A-Z]{2}$", _("Use a two-letter ISO 3166 country code such as DE or JP.")
)


class User(AbstractUser):
    """A person using the platform; their time zone and language shape every page they see."""

    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("Times are shown in this zone. Empty: the site's default."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True, choices=offered_languages)
    email_notifications = models.BooleanField(
        _("notifications by e-mail"),
        default=True,
        help_text=_(
            "Interventions, catchball turns and deployments, besides the notice in the app."
        ),
    )
    email_check_in_digest = models.BooleanField(
        _("weekly check-in reminder"),
        default=True,
        help_text=_("On Mondays: the key results you have not checked in on for a week."),
    )
    email_stale_kpi_digest = models.BooleanField(
        _("weekly digest of stale KPIs"),
        default=True,
        help_text=_("On Mondays: the KPIs you own that have no recent measurement."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrgUnit(TreeNode):
    """A unit of the organisation tree: company, region or business unit, department, team."""

    class Visibility:
        units = ("id",)

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        REGION = "region", _("Region")
        BUSINESS_UNIT = "business_unit", _("Business unit")
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    parent = TreeNodeForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A short stable key used by imports and the API, e.g. emea-logistics."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
    )
    description = models.TextField(_("description"), blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[validate_country]
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    language = models.CharField(_("language"), max_length=10, blank=True, choices=offered_languages)
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="org_units",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = IntegerVersionField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_top(self) -> bool:
        return self.parent_id is None


class Membership(models.Model):
    """A person's role in a unit; the role holds for the unit and every unit below it."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("Viewer")
        CONTRIBUTOR = "contributor", _("Contributor")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="membership_one_role_per_unit",
                violation_error_message=_("This person already has a role in this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Notification(models.Model):
    """Something a person should know, shown in the app until they have read it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.CharField(
        _("message"), max_length=500, help_text=_("Written in the recipient's language.")
    )
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message


class Reminder(models.Model):
    """That a person got this week's digest of a kind, so a retried task never sends it twice."""

    class Kind(models.TextChoices):
        CHECK_INS = "check_ins", _("Key results waiting for a check-in")
        STALE_KPIS = "stale_kpis", _("KPIs without a recent measurement")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    week = models.DateField(_("week of"), help_text=_("The Monday of the week of the digest."))
    item_count = models.PositiveIntegerField(_("items listed"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "week"], name="reminder_once_a_week_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.week}"


class ApiToken(models.Model):
    """A key another system signs in to the REST API with: named, revocable, kept only as a hash,
    shown once when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What uses it, e.g. “ERP nightly push”.")
    )
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="api_token_name_once_per_person",
                violation_error_message=_("You already have a token with that name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple[ApiToken, str]:
        """A new token and its key: the key is shown this once and never stored."""
        key = secrets.token_hex(20)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], digest=cls.digest_of(key))
        return token, key
