"""Beat keeps its schedule in plain files on every Python: the worker's embedded beat failed on
Python 3.13, whose shelve would store it in WAL-mode SQLite (okrplatform/beat.py)."""

from __future__ import annotations

from okrplatform.beat import FileScheduler
from okrplatform.celery import app


def test_beat_runs_the_file_scheduler():
    assert app.conf.beat_scheduler == "okrplatform.beat:FileScheduler"


def test_the_schedule_is_plain_files_and_survives_a_restart(tmp_path):
    path = str(tmp_path / "celerybeat-schedule")

    first = FileScheduler(app=app, schedule_filename=path, lazy=False)
    first.sync()
    due = {name: entry.last_run_at for name, entry in first.schedule.items()}
    first.close()

    files = {p.name for p in tmp_path.iterdir()}
    assert {"celerybeat-schedule.dat", "celerybeat-schedule.dir"} <= files
    assert "celerybeat-schedule" not in files, "no SQLite file of dbm.sqlite3"
    again = FileScheduler(app=app, schedule_filename=path, lazy=False)
    assert set(again.schedule) == set(due)
    assert "relay-outbox" in due
    again.close()
