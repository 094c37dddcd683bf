"""The signature a receiver checks: HMAC-SHA256 over the timestamp, a dot and the raw body.

Signing the timestamp with the body lets a receiver refuse a replayed delivery: one whose
``X-OKR-Timestamp`` is more than a few minutes old (README: "Verifying a delivery").
"""

from __future__ import annotations

import hashlib
import hmac


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The value of ``X-OKR-Signature``: ``sha256=<hex digest>``."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_holds(*, secret: str, timestamp: int, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret=secret, timestamp=timestamp, body=body), header)
