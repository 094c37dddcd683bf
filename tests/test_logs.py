"""Logs say when, how bad, where, for which request and whose: JSON lines in production."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

from okrplatform.logging import JSONFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """What the production handler writes, captured: the root logger's JSON lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    requests = logging.getLogger("okrplatform.requests")
    level = requests.level
    requests.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    requests.setLevel(level)


def test_each_request_is_logged_with_time_level_logger_request_id_and_user(client, bob, json_log):
    client.force_login(bob)
    response = client.get("/", headers={"X-Request-ID": "edge-4f3a9c21"})

    assert response["X-Request-ID"] == "edge-4f3a9c21"  # the proxy's id, passed on
    (line,) = [line for line in json_log() if line["logger"] == "okrplatform.requests"]
    assert line["level"] == "INFO"
    assert line["message"].startswith("GET / 200 in ")
    assert line["time"].endswith("Z")
    assert (line["request_id"], line["user"]) == ("edge-4f3a9c21", "bob")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["duration_ms"], float)


def test_a_request_without_an_id_gets_one_and_every_line_carries_it(client, json_log):
    response = client.get("/does-not-exist/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = json_log()
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert not_found["message"] == "Not Found: /does-not-exist/"
    assert not_found["level"] == "WARNING"
    assert {line["request_id"] for line in lines} == {request_id}
    assert all("user" not in line for line in lines)  # nobody signed in


def test_an_id_that_does_not_look_like_one_is_replaced(client, json_log):
    response = client.get("/healthz/", headers={"X-Request-ID": 'x" injected\nlevel=ERROR'})
    assert response["X-Request-ID"] != 'x" injected\nlevel=ERROR'


def test_lines_outside_a_request_carry_no_request(json_log):
    Client().get("/healthz/")
    logging.getLogger("okrplatform.test").warning("after the request, %s", "alone")
    line = json_log()[-1]
    assert line["message"] == "after the request, alone"
    assert "request_id" not in line


def test_an_exception_is_logged_with_its_traceback(json_log):
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        logging.getLogger("okrplatform.test").exception("it broke")
    line = json_log()[-1]
    assert line["level"] == "ERROR"
    assert "ZeroDivisionError: division by zero" in line["exception"]


def test_production_logs_json_and_a_laptop_logs_text(settings):
    from tests.test_settings import PRODUCTION, manage

    script = (
        "import logging; from django.conf import settings; "
        "print(settings.LOGGING['handlers']['console']['formatter'])"
    )
    production = manage("shell", "-c", script, env=PRODUCTION)
    laptop = manage("shell", "-c", script, env={"DEBUG": "true"})
    assert production.stdout.split()[-1] == "json", production.stderr
    assert laptop.stdout.split()[-1] == "text", laptop.stderr
    wrong = manage("check", env={**PRODUCTION, "LOG_FORMAT": "xml"})
    assert "LOG_FORMAT must be json or text" in wrong.stderr
