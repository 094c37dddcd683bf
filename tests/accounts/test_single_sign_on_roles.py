"""What single sign-on makes of the provider's claims: who the person is here and which roles
their groups give them (OIDC_GROUP_ROLES). The sign-in itself, through a real provider, is
tests/browser/test_single_sign_on.py."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from okrplatform.accounts.group_roles import normalise_group_roles
from okrplatform.accounts.oidc import OIDCBackend, apply_group_roles
from okrplatform.org.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapping(settings, company, emea, apac):
    settings.OIDC_GROUP_ROLES = {
        "okr-emea-managers": {"unit": "emea", "role": "manager"},
        "okr-emea-viewers": {"unit": "emea", "role": "viewer"},
        "okr-everyone": [{"unit": company.pk, "role": "viewer"}],
    }
    settings.OIDC_GROUPS_CLAIM = "groups"
    return settings.OIDC_GROUP_ROLES


@pytest.fixture
def backend(settings):
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:1/token"
    settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:1/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:1/jwks"
    settings.OIDC_RP_CLIENT_ID = "okrplatform"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    return OIDCBackend()


def roles_of(user) -> dict[str, str]:
    return dict(Membership.objects.filter(user=user).values_list("unit__code", "role"))


def test_groups_give_the_strongest_role_they_map_to_in_each_unit(mapping, vera):
    apply_group_roles(vera, {"groups": ["okr-emea-viewers", "okr-emea-managers", "okr-everyone"]})
    assert roles_of(vera) == {"emea": "manager", "helix": "viewer"}


def test_leaving_a_group_takes_its_role_away_and_other_roles_stay(mapping, alice, apac):
    MembershipFactory(user=alice, unit=apac, role=Membership.Role.CONTRIBUTOR)  # set in admin
    apply_group_roles(alice, {"groups": ["okr-everyone"]})
    assert roles_of(alice) == {"helix": "viewer", "apac": "contributor"}


def test_one_group_may_arrive_as_a_plain_string(mapping, vera):
    apply_group_roles(vera, {"groups": "okr-emea-managers"})
    assert roles_of(vera) == {"emea": "manager"}


def test_a_unit_that_does_not_exist_is_reported_and_the_rest_applied(settings, emea, vera, caplog):
    settings.OIDC_GROUP_ROLES = {
        "okr-emea-managers": {"unit": "emea", "role": "manager"},
        "okr-latam": {"unit": "latam", "role": "viewer"},
    }
    with caplog.at_level(logging.WARNING, logger="okrplatform.accounts.oidc"):
        apply_group_roles(vera, {"groups": ["okr-emea-managers", "okr-latam"]})
    assert roles_of(vera) == {"emea": "manager"}
    assert "OIDC_GROUP_ROLES names units that do not exist: ['latam']" in caplog.text


def test_without_a_mapping_roles_are_left_alone(settings, vera):
    settings.OIDC_GROUP_ROLES = {}
    apply_group_roles(vera, {"groups": ["okr-emea-managers"]})
    assert roles_of(vera) == {"emea": "viewer"}


def test_a_new_person_gets_the_providers_username_names_and_no_password(backend, mapping):
    dana = backend.create_user(
        {
            "email": "dana@helix.example",
            "preferred_username": "dana",
            "given_name": "Dana",
            "family_name": "Weiss",
            "groups": ["okr-everyone"],
        }
    )
    assert (dana.username, dana.first_name, dana.last_name) == ("dana", "Dana", "Weiss")
    assert not dana.has_usable_password()
    assert roles_of(dana) == {"helix": "viewer"}


@pytest.mark.parametrize(
    ("preferred", "taken", "expected"),
    [
        ("dana", [], "dana"),
        ("dana", ["dana"], "dana@helix.example"),
        ("Dana Weiss!", [], "dana@helix.example"),  # not a valid username here
        ("dana", ["dana", "dana@helix.example"], "dana@helix.example-2"),
    ],
)
def test_a_username_is_found_that_is_free(backend, settings, preferred, taken, expected):
    settings.OIDC_GROUP_ROLES = {}
    for username in taken:
        UserFactory(username=username)
    user = backend.create_user({"email": "dana@helix.example", "preferred_username": preferred})
    assert user.username == expected


def test_people_are_matched_by_e_mail_in_any_case(backend, bob):
    bob.email = "bob.keller@helix.example"
    bob.save()
    assert list(backend.filter_users_by_claims({"email": "Bob.Keller@HELIX.example"})) == [bob]


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"email": "dana@helix.example", "email_verified": True}, True),
        ({"email": "dana@helix.example"}, True),  # providers that do not say (Azure AD)
        ({"email": "dana@helix.example", "email_verified": False}, False),
        ({"sub": "123"}, False),
    ],
)
def test_only_an_address_the_provider_vouches_for_signs_anyone_in(backend, claims, accepted):
    assert backend.verify_claims(claims) is accepted


def test_signing_in_again_brings_names_up_to_date(backend, mapping, bob):
    backend.update_user(bob, {"email": bob.email, "given_name": "Robert", "groups": []})
    bob.refresh_from_db()
    assert (bob.first_name, bob.last_name) == ("Robert", "Keller")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "must be a JSON object"),
        ({"g": {"unit": "emea"}}, 'needs {"unit": …, "role": …}'),
        ({"g": {"unit": "emea", "role": "owner"}}, "use one of viewer, contributor, manager"),
        ({"g": {"unit": True, "role": "viewer"}}, "give a unit code (text) or its number"),
    ],
)
def test_a_mistyped_mapping_fails_loudly(value, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        normalise_group_roles(value)
