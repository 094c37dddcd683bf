"""A real HTTP receiver on 127.0.0.1 for webhooks to reach, and subscriptions to point at it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from okrplatform.webhooks.models import WebhookSubscription
from okrplatform.webhooks.services import subscription_save
from tests.api.conftest import api  # noqa: F401 - clients that sign in with a token


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


class Receiver:
    """An HTTP server in a thread that records every POST and answers with the status codes it
    is told to, in turn (then 200), after ``delay`` seconds."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                status = receiver.answers.pop(0) if receiver.answers else 200
                time.sleep(receiver.delay)
                answer = b"thanks" if status < 300 else b"something broke here"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hooks/okr") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def _receivers_on_this_machine_are_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.stop()


def subscribe(*, owner, url: str, events: list[str], **fields) -> WebhookSubscription:
    subscription = WebhookSubscription(
        name=fields.pop("name", "ERP alerts"), owner=owner, target_url=url, events=events, **fields
    )
    subscription.full_clean()
    return subscription_save(subscription=subscription)
