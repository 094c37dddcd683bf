"""Single sign-on and password sign-in are switched by settings, and half a configuration
refuses to start instead of failing at the first sign-in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SSO = {
    "OIDC_RP_CLIENT_ID": "okrplatform",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://id.helix.example/auth",
    "OIDC_OP_TOKEN_ENDPOINT": "https://id.helix.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://id.helix.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://id.helix.example/jwks",
}
PRINT = (
    "from django.conf import settings; print(settings.OIDC_ENABLED, settings.PASSWORD_SIGN_IN, "
    "'ModelBackend' in ' '.join(settings.AUTHENTICATION_BACKENDS), "
    "'OIDCBackend' in ' '.join(settings.AUTHENTICATION_BACKENDS))"
)


def settings_with(**env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OIDC_")
        and key not in {"PASSWORD_SIGN_IN", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_oidc_settings_only_passwords_sign_in():
    result = settings_with()
    assert result.stdout.split()[-4:] == ["False", "True", "True", "False"], result.stderr


def test_with_a_client_id_and_the_endpoints_single_sign_on_is_on():
    result = settings_with(**SSO)
    assert result.stdout.split()[-4:] == ["True", "True", "True", "True"], result.stderr


def test_password_sign_in_can_be_switched_off_beside_single_sign_on():
    result = settings_with(**SSO, PASSWORD_SIGN_IN="false")
    assert result.stdout.split()[-4:] == ["True", "False", "False", "True"], result.stderr


def test_switching_passwords_off_without_single_sign_on_refuses_to_start():
    result = settings_with(PASSWORD_SIGN_IN="false")
    assert result.returncode != 0
    assert "PASSWORD_SIGN_IN=false needs single sign-on" in result.stderr


def test_a_client_id_without_its_endpoints_refuses_to_start():
    result = settings_with(OIDC_RP_CLIENT_ID="okrplatform")
    assert result.returncode != 0
    assert "also needs OIDC_RP_CLIENT_SECRET, OIDC_OP_AUTHORIZATION_ENDPOINT" in result.stderr


def test_a_group_mapping_that_is_not_json_refuses_to_start():
    result = settings_with(**SSO, OIDC_GROUP_ROLES="{emea: manager}")
    assert result.returncode != 0
    assert "OIDC_GROUP_ROLES must be JSON" in result.stderr
