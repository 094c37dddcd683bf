"""Where webhooks may go: never, on someone's say-so, to the inside of our own network.

A target's host is resolved and every address it has must be public (not loopback, private,
link-local, shared or reserved) unless ``WEBHOOKS_ALLOW_PRIVATE_TARGETS`` is on; with
``WEBHOOKS_TARGET_HOSTS`` set, the host must be one of those too. Checked when a subscription is
saved, for a clear answer, and again before every delivery, since a name can change addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class TargetRefused(Exception):
    """The target may not be sent to; the message says why, in the reader's language."""


class TargetUnresolved(TargetRefused):
    """The host has no address now: perhaps a passing failure of the name service."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _host_and_port(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            return parts.hostname.lower(), parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a malformed IPv6 address or port
        pass
    raise TargetRefused(_("Use an http:// or https:// address."))


def target_check(url: str) -> None:
    """Raise ``TargetRefused`` unless webhooks may be sent to ``url``."""
    host, port = _host_and_port(url)
    allowed = [name.lower() for name in settings.WEBHOOKS_TARGET_HOSTS]
    if allowed and host not in allowed:
        raise TargetRefused(
            _("Webhooks may only be sent to %(hosts)s on this site.")
            % {"hosts": ", ".join(allowed)}
        )
    if settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS:
        return
    try:
        addresses = {
            str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        }
    except (socket.gaierror, UnicodeError, ValueError) as error:
        raise TargetUnresolved(_("The host %(host)s cannot be found.") % {"host": host}) from error
    if not all(_is_public(address) for address in addresses):
        raise TargetRefused(
            _(
                "%(host)s is a loopback, private or reserved address: webhooks go only to public "
                "addresses unless the operator allows private ones."
            )
            % {"host": host}
        )
