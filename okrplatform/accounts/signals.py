"""Tell a person at sign-in when the language they chose is not offered (yet)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse

from okrplatform.languages import is_offered

from .languages import language_not_offered_notice


@receiver(user_logged_in, dispatch_uid="accounts.tell_of_language_fallback")
def tell_of_language_fallback(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    if request is None or not user.language or is_offered(user.language):
        return
    if not hasattr(request, "_messages"):  # e.g. the test client's force_login
        return
    messages.info(request, language_not_offered_notice(user.language, reverse("profile")))
