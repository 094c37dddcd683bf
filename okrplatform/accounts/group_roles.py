"""The OIDC_GROUP_ROLES setting: which identity-provider group gives which role in which unit.

Written as JSON, a group to one grant or a list of them; a unit is named by its code (a string)
or its primary key (a number)::

    {"okr-emea-managers": {"unit": "emea", "role": "manager"},
     "okr-everyone": [{"unit": "helix", "role": "viewer"}, {"unit": 7, "role": "viewer"}]}

Read by settings.py, so it imports nothing from the apps.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

# From least to most; the values of alignment's Membership.Role.
ROLES = ("viewer", "contributor", "manager")

GroupRoles = dict[str, list[tuple[str | int, str]]]


def normalise_group_roles(value: Any) -> GroupRoles:
    """The mapping as group → [(unit code or pk, role)], or ImproperlyConfigured saying what
    is wrong with it."""
    if not isinstance(value, dict):
        raise ImproperlyConfigured("OIDC_GROUP_ROLES must be a JSON object: group → grant.")
    mapping: GroupRoles = {}
    for group, grants in value.items():
        grants = grants if isinstance(grants, list) else [grants]
        mapping[str(group)] = []
        for grant in grants:
            if not isinstance(grant, dict) or set(grant) != {"unit", "role"}:
                raise ImproperlyConfigured(
                    f'OIDC_GROUP_ROLES: group {group!r} needs {{"unit": …, "role": …}}, '
                    f"not {grant!r}."
                )
            unit, role = grant["unit"], grant["role"]
            if role not in ROLES:
                raise ImproperlyConfigured(
                    f"OIDC_GROUP_ROLES: group {group!r} has role {role!r}; "
                    f"use one of {', '.join(ROLES)}."
                )
            if isinstance(unit, bool) or not isinstance(unit, str | int) or unit == "":
                raise ImproperlyConfigured(
                    f"OIDC_GROUP_ROLES: group {group!r} names unit {unit!r}; "
                    "give a unit code (text) or its number."
                )
            mapping[str(group)].append((unit, role))
    return mapping


def strongest(*roles: str) -> str:
    return max(roles, key=ROLES.index)
