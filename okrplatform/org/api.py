"""The API's ground floor: authentication by named tokens, and people and units named by their
stable keys."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from okrplatform.api import KeyField

from .access import access_for, role_at_every_root
from .models import ApiToken, OrgUnit, User

TOUCH_EVERY = timedelta(minutes=1)


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: a named token from the app's token page, or the single
    token ``manage.py drf_create_token`` makes for scripts."""

    def authenticate_credentials(self, key: str):
        # With the person, in the same query, whether they see every unit: what every list
        # asks first of who is reading.
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(key))
            .annotate(everywhere=role_at_every_root(ApiToken))
            .first()
        )
        if token is None:
            return super().authenticate_credentials(key)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        access_for(token.user).known_to_have_a_role_at_every_root(token.everywhere)
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "okrplatform.org.api.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`: make one on /account/tokens/ or with "
            "`manage.py drf_create_token <username>`.",
        }


class UnitField(KeyField):
    """A unit by its code, among those the person sees: any other is as unknown as a typo."""

    help = "The unit's code."

    def choices(self) -> QuerySet:
        return OrgUnit.objects.all()

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        units = super().get_queryset()
        return access_for(request.user).restrict(units) if request is not None else units


class PersonField(KeyField):
    key = "username"
    help = "A username."

    def choices(self) -> QuerySet:
        return User.objects.filter(is_active=True)
