"""Celery beat's schedule file, kept in ``dbm.dumb`` on every Python.

Python 3.13's shelve stores new files in ``dbm.sqlite3``, which puts the database in WAL mode.
Beat running inside a worker (``make run``, the worker tests) then failed now and again with
``sqlite3.OperationalError: locking protocol`` on its first sync, and the outbox relay it
schedules stopped. The schedule is a handful of entries written once a few minutes: the plain
file store is enough, and the same on 3.11 to 3.13.
"""

from __future__ import annotations

import dbm.dumb
import shelve

from celery.beat import PersistentScheduler


class _DumbShelve:
    """The part of the ``shelve`` module the scheduler uses, always on ``dbm.dumb``."""

    @staticmethod
    def open(filename: str, flag: str = "c", writeback: bool = False) -> shelve.Shelf:
        # dbm.dumb is a MutableMapping of bytes; typeshed types it as its own _Database.
        return shelve.Shelf(dbm.dumb.open(filename, flag), writeback=writeback)  # type: ignore[arg-type]


class FileScheduler(PersistentScheduler):
    """Celery's own persistent scheduler with its shelve on ``dbm.dumb`` (files ``<schedule>.dat``
    and ``<schedule>.dir``)."""

    persistence = _DumbShelve
