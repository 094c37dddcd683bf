"""Admin building blocks shared by every app: history, optimistic locking, our stylesheet."""

from __future__ import annotations

from concurrency.admin import ConcurrentModelAdmin
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .concurrency import ConcurrentEditForm

MEDIA_CSS = {"all": ["okr/okr.css"]}


class StyledAdmin(admin.ModelAdmin):
    """An admin with our progress bars and badges."""

    class Media:
        css = MEDIA_CSS


class HistoryAdmin(SimpleHistoryAdmin):
    """Keeps an audit trail, for models without a version to lock on."""

    class Media:
        css = MEDIA_CSS


class VersionedAdmin(SimpleHistoryAdmin, ConcurrentModelAdmin):
    """Keeps an audit trail and refuses to overwrite someone else's newer edit."""

    form = ConcurrentEditForm

    class Media:
        css = MEDIA_CSS
