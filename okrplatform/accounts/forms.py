"""The profile form and Django's password forms, styled and sent in the reader's language."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from okrplatform.forms import BootstrapFormMixin
from okrplatform.languages import language_for

from .languages import language_choices

# Time zone areas in the order people look for them; names outside these (Etc/GMT+3, US/…,
# posix/…) are aliases of the same zones.
TIME_ZONE_AREAS = {
    "Africa": _("Africa"),
    "America": _("America"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}


@functools.cache
def _zones_by_area() -> dict[str, list[str]]:
    areas: dict[str, list[str]] = {area: [] for area in TIME_ZONE_AREAS}
    for name in sorted(zoneinfo.available_timezones()):
        area = name.split("/", 1)[0]
        if area in areas and "/" in name:
            areas[area].append(name)
    return areas


def time_zone_choices(current: str = "") -> list[Any]:
    """Every time zone grouped by area ("Europe" → "Berlin"), the person's own kept if it is
    an alias outside the areas."""
    choices: list[Any] = [("", _("The site's time zone (%(zone)s)") % {"zone": settings.TIME_ZONE})]
    choices.append(("UTC", "UTC"))
    known = {"UTC"}
    for area, zones in _zones_by_area().items():
        cities = [(name, name.split("/", 1)[1].replace("_", " ")) for name in zones]
        choices.append((TIME_ZONE_AREAS[area], cities))
        known.update(zones)
    if current and current not in known:
        choices.insert(1, (current, current))
    return choices


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    """What a person sets for themselves: language (and with it how dates look), time zone,
    and which e-mails they get."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    timezone = forms.ChoiceField(label=_("Time zone"), required=False)

    class Meta:
        model = get_user_model()
        fields = [
            "language",
            "timezone",
            "email_notifications",
            "email_check_in_digest",
            "email_stale_kpi_digest",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = cast(forms.ChoiceField, self.fields["language"])
        language.choices = [
            ("", _("As my browser asks")),
            *language_choices(),
        ]
        language.help_text = _(
            "Your language also sets how dates and numbers look: English (UK) writes the day first."
        )
        time_zone = cast(forms.ChoiceField, self.fields["timezone"])
        time_zone.choices = time_zone_choices(self.instance.timezone)
        time_zone.help_text = _("Times are shown in this zone.")


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    """Django's reset form; the e-mail goes out in the person's own language."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        language = language_for(user.language) if user.language else translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    pass
