"""Forms for check-ins, objectives and their key results."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from okrplatform.concurrency import ConcurrentEditForm
from okrplatform.forms import BootstrapFormMixin, LocalizedDecimalField, measured_value_field
from okrplatform.http import id_from
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit, User

from .models import CatchballMessage, Cycle, KeyResult, Objective
from .progress import MetricType
from .selectors import visible_objectives

CONFIDENCE_MESSAGE = _("Confidence runs from 0 (no chance) to 10 (certain).")


class CheckInForm(BootstrapFormMixin, forms.Form):
    """The fields of a check-in; its rules are ``check_in_record``'s, mapped onto them."""

    value = measured_value_field()
    confidence = forms.IntegerField(
        label=_("Confidence (0–10)"),
        min_value=0,
        max_value=10,
        error_messages={
            "invalid": CONFIDENCE_MESSAGE,
            "min_value": CONFIDENCE_MESSAGE,
            "max_value": CONFIDENCE_MESSAGE,
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Progress, blockers, next steps."),
    )

    def __init__(self, *args, key_result: KeyResult, **kwargs) -> None:
        self.key_result = key_result
        kwargs.setdefault(
            "initial",
            {
                "value": key_result.current_value
                if key_result.current_value is not None
                else key_result.start_value,
                "confidence": key_result.confidence,
            },
        )
        super().__init__(*args, **kwargs)
        if key_result.metric_type == MetricType.BOOLEAN:
            self.fields["value"] = forms.TypedChoiceField(
                label=_("Done?"),
                choices=[("0", _("Not yet")), ("1", _("Yes, done"))],
                coerce=Decimal,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        else:
            self.fields["value"].label = (
                _("Value in %(unit)s") % {"unit": key_result.unit_label}
                if key_result.unit_label
                else _("Value")
            )


class ObjectiveForm(BootstrapFormMixin, ConcurrentEditForm):
    class Meta:
        model = Objective
        fields = [
            "title",
            "description",
            "unit",
            "owner",
            "cycle",
            "level",
            "kind",
            "perspective",
            "parent",
            "progress_source",
            "weight",
            "version",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"weight": LocalizedDecimalField}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        access = access_for(user)
        units = OrgUnit.objects.order_by("name")
        if not access.sees_everything:
            units = units.filter(pk__in=access.managed_unit_ids)
        self.fields["unit"].queryset = units
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        self.fields["cycle"].queryset = Cycle.objects.exclude(
            state=Cycle.State.CLOSED
        ) | Cycle.objects.filter(pk=self.instance.cycle_id)
        self.fields["parent"].queryset = visible_objectives(user).exclude(pk=self.instance.pk)
        self.fields["parent"].required = False
        # Never render every objective the user may see: the view offers a short list and a
        # search (see ``selectors.parent_candidates``).
        self.limit_parent_choices([])

    def limit_parent_choices(self, candidates: list[Objective]) -> None:
        """Render only these parents (the field still accepts any objective the user may see)."""
        current = [self.instance.parent] if self.instance.parent_id else []
        chosen = self._chosen_parent()
        shown = {objective.pk: objective for objective in [*current, *chosen, *candidates]}
        self.fields["parent"].widget.choices = [
            ("", _("— none: not aligned to a parent —")),
            *[(pk, parent_label(objective)) for pk, objective in shown.items()],
        ]

    def _chosen_parent(self) -> list[Objective]:
        """The parent picked in the submitted form, so that a re-shown form keeps it."""
        chosen = id_from(self.data.get(self.add_prefix("parent"))) if self.is_bound else None
        if chosen is None:
            return []
        return list(self.fields["parent"].queryset.filter(pk=chosen))


def parent_label(objective: Objective) -> str:
    return f"{objective.title} · {objective.unit} · {objective.cycle}"


class KeyResultForm(BootstrapFormMixin, ConcurrentEditForm):
    class Meta:
        model = KeyResult
        fields = [
            "title",
            "owner",
            "metric_type",
            "unit_label",
            "direction",
            "start_value",
            "target_value",
            "weight",
            "version",
        ]
        field_classes = {
            "start_value": LocalizedDecimalField,
            "target_value": LocalizedDecimalField,
            "weight": LocalizedDecimalField,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        self.fields["title"].label = _("Key result")
        # A yes/no result needs no numbers: the model sets them to 0 and 1.
        self.fields["target_value"].required = False

    def clean(self) -> dict:
        cleaned_data = super().clean()
        is_yes_no = cleaned_data.get("metric_type") == MetricType.BOOLEAN
        if not is_yes_no and cleaned_data.get("target_value") is None:
            self.add_error("target_value", _("Give the target to reach."))
        return cleaned_data


class BaseKeyResultFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index: int | None) -> dict:
        """A new key result starts with the objective's owner as its owner."""
        kwargs = super().get_form_kwargs(index)
        is_new = index is None or index >= self.initial_form_count()
        if is_new and self.instance.owner_id:
            kwargs["initial"] = {"owner": self.instance.owner_id, **kwargs.get("initial", {})}
        return kwargs

    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.check_ins.exists():
                form.add_error(
                    None,
                    _(
                        "“%(title)s” has check-ins, which are a record: keep it, or archive "
                        "the whole objective."
                    )
                    % {"title": form.instance.title},
                )
                raise ValidationError(_("A key result with check-ins cannot be deleted."))


KeyResultFormSet = inlineformset_factory(
    Objective,
    KeyResult,
    form=KeyResultForm,
    formset=BaseKeyResultFormSet,
    extra=1,
    can_delete=True,
)


class CatchballForm(BootstrapFormMixin, forms.Form):
    action = forms.ChoiceField(choices=CatchballMessage.Action.choices, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to return an objective: say what would make it agreeable."),
    )


class DeployForm(BootstrapFormMixin, forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Deploy to"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one unit to deploy to.")},
    )
    copy_key_results = forms.BooleanField(
        label=_("Start each copy with these key results"),
        required=False,
        initial=True,
        help_text=_(
            "Each unit then adapts the targets to its market; currency key results take the "
            "unit's currency."
        ),
    )

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units


class InterventionNoteForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
