"""A Redis cache that degrades: while Redis is away, reads miss and writes are dropped, so every
page and API call still answers, only without the cache's help (pages are built, throttles let
requests through). A log line says so, at most once a minute per process."""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
LOG_EVERY = 60.0
_last_logged = 0.0


def _note(operation: str, error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY:
        _last_logged = now
        logger.warning("cache unreachable, %s skipped: %s", operation, error)


def _forgiving(name: str, missing):
    def decorate(method):
        @wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _note(name, error)
                return missing(args, kwargs) if callable(missing) else missing

        return call

    return decorate


def _default(args, kwargs):
    return kwargs.get("default", args[1] if len(args) > 1 else None)


class DegradingRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis cannot be reached."""

    get = _forgiving("get", _default)(RedisCache.get)
    get_many = _forgiving("get_many", {})(RedisCache.get_many)
    has_key = _forgiving("has_key", False)(RedisCache.has_key)
    set = _forgiving("set", None)(RedisCache.set)
    set_many = _forgiving("set_many", [])(RedisCache.set_many)
    add = _forgiving("add", False)(RedisCache.add)
    touch = _forgiving("touch", False)(RedisCache.touch)
    delete = _forgiving("delete", False)(RedisCache.delete)
    delete_many = _forgiving("delete_many", None)(RedisCache.delete_many)
    clear = _forgiving("clear", None)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            _note("incr", error)
            raise ValueError(f"Key {key!r} not found (the cache is unreachable).") from error
