"""Dana signs in with the organisation's identity provider: a real OpenID provider (node's
oidc-provider, tests/oidc_provider/) started on 127.0.0.1 for the test. She is sent there, signs
in, comes back through the callback, is created here with the roles her groups map to, and signing
out signs her out at the provider too."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from okrplatform.accounts.management.commands.oidc_endpoints import discover_endpoints
from okrplatform.org.models import Membership
from tests.factories import MembershipFactory, UserFactory

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID = "okrplatform"
CLIENT_SECRET = "only-for-the-test-provider-0123456789abcdef"
ACCOUNTS = {
    "dana": {
        "email": "dana@helix.example",
        "email_verified": True,
        "preferred_username": "dana",
        "given_name": "Dana",
        "family_name": "Weiss",
        "groups": ["okr-emea-managers", "okr-everyone"],
    },
    "robert": {  # Bob, known here already, with his address written differently
        "email": "Bob.Keller@Helix.example",
        "email_verified": True,
        "preferred_username": "rkeller",
        "given_name": "Bob",
        "family_name": "Keller",
        "groups": ["okr-everyone"],
    },
    "mallory": {"email": "bob.keller@helix.example", "email_verified": False, "groups": []},
}
GROUP_ROLES = {
    "okr-emea-managers": {"unit": "emea", "role": "manager"},
    "okr-everyone": [{"unit": "helix", "role": "viewer"}],
}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def provider_installed() -> None:
    """oidc-provider from the npm registry, as package-lock.json pins it."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the single sign-on test, but node or npm is missing.")
        pytest.skip("Node.js is not installed here (apt-get install nodejs npm).")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True, timeout=300
        )


@pytest.fixture
def identity_provider(provider_installed, live_server) -> Iterator[Provider]:
    port = _free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{live_server.url}/oidc/callback/"],
        "post_logout_redirect_uris": [f"{live_server.url}/accounts/login/"],
    }
    environment = {
        "PATH": os.environ["PATH"],
        "PORT": str(port),
        "CLIENT": json.dumps(client),
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        ["node", "server.mjs"],
        cwd=PROVIDER_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1)  # noqa: S310
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the OpenID provider did not start:\n{process.stdout.read()}")
            time.sleep(0.2)
    yield Provider(issuer=issuer, process=process)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def single_sign_on(settings, identity_provider, company, emea):
    """The site configured as an operator would, endpoints read from discovery."""
    for name, value in discover_endpoints(identity_provider.issuer).items():
        setattr(settings, name, value)
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_PROVIDER_NAME = "Helix ID"
    settings.OIDC_GROUP_ROLES = GROUP_ROLES
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "okrplatform.accounts.oidc.OIDCBackend",
    ]
    # As settings.py does from OIDC_OP_* at start-up: the sign-out form's answer goes there.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", identity_provider.issuer]
    settings.CONTENT_SECURITY_POLICY = policy
    return identity_provider


def sign_in_at_the_provider(page: Page, login: str) -> None:
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("whatever-the-provider-checks")
    page.get_by_role("button", name="Sign-in").click()
    continue_button = page.get_by_role("button", name="Continue")
    if continue_button.count():  # consent, the first time this client asks for these scopes
        continue_button.click()


def test_dana_signs_in_with_single_sign_on_gets_her_roles_and_signs_out_there_too(
    page, single_sign_on, live_server
):
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    screenshot(page, "sso-login")
    page.get_by_role("link", name="Sign in with Helix ID").click()

    expect(page).to_have_url(re.compile(rf"^{single_sign_on.issuer}/interaction/"))  # there
    sign_in_at_the_provider(page, "dana")

    expect(page.get_by_role("heading", name="My work, Dana")).to_be_visible()
    assert page.url == f"{live_server.url}/"
    dana = get_user_model().objects.get(email="dana@helix.example")
    assert (dana.username, dana.get_full_name()) == ("dana", "Dana Weiss")
    assert not dana.has_usable_password()
    roles = dict(Membership.objects.filter(user=dana).values_list("unit__code", "role"))
    assert roles == {"emea": "manager", "helix": "viewer"}
    screenshot(page, "sso-signed-in")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("Do you want to sign-out from")).to_be_visible()  # the provider asks
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")

    # Signed out at the provider too: it asks for her login again.
    page.get_by_role("link", name="Sign in with Helix ID").click()
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()


def test_a_known_person_is_matched_by_e_mail_and_keeps_their_account(
    page, single_sign_on, bob, emea_logistics
):
    bob.email = "bob.keller@helix.example"
    bob.save()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Helix ID").click()
    sign_in_at_the_provider(page, "robert")

    expect(page.get_by_role("heading", name="My work, Bob")).to_be_visible()
    assert get_user_model().objects.filter(email__iexact="bob.keller@helix.example").count() == 1
    roles = dict(Membership.objects.filter(user=bob).values_list("unit__code", "role"))
    assert roles == {"emea-logistics": "contributor", "helix": "viewer"}  # his own role kept


def test_an_unverified_address_does_not_sign_anyone_in(page, single_sign_on, bob):
    bob.email = "bob.keller@helix.example"
    bob.save()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Helix ID").click()
    sign_in_at_the_provider(page, "mallory")

    expect(page.get_by_role("status")).to_contain_text("Signing in with Helix ID did not work")
    assert page.url.endswith("/accounts/login/")


def test_with_password_sign_in_off_only_single_sign_on_is_offered(
    page, single_sign_on, settings, emea, live_server
):
    settings.PASSWORD_SIGN_IN = False
    manager = UserFactory(username="pat", email="pat@helix.example")
    manager.set_password("a-password-that-no-longer-works")
    manager.save()
    MembershipFactory(user=manager, unit=emea, role=Membership.Role.MANAGER)

    page.goto("/accounts/login/")
    expect(page.get_by_role("link", name="Sign in with Helix ID")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    expect(page.get_by_role("link", name="Forgot your password?")).to_have_count(0)
    screenshot(page, "sso-only-login")
    assert page.goto("/accounts/password_reset/").status == 404
    page.goto("/admin/login/?next=/admin/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/admin/")
