"""Logs that say when, how bad, where, for which request and whose: one JSON object a line in
production (LOG_FORMAT=json), the same fields as plain text on a laptop.

A request gets an id (the X-Request-ID it came with, if it looks like one, else a new one), which
every line logged while it is handled carries, as does the response header. The person is named
once something has looked them up: logging never causes a query of its own. A Celery task's lines
carry the task's name and id.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

_request: ContextVar[HttpRequest | None] = ContextVar("request", default=None)
_request_id: ContextVar[str] = ContextVar("request_id", default="")
_task: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "context"}
# Probes answer every few seconds; their lines would drown the rest.
_QUIET_PATHS = ("/healthz/", "/readyz/")

request_logger = logging.getLogger("okrplatform.requests")


def _user_of(request: HttpRequest) -> str:
    """The signed-in person's username, if the request has already looked them up."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped  # type: ignore[attr-defined]
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(user.get_username())


def current_context() -> dict[str, str]:
    """request_id, user, task and task_id, for those that are known here and now."""
    context = {}
    if request_id := _request_id.get():
        context["request_id"] = request_id
    if (request := _request.get()) is not None and (user := _user_of(request)):
        context["user"] = user
    if (task := _task.get()) is not None:
        context["task"], context["task_id"] = task
    return context


class RequestContextFilter(logging.Filter):
    """Puts the request id, the user and the task on every record, for either formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_context()
        for key, value in context.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        record.context = " ".join(f"{key}={value}" for key, value in context.items())
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the request's or
    task's context, anything passed with ``extra=``, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        entry: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestLogMiddleware:
    """First in MIDDLEWARE: gives the request its id, and logs one line when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # Reset when the response is done (request_finished), so that Django's own lines
        # about it ("Not Found: …"), logged after the middleware returns, still carry the id.
        _request_id.set(request_id)
        _request.set(request)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        level = logging.DEBUG if request.path in _QUIET_PATHS else logging.INFO
        request_logger.log(
            level,
            "%s %s %s in %s ms",
            request.method,
            request.get_full_path(),
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


def _forget_the_request(**kwargs: Any) -> None:
    _request_id.set("")
    _request.set(None)


request_finished.connect(_forget_the_request, dispatch_uid="okrplatform.logging.forget")


def task_started(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """Celery's task_prerun: the task's lines carry its name and id."""
    _task.set((getattr(task, "name", "?"), task_id or "?"))


def task_finished(**kwargs: Any) -> None:
    _task.set(None)
