"""Sign-in and sign-out, the profile page, and Django's password views in the app's style."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from okrplatform.languages import is_offered, language_for

from . import oidc
from .forms import PasswordChangeForm, PasswordResetForm, ProfileForm, SetPasswordForm
from .languages import language_not_offered_notice

if TYPE_CHECKING:
    from okrplatform.org.models import User


def password_sign_in_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Passwords are not there to change or reset when the site signs people in only by SSO."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.PASSWORD_SIGN_IN:
            raise Http404("Password sign-in is switched off.")
        return view(request, *args, **kwargs)

    return wrapped


class SignInView(auth_views.LoginView):
    """The sign-in page: a password form, a single sign-on button, or both."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "password_sign_in": settings.PASSWORD_SIGN_IN,
            "single_sign_on": settings.OIDC_ENABLED,
            "provider_name": settings.OIDC_PROVIDER_NAME,
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_SIGN_IN:
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out here, and at the identity provider too when the person came from there."""
    id_token = request.session.get("oidc_id_token")
    logout(request)
    if id_token and settings.OIDC_ENABLED and settings.OIDC_OP_LOGOUT_ENDPOINT:
        return redirect(oidc.end_session_url(request, id_token))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Said in the language just chosen, which the next page is shown in.
        with translation.override(language_for(user.language) or translation.get_language()):
            messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    notice = None
    if user.language and not is_offered(user.language):
        notice = language_not_offered_notice(user.language, request.path)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "language_notice": notice,
            "can_change_password": settings.PASSWORD_SIGN_IN and user.has_usable_password(),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset view; the link in the e-mail points at SITE_URL, never at whatever host
    the request named."""

    form_class = PasswordResetForm

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        return {"site_url": settings.SITE_URL}


password_change = password_sign_in_required(
    auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm)
)
password_change_done = password_sign_in_required(auth_views.PasswordChangeDoneView.as_view())
password_reset = password_sign_in_required(PasswordResetView.as_view())
password_reset_done = password_sign_in_required(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = password_sign_in_required(
    auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm)
)
password_reset_complete = password_sign_in_required(auth_views.PasswordResetCompleteView.as_view())


def admin_login(request: HttpRequest) -> HttpResponse:
    """Admin's own password form, or, with password sign-in off, the site's sign-in page."""
    if settings.PASSWORD_SIGN_IN:
        return admin.site.login(request)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
