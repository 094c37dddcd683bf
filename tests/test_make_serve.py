"""`DEBUG=0 make serve` works as written: it collects the static files itself and serves them
(WhiteNoise, from the manifest) with gunicorn, instead of answering every page with a 500."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_make_serve_with_debug_off_collects_static_files_and_serves_them(tmp_path):
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_BROKER_URL", "ALLOWED_HOSTS"}
    }
    environment |= {
        "DEBUG": "0",
        "SECRET_KEY": "only-for-this-test-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    # The venv running this test, taken as installed (-o install: make installs nothing).
    command = [shutil.which("make"), "serve", f"ADDRESS=127.0.0.1:{port}", f"VENV={sys.prefix}"]
    server = subprocess.Popen(
        [*command, "-o", "install"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make, its shell and gunicorn: stopped together below
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if _get(f"{base}/healthz/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "make serve did not come up"
            time.sleep(0.5)

        status, _, page = _get(f"{base}/accounts/login/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.\w+\.css)"', page)
        assert stylesheet, "the page links the collected, hashed stylesheet"
        status, content_type, _ = _get(base + stylesheet.group(1))
        assert status == 200
        assert content_type.startswith("text/css")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert "DEBUG is off: collecting static files, then serving with gunicorn." in output
    assert "Listening at: http://127.0.0.1:" in output  # gunicorn, not the development server
