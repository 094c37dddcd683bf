"""The Celery application: configuration comes from Django settings under the CELERY_ prefix."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from okrplatform.logging import task_finished, task_started

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrplatform.settings")

app = Celery("okrplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task's log lines carry its name and id (okrplatform/logging.py).
task_prerun.connect(task_started, weak=False, dispatch_uid="okrplatform.logging.task_started")
task_postrun.connect(task_finished, weak=False, dispatch_uid="okrplatform.logging.task_finished")
