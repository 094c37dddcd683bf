"""Pages of the objectives app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import my_objectives


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "objectives/home.html", {"objectives": my_objectives(request.user)})
