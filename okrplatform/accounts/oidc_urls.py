"""Single sign-on: /oidc/authenticate/ sends a person to the provider, which sends them back to
/oidc/callback/ (the redirect URI to register there). Both answer 404 while SSO is off."""

from __future__ import annotations

from django.urls import path

from . import oidc

urlpatterns = [
    path("authenticate/", oidc.authenticate, name="oidc_authentication_init"),
    path("callback/", oidc.callback, name="oidc_authentication_callback"),
]
