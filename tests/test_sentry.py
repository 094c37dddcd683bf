"""Errors go to Sentry when SENTRY_DSN is set: a real SDK sending to a Sentry-shaped endpoint
on 127.0.0.1, without the person's data; nothing is sent when it is not set."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import zlib

import pytest

from tests.test_settings import PRODUCTION, manage


class _Collector(http.server.BaseHTTPRequestHandler):
    envelopes: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    _Collector.envelopes = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public-key@127.0.0.1:{server.server_address[1]}/42", _Collector.envelopes
    server.shutdown()


SCRIPT = """
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path
from django.contrib.auth import get_user_model

def broken(request):
    raise RuntimeError("the rollup exploded")

urlpatterns = [path("broken/", broken)]
production = {"ALLOWED_HOSTS": ["testserver"], "SECURE_SSL_REDIRECT": False}
with override_settings(ROOT_URLCONF=__name__, **production):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/", {"email": "anna@helix.example"})
    print("status", response.status_code)
sentry_sdk.flush(timeout=10)
"""


def test_an_error_in_a_view_reaches_sentry_without_personal_data(sentry, tmp_path):
    dsn, envelopes = sentry
    script = tmp_path / "raise_in_a_view.py"
    script.write_text(SCRIPT)
    result = manage(
        "shell",
        "-c",
        f"import runpy; runpy.run_path({str(script)!r}, run_name='raise_in_a_view')",
        env={
            **PRODUCTION,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "SENTRY_DSN": dsn,
            "SENTRY_ENVIRONMENT": "staging",
            "LOG_LEVEL": "CRITICAL",
        },
    )
    assert "status 500" in result.stdout, result.stdout + result.stderr
    events = [
        json.loads(line)
        for envelope in envelopes
        for line in envelope.splitlines()[1:]
        if line.startswith(b"{") and b'"exception"' in line
    ]
    assert events, f"nothing reached Sentry: {envelopes!r}"
    (event,) = events
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "the rollup exploded")
    assert event["environment"] == "staging"
    assert "user" not in event or "ip_address" not in event.get("user", {})
    assert "cookies" not in event.get("request", {})


def test_without_a_dsn_nothing_is_set_up():
    result = manage(
        "shell",
        "-c",
        "import sentry_sdk; print('active', sentry_sdk.get_client().is_active())",
        env={"SENTRY_DSN": ""},
    )
    assert "active False" in result.stdout, result.stderr
