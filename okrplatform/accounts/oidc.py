"""Single sign-on with OpenID Connect, on mozilla-django-oidc: who a signed-in person is here
(matched by e-mail, or created on first sign-in), the roles their groups give them, and
signing out at the identity provider too."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .group_roles import normalise_group_roles, strongest

logger = logging.getLogger(__name__)


class OIDCBackend(OIDCAuthenticationBackend):
    """Signs in the person the identity provider vouches for."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # Matching by e-mail is only safe for addresses the provider has verified; providers
        # that do not say (Azure AD) are trusted to hand out only their own addresses.
        return bool(claims.get("email")) and claims.get("email_verified") is not False

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = get_user_model()(
            username=_free_username(claims),
            email=claims["email"],
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
        )
        user.set_unusable_password()  # they sign in at the provider, never with a password here
        user.save()
        logger.info("single sign-on created %s for %s", user.username, user.email)
        apply_group_roles(user, claims)
        return user

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        names = {
            "first_name": str(claims.get("given_name", user.first_name))[:150],
            "last_name": str(claims.get("family_name", user.last_name))[:150],
        }
        changed = [field for field, value in names.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, names[field])
        if changed:
            user.save(update_fields=changed)
        apply_group_roles(user, claims)
        return user


def _free_username(claims: dict[str, Any]) -> str:
    """The provider's username if it is free and valid here, else the e-mail address, made
    unique with a number if it must be."""
    User = get_user_model()
    taken = User.objects.filter
    for candidate in (claims.get("preferred_username"), claims["email"]):
        if not candidate or len(candidate) > 150:
            continue
        try:
            UnicodeUsernameValidator()(candidate)
        except ValidationError:
            continue
        if not taken(username__iexact=candidate).exists():
            return str(candidate)
    base = str(claims["email"])[:140]
    number = 2
    while taken(username__iexact=f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


def apply_group_roles(user: Any, claims: dict[str, Any]) -> None:
    """Give the person the roles their groups map to (OIDC_GROUP_ROLES).

    For the units the mapping names, the provider decides: a role is added or changed to the
    strongest that any of their groups gives, and removed when none does. Roles in other units
    are left as they are.
    """
    mapping = normalise_group_roles(settings.OIDC_GROUP_ROLES)
    if not mapping:
        return
    claimed = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    groups = {claimed} if isinstance(claimed, str) else {str(group) for group in claimed}
    units = _units_named(mapping)
    wanted: dict[int, str] = {}
    for group in groups & mapping.keys():
        for reference, role in mapping[group]:
            if (unit := units.get(reference)) is not None:
                wanted[unit.pk] = strongest(role, wanted.get(unit.pk, role))
    Membership = apps.get_model("alignment", "Membership")
    managed = {unit.pk for unit in units.values()}
    with transaction.atomic():
        held = {m.unit_id: m for m in Membership.objects.filter(user=user, unit_id__in=managed)}
        for unit_pk in managed:
            granted, membership = wanted.get(unit_pk), held.get(unit_pk)
            if membership is None:
                if granted:
                    Membership.objects.create(user=user, unit_id=unit_pk, role=granted)
            elif granted is None:
                membership.delete()
            elif membership.role != granted:
                membership.role = granted
                membership.save(update_fields=["role"])
    logger.info("single sign-on gave %s the roles %s", user.username, wanted or "none")


def _units_named(mapping: dict[str, list[tuple[str | int, str]]]) -> dict[str | int, Model]:
    """The units the mapping names, by the code or pk it names them with."""
    references = {reference for grants in mapping.values() for reference, _role in grants}
    codes = [reference for reference in references if isinstance(reference, str)]
    pks = [reference for reference in references if isinstance(reference, int)]
    OrgUnit = apps.get_model("alignment", "OrgUnit")
    units: dict[str | int, Model] = {}
    for unit in OrgUnit.objects.filter(Q(code__in=codes) | Q(pk__in=pks)):
        units[unit.code] = unit
        units[unit.pk] = unit
    if missing := references - units.keys():
        unknown = sorted(map(str, missing))
        logger.warning("OIDC_GROUP_ROLES names units that do not exist: %s", unknown)
    return {reference: units[reference] for reference in references if reference in units}


def end_session_url(request: HttpRequest, id_token: str) -> str:
    """Where to send a person so that the provider signs them out and sends them back here."""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: signed in, or back on the sign-in page saying it did not work."""

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _("Signing in with %(provider)s did not work. Try again, or ask your administrator.")
            % {"provider": settings.OIDC_PROVIDER_NAME or _("single sign-on")},
        )
        return redirect("login")


def _only_when_enabled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return view(request, *args, **kwargs)

    return wrapped


authenticate = _only_when_enabled(OIDCAuthenticationRequestView.as_view())
callback = _only_when_enabled(CallbackView.as_view())
