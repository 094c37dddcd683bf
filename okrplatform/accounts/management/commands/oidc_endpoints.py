"""Print the OIDC_OP_* settings for an identity provider, read from its discovery document."""

from __future__ import annotations

from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

# Setting → the discovery document's key.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def discover_endpoints(issuer: str, *, timeout: float = 10) -> dict[str, str]:
    """The endpoint settings for the provider at ``issuer`` (Keycloak: …/realms/<realm>;
    Azure AD: https://login.microsoftonline.com/<tenant>/v2.0)."""
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise CommandError(f"Could not read {url}: {error}") from error
    return {setting: document[key] for setting, key in ENDPOINTS.items() if document.get(key)}


class Command(BaseCommand):
    help = "Print the OIDC_OP_* lines for .env from an identity provider's discovery document."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issuer", help="the provider's issuer URL")

    def handle(self, *args: Any, issuer: str, **options: Any) -> None:
        for setting, value in discover_endpoints(issuer).items():
            self.stdout.write(f"{setting}={value}")
