"""A person's own pages: their notifications and their keys for the API."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import ApiTokenForm
from .models import ApiToken


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A person's keys for the REST API: make one (shown once), see when each was last used,
    revoke one."""
    new_key = None
    form = ApiTokenForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST" and request.POST.get("action") == "revoke":
        deleted, _rows = ApiToken.objects.filter(
            user=request.user, pk=request.POST.get("token") or 0
        ).delete()
        if deleted:
            messages.success(request, _("Token revoked: systems using it are refused from now."))
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        if ApiToken.objects.filter(user=request.user, name=name).exists():
            form.add_error("name", _("You already have a token with that name."))
        else:
            _token, new_key = ApiToken.issue(user=request.user, name=name)
            form = ApiTokenForm()
    return render(
        request,
        "alignment/api_tokens.html",
        {
            "tokens": request.user.api_tokens.all(),
            "form": form,
            "new_key": new_key,
        },
        status=400 if form.errors else 200,
    )


def signing_in_paused(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """What django-axes answers to a sign-in while its person and address are locked out."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
