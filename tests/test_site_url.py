"""SITE_URL is the one address an operator sets: e-mail links, the host names the site answers
to, and whether production insists on HTTPS all follow from it unless set apart."""

from __future__ import annotations

from tests.test_settings import PRODUCTION, manage

SHOW = (
    "from django.conf import settings as s; "
    "print(s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
)


def show(**env: str) -> str:
    result = manage("shell", "-c", SHOW, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_answers_to_the_site_host_and_insists_on_https():
    production = {key: value for key, value in PRODUCTION.items() if key != "ALLOWED_HOSTS"}
    assert show(**production, ALLOWED_HOSTS="") == (
        "['okr.example.com', '127.0.0.1', 'localhost'] True True 31536000"
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_off_on_plain_http_works_as_it_is():
    # `DEBUG=0 make serve` on a laptop: http://127.0.0.1:8000, no redirect to an https that
    # nothing serves, cookies that the browser sends back.
    laptop = {
        "DEBUG": "false",
        "SECRET_KEY": PRODUCTION["SECRET_KEY"],
        "SITE_URL": "",
        "ALLOWED_HOSTS": "",
    }
    assert show(**laptop) == "['127.0.0.1', 'localhost'] False False 0"


def test_each_rule_can_still_be_set_apart():
    assert show(**PRODUCTION, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="60").endswith(
        "False True 60"
    )
