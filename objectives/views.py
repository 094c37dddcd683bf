"""Pages of the objectives app: my work, an objective, check-ins, creating and editing."""

from __future__ import annotations

from concurrency.exceptions import RecordModifiedError
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from objectives.conflicts import possible_conflicts
from objectives.selectors import default_cycle
from okrplatform.history import history_response
from okrplatform.http import HtmxHttpRequest
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit

from . import quality
from .catchball import actions_for, catchball_turn, is_party
from .deployment import deployable_units, deployment_comparison, objective_deploy, units_with_copies
from .forms import (
    CatchballForm,
    CheckInForm,
    DeployForm,
    InterventionNoteForm,
    KeyResultFormSet,
    ObjectiveForm,
)
from .interventions import intervention_acknowledge, intervention_add_note, intervention_resolve
from .models import Cycle, Intervention, KeyResult, KPILink, Objective
from .selectors import (
    also_supported,
    catchball_waiting_for,
    initiatives_of,
    my_objectives,
    my_open_interventions,
    my_unread_notifications,
    needing_attention,
    objective_for_page,
    objective_progress_now,
    parent_candidates,
    progress_chart,
    progress_chart_expected,
)
from .services import check_in_record, objective_archive, objective_restore, objective_save

OBJECTIVE_PAGE = "objectives/objective_detail.html"


def _get_objective_for_manager(request: HtmxHttpRequest, pk: int) -> Objective:
    objective = get_object_or_404(
        Objective.objects.select_related("unit", "cycle", "parent__unit", "parent__cycle"), pk=pk
    )
    if not request.user.has_perm("objectives.edit_objective", objective):
        raise PermissionDenied
    return objective


def _get_key_result_for_contributor(request: HtmxHttpRequest, pk: int) -> KeyResult:
    key_result = get_object_or_404(
        KeyResult.objects.select_related("owner", "objective__cycle", "objective__unit"), pk=pk
    )
    if not request.user.has_perm("objectives.check_in", key_result):
        raise PermissionDenied
    return key_result


def _safe_next(request: HtmxHttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    objectives = list(my_objectives(request.user))
    return render(
        request,
        "objectives/home.html",
        {
            "objectives": objectives,
            "attention": needing_attention(objectives, request.user, timezone.now()),
            "interventions": my_open_interventions(request.user),
            "notifications": my_unread_notifications(request.user),
            "catchball": catchball_waiting_for(request.user),
        },
    )


@login_required
def objective_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(objective_for_page(), pk=pk)
    if not request.user.has_perm("objectives.see_objective", objective):
        raise PermissionDenied
    return _objective_page(request, objective)


def _possible_conflicts(request: HtmxHttpRequest, objective: Objective) -> list:
    # Its links are read with it (objective_for_page): without a guard, nothing more to read.
    links = objective.kpi_links.all()
    if not any(link.kind == KPILink.Kind.GUARDS for link in links):
        return []
    return possible_conflicts(links, access=access_for(request.user), known=[objective])


def _objective_page(
    request: HtmxHttpRequest, objective: Objective, *, catchball_form: CatchballForm | None = None
) -> HttpResponse:
    chart = progress_chart(objective)
    can_edit = request.user.has_perm("objectives.edit_objective", objective)
    supports, supported_by = also_supported(objective)
    return render(
        request,
        OBJECTIVE_PAGE,
        {
            "objective": objective,
            "conflicts": _possible_conflicts(request, objective),
            "supports": supports,
            "supported_by": supported_by,
            "chart": chart,
            "chart_data": chart.as_json_data(),
            "initiatives": initiatives_of(objective),
            "warnings": quality.objective_warnings(objective),
            "can_edit": can_edit,
            "catchball_actions": actions_for(request.user, objective),
            "catchball_form": catchball_form or CatchballForm(),
            "can_deploy": can_edit
            and not objective.is_archived
            and OrgUnit.objects.filter(parent=objective.unit_id).exists(),
        },
        status=400 if catchball_form is not None else 200,
    )


@login_required
@require_POST
def objective_catchball(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One turn of catchball: propose, agree, return or comment."""
    objective = get_object_or_404(objective_for_page(), pk=pk)
    if not is_party(request.user, objective):
        raise PermissionDenied
    form = CatchballForm(request.POST)
    if form.is_valid():
        try:
            catchball_turn(
                objective=objective,
                by=request.user,
                action=form.cleaned_data["action"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Done; the other side has been told."))
            return redirect(reverse("objective_detail", args=[pk]) + "#catchball")
    return _objective_page(request, objective, catchball_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def objective_deploy_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Deploy an objective to units below its own as local copies."""
    original = _get_objective_for_manager(request, pk)
    candidates = deployable_units(original)
    taken = units_with_copies(original)
    form = DeployForm(
        request.POST if request.method == "POST" else None,
        units=candidates.exclude(pk__in=taken),
    )
    if request.method == "POST" and form.is_valid():
        try:
            copies = objective_deploy(
                original=original,
                units=list(form.cleaned_data["units"]),
                by=request.user,
                copy_key_results=form.cleaned_data["copy_key_results"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Deployed to %(units)s. Each owner has been asked to adapt the key results.")
                % {"units": ", ".join(copy.unit.name for copy in copies)},
            )
            return redirect("objective_deployments", pk=original.pk)
    chosen = {str(value) for value in form["units"].value() or []}
    depth_of_own = min((unit.tree_depth for unit in candidates), default=1)
    return render(
        request,
        "objectives/objective_deploy.html",
        {
            "objective": original,
            "form": form,
            "units": [
                {
                    "unit": unit,
                    "indent": unit.tree_depth - depth_of_own,
                    "taken": unit.pk in taken,
                    "checked": str(unit.pk) in chosen,
                }
                for unit in candidates
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def objective_deployments(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The copies of a deployed objective side by side: the regions on the same goal."""
    objective = get_object_or_404(Objective.objects.select_related("unit", "cycle", "owner"), pk=pk)
    if not request.user.has_perm("objectives.see_objective", objective):
        raise PermissionDenied
    if objective.deployed_from_id:
        return redirect("objective_deployments", pk=objective.deployed_from_id)
    comparison = deployment_comparison(objective)
    # Comparing the regions is the page's purpose: whoever sees the original sees every copy's
    # progress, status and key results here, and opens only the copies they may see anyway.
    access = access_for(request.user)
    for copy in comparison.copies:
        copy.may_open = access.sees(copy.unit_id) or copy.owner_id == request.user.pk
    return render(
        request,
        "objectives/objective_deployments.html",
        {
            "objective": objective,
            "copies": comparison.copies,
            "chart_data": {
                "objective": None,
                "expected": {
                    "label": _("Expected progress"),
                    "points": progress_chart_expected(objective),
                },
                "keyResults": [series for series in comparison.series if series["points"]],
            },
            "can_deploy": request.user.has_perm("objectives.edit_objective", objective),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_result_check_ins(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the full check-in history of a KR, newest first. POST: check in."""
    if request.method == "POST":
        return _check_in(request, pk)
    key_result = get_object_or_404(
        KeyResult.objects.select_related("owner", "objective__cycle", "objective__unit"), pk=pk
    )
    if not request.user.has_perm("objectives.see_objective", key_result.objective):
        raise PermissionDenied
    can_check_in = request.user.has_perm("objectives.check_in", key_result)
    return render(
        request,
        "objectives/key_result_check_ins.html",
        {
            "key_result": key_result,
            "check_ins": key_result.check_ins.select_related("author").order_by(
                "-created_at", "-id"
            ),
            "form": CheckInForm(key_result=key_result) if can_check_in else None,
            "can_check_in": can_check_in,
        },
    )


@login_required
@require_GET
def key_result_row(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A key result's rows on a page, with the check-in form open when asked (htmx)."""
    key_result = get_object_or_404(
        KeyResult.objects.select_related("owner", "objective__cycle", "objective__unit"), pk=pk
    )
    if not request.user.has_perm("objectives.see_objective", key_result.objective):
        raise PermissionDenied
    open_form = request.GET.get("check_in") == "1"
    if open_form and not request.user.has_perm("objectives.check_in", key_result):
        raise PermissionDenied
    return render(
        request,
        f"{OBJECTIVE_PAGE}#key-result-rows",
        {
            "key_result": key_result,
            "form_open": open_form,
            "next": _safe_next(
                request, reverse("objective_detail", args=[key_result.objective_id])
            ),
        },
    )


def _check_in(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    key_result = _get_key_result_for_contributor(request, pk)
    form = CheckInForm(request.POST, key_result=key_result, auto_id=f"check-in-{pk}-%s")
    checked_in = False
    if form.is_valid():
        try:
            recorded = check_in_record(
                key_result=key_result, author=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)  # the service's rules name the field they are about
        else:
            checked_in, key_result = True, recorded.key_result
    if request.htmx:
        next_url = _safe_next(request, reverse("objective_detail", args=[key_result.objective_id]))
        context = {
            "key_result": key_result,
            "objective": key_result.objective,
            "form": None if checked_in else form,
            "form_open": not checked_in,
            "just_checked_in": checked_in,
            "can_check_in": True,
            "objective_progress": objective_progress_now(key_result.objective),
            "next": next_url,
        }
        if checked_in and next_url == reverse("home"):
            # My work's "needs your attention first" list follows the check-in (out of band).
            context["attention"] = needing_attention(
                list(my_objectives(request.user)), request.user, timezone.now()
            )
        return render(request, f"{OBJECTIVE_PAGE}#check-in-response", context)
    if checked_in:
        messages.success(request, _("Checked in on “%(title)s”.") % {"title": key_result.title})
        return redirect(_safe_next(request, reverse("key_result_check_ins", args=[pk])))
    response = render(
        request,
        "objectives/key_result_check_ins.html",
        {
            "key_result": key_result,
            "check_ins": key_result.check_ins.select_related("author").order_by("-created_at"),
            "form": form,
            "can_check_in": True,
        },
    )
    response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def objective_create(request: HtmxHttpRequest) -> HttpResponse:
    unit = OrgUnit.objects.filter(pk=request.GET.get("unit") or 0).first()
    cycle = Cycle.objects.filter(pk=request.GET.get("cycle") or 0).first()
    may_create = (
        request.user.has_perm("objectives.create_objective_in", unit)
        if unit is not None
        else access_for(request.user).sees_everything or access_for(request.user).managed_unit_ids
    )
    if not may_create:
        raise PermissionDenied
    objective = Objective(unit=unit, cycle=cycle or default_cycle(), owner=request.user)
    return _objective_form_page(request, objective)


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    objective = _get_objective_for_manager(request, pk)
    return _objective_form_page(request, objective)


def _objective_form_page(request: HtmxHttpRequest, objective: Objective) -> HttpResponse:
    creating = objective.pk is None
    if request.method == "POST":
        form = ObjectiveForm(request.POST, instance=objective, user=request.user)
        formset = KeyResultFormSet(request.POST, instance=objective, prefix="key_results")
        if form.is_valid() and formset.is_valid():
            unit = form.cleaned_data["unit"]
            if not request.user.has_perm("objectives.create_objective_in", unit):
                raise PermissionDenied
            try:
                saved = objective_save(objective_form=form, key_result_formset=formset)
            except RecordModifiedError:
                # Saved by someone else between the check and the save: nothing of this one
                # was stored (the service's transaction rolled back); say so, keep the input.
                form.refuse_stale_save()
            except IntegrityError:
                form.add_error(
                    None,
                    _(
                        "Saving this collided with another change made at the same moment. "
                        "Nothing was saved; your input is kept: save again."
                    ),
                )
            else:
                messages.success(request, _("Objective saved."))
                for warning in quality.objective_warnings(saved):
                    messages.warning(request, warning)
                return redirect("objective_detail", pk=saved.pk)
    else:
        form = ObjectiveForm(instance=objective, user=request.user)
        formset = KeyResultFormSet(instance=objective, prefix="key_results")
    form.limit_parent_choices(
        parent_candidates(request.user, unit=objective.unit, cycle=objective.cycle)
        if objective.unit_id and objective.cycle_id
        else []
    )
    return render(
        request,
        "objectives/objective_form.html",
        {
            "form": form,
            "formset": formset,
            "objective": objective,
            "creating": creating,
            "unit_warnings": quality.unit_warnings(objective.unit, objective.cycle)
            if objective.unit_id and objective.cycle_id
            else [],
        },
    )


@login_required
@require_GET
def parent_options(request: HtmxHttpRequest) -> HttpResponse:
    """The <option>s of the parent select, for the search box on the objective form."""
    unit = OrgUnit.objects.filter(pk=request.GET.get("unit") or 0).first()
    cycle = Cycle.objects.filter(pk=request.GET.get("cycle") or 0).first()
    candidates = parent_candidates(
        request.user, unit=unit, cycle=cycle, query=request.GET.get("q", "").strip()[:100]
    )
    return render(
        request,
        "objectives/objective_form.html#parent-options",
        {"candidates": candidates, "selected": request.GET.get("parent", "")},
    )


@login_required
@require_POST
def objective_archive_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    objective = _get_objective_for_manager(request, pk)
    objective_archive(objective=objective)
    messages.success(
        request, _("Archived: it no longer counts in any figure, and stays in history.")
    )
    return redirect("objective_detail", pk=pk)


@login_required
@require_POST
def objective_restore_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    objective = _get_objective_for_manager(request, pk)
    objective_restore(objective=objective)
    messages.success(request, _("Restored: it counts in the figures again."))
    return redirect("objective_detail", pk=pk)


def _get_intervention(request: HtmxHttpRequest, pk: int, permission: str) -> Intervention:
    intervention = get_object_or_404(
        Intervention.objects.select_related("kpi__unit", "kpi__owner", "objective__unit"), pk=pk
    )
    if not request.user.has_perm(permission, intervention):
        raise PermissionDenied
    return intervention


@login_required
@require_GET
def intervention_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    intervention = _get_intervention(request, pk, "kpis.see_intervention")
    return render(
        request,
        "kpis/intervention_detail.html",
        {
            "intervention": intervention,
            "notes": intervention.notes.select_related("author"),
            "assignees": intervention.assignees.all(),
            "can_work": request.user.has_perm("kpis.work_on_intervention", intervention),
            "note_form": InterventionNoteForm(),
        },
    )


@login_required
@require_POST
def intervention_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    intervention = _get_intervention(request, pk, "kpis.work_on_intervention")
    if action == "acknowledge":
        intervention_acknowledge(intervention=intervention, by=request.user)
        messages.success(request, _("Acknowledged: the others can see you are on it."))
    elif action == "resolve":
        intervention_resolve(
            intervention=intervention, by=request.user, note=request.POST.get("text", "")
        )
        messages.success(request, _("Resolved."))
    else:
        form = InterventionNoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the note first."))
        else:
            intervention_add_note(
                intervention=intervention, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Note added."))
    return redirect("intervention_detail", pk=pk)


@login_required
@require_GET
def objective_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who changed the objective and its key results, what and when."""
    objective = get_object_or_404(Objective, pk=pk)
    if not request.user.has_perm("objectives.see_objective", objective):
        raise PermissionDenied
    return history_response(
        request,
        title=objective.title,
        back_url=reverse("objective_detail", args=[pk]),
        record_sets=[
            objective.history.all(),
            KeyResult.history.filter(objective_id=pk),
        ],
    )


@login_required
@require_GET
def key_result_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who changed the key result, what and when."""
    key_result = get_object_or_404(KeyResult.objects.select_related("objective"), pk=pk)
    if not request.user.has_perm("objectives.see_objective", key_result.objective):
        raise PermissionDenied
    return history_response(
        request,
        title=key_result.title,
        back_url=reverse("key_result_check_ins", args=[pk]),
        record_sets=[key_result.history.all()],
    )
