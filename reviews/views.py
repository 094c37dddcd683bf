"""Pages of the reviews app: the list, planning, the agenda, presenting, decisions, grading,
closing, the export, program health and the helpers."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alignment.models import Tension
from objectives.models import Cycle
from objectives.scope import requested_cycle
from objectives.selectors import default_cycle
from okrplatform.http import HtmxHttpRequest, id_from
from okrplatform.org.access import access_for
from okrplatform.org.scope import requested_id, requested_unit

from . import tools
from .agenda import Agenda, live_figures, review_agenda, worst_objectives
from .export import review_workbook
from .forms import (
    CloseForm,
    DecisionForm,
    GradingSheetForm,
    ReviewForm,
    TradeOffForm,
    decision_choices,
)
from .grading import grades_save, grading_sheet, review_close
from .health import program_health
from .models import ReviewMeeting
from .presentation import review_slides
from .services import decision_record, review_plan
from .tensions import tension_decide
from .tools_forms import RecommenderForm, ROIForm

REVIEW_PAGE = "reviews/review_detail.html"
PRESENT_PAGE = "reviews/review_present.html"


def _get_review(request: HtmxHttpRequest, pk: int, permission: str = "reviews.see_review"):
    review = get_object_or_404(
        ReviewMeeting.objects.select_related("unit", "cycle", "facilitator", "closed_by"), pk=pk
    )
    if not request.user.has_perm(permission, review):
        raise PermissionDenied
    return review


@login_required
@require_GET
def review_list(request: HtmxHttpRequest) -> HttpResponse:
    access = access_for(request.user)
    reviews = access.restrict(ReviewMeeting.objects.select_related("unit", "cycle", "facilitator"))
    now = timezone.now()
    return render(
        request,
        "reviews/review_list.html",
        {
            "upcoming": reviews.filter(scheduled_for__gte=now).order_by("scheduled_for"),
            "past": reviews.filter(scheduled_for__lt=now).order_by("-scheduled_for")[:50],
            "can_plan": access.sees_everything or bool(access.managed_unit_ids),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request: HtmxHttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not (access.sees_everything or access.managed_unit_ids):
        raise PermissionDenied
    unit = requested_unit(request)
    cycle = default_cycle()
    initial = {
        "unit": requested_id(request, "unit"),
        "cycle": cycle.pk if cycle else None,
        "facilitator": request.user.pk,
        "participants": [request.user.pk],
        "title": _("%(unit)s quarterly review %(cycle)s") % {"unit": unit, "cycle": cycle}
        if unit and cycle
        else "",
    }
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        review = review_plan(form=form)
        messages.success(request, _("Review planned; its agenda builds itself from the data."))
        return redirect("review_detail", pk=review.pk)
    return render(
        request, "reviews/review_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _review_context(request: HtmxHttpRequest, review: ReviewMeeting, agenda: Agenda) -> dict:
    user = request.user
    return {
        "review": review,
        "agenda": agenda,
        "can_run": user.has_perm("reviews.run_review", review),
        "can_decide": user.has_perm("reviews.record_decision", review),
    }


def _agenda_page(
    request: HtmxHttpRequest, pk: int, template: str, objectives_from: int = 0, **extra
) -> HttpResponse:
    review = _get_review(request, pk)
    agenda = review_agenda(review, access_for(request.user), objectives_from=objectives_from)
    context = _review_context(request, review, agenda)
    if context["can_decide"]:
        context["decision_form"] = DecisionForm(**_decision_choices(review, agenda))
    return render(request, template, context | {key: build(agenda) for key, build in extra.items()})


def _decision_choices(review: ReviewMeeting, agenda: Agenda, data=None) -> dict:
    """What a decision may concern, the agenda's objectives and KPIs offered first."""
    return decision_choices(
        review,
        objectives_first=[line.objective for line in agenda.objectives],
        kpis_first=list(agenda.kpis),
        data=data,
    )


def _objectives_from(request: HtmxHttpRequest) -> int:
    """Where the page of objectives starts (``?objectives=40``); nonsense starts at the top."""
    start = id_from(request.GET.get("objectives"))
    return min(start, 10**7) if start is not None else 0


@login_required
@require_GET
def review_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The agenda; ``?objectives=N`` pages through the objectives (with htmx: only their rows,
    appended in place of the "more" row)."""
    start = _objectives_from(request)
    if request.htmx and "objectives" in request.GET:
        review = _get_review(request, pk)
        context = {"review": review, "objectives": worst_objectives(review, start)}
        return render(request, f"{REVIEW_PAGE}#objective-rows", context)
    return _agenda_page(request, pk, REVIEW_PAGE, objectives_from=start)


@login_required
@require_GET
def review_present(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Full screen, one slide per section or objective, for the room's projector."""
    return _agenda_page(request, pk, PRESENT_PAGE, slides=review_slides)


@login_required
@require_GET
def review_present_live(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The figures of the slides, fresh, each swapped into its place (htmx out of band)."""
    review = _get_review(request, pk)
    agenda = live_figures(review, access_for(request.user))
    return render(
        request, f"{PRESENT_PAGE}#live", _review_context(request, review, agenda) | {"oob": True}
    )


@login_required
@require_POST
def review_decisions(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = _get_review(request, pk, "reviews.record_decision")
    form = DecisionForm(request.POST, **decision_choices(review, data=request.POST))
    recorded = form.is_valid()
    if recorded:
        try:
            decision_record(review=review, by=request.user, form=form)
        except ValidationError as error:
            form.add_error(None, error)
            recorded = False
    if request.htmx:
        agenda = review_agenda(review, access_for(request.user))
        context = _review_context(request, review, agenda) | {
            "decision_form": DecisionForm(**_decision_choices(review, agenda))
            if recorded
            else form,
            "just_recorded": recorded,
        }
        # htmx swaps only successful responses: a refused decision comes back as 200, its
        # errors in the form.
        return render(request, "reviews/_decisions.html", context)
    if recorded:
        messages.success(request, _("Decision recorded."))
        return redirect(reverse("review_detail", args=[pk]) + "#decisions")
    agenda = review_agenda(review, access_for(request.user))
    context = _review_context(request, review, agenda) | {"decision_form": form}
    return render(request, REVIEW_PAGE, context, status=400)


def _decimal(raw: str | None) -> Decimal | None:
    try:
        return Decimal(raw) if raw not in (None, "") else None
    except InvalidOperation:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def review_grades(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The grading sheet: every objective and key result, prefilled from progress."""
    review = _get_review(request, pk)
    if not request.user.has_perm("reviews.run_review", review):
        raise PermissionDenied
    sheet = GradingSheetForm(
        request.POST if request.method == "POST" else None, sheet=grading_sheet(review)
    )
    if sheet.is_valid():
        try:
            grades_save(
                review=review,
                by=request.user,
                objectives=sheet.objective_grades(),
                key_results=sheet.key_result_grades(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Grades saved."))
            return redirect("review_detail", pk=pk)
    return render(
        request,
        "reviews/review_grades.html",
        {"review": review, "rows": sheet.rows},
        status=400 if sheet.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_close_view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = _get_review(request, pk)
    if not request.user.has_perm("reviews.run_review", review):
        raise PermissionDenied
    form = CloseForm(request.POST if request.method == "POST" else None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            review_close(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Review closed: its grades and decisions are a record."))
            return redirect("review_detail", pk=pk)
    return render(
        request,
        "reviews/review_close.html",
        {"review": review, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def review_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = _get_review(request, pk)
    workbook = review_workbook(review)
    response = HttpResponse(
        workbook,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = slugify(review.title) or f"review-{review.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
@require_GET
def program_health_view(request: HtmxHttpRequest) -> HttpResponse:
    unit = requested_unit(request)
    cycle = requested_cycle(request)
    health = program_health(unit, cycle)
    return render(
        request,
        "reviews/program_health.html",
        {
            "unit": unit,
            "cycle": cycle,
            "health": health,
            "chart_data": health.chart_data,
            "cycles": Cycle.objects.order_by("-start_date"),
        },
    )


@login_required
@require_GET
def okr_or_kpi(request: HtmxHttpRequest) -> HttpResponse:
    form = RecommenderForm(request.GET or None)
    recommendation = tools.recommend(form.cleaned_data) if form.is_valid() else None
    return render(
        request,
        "reviews/tools_okr_or_kpi.html",
        {"form": form, "recommendation": recommendation},
    )


@login_required
@require_GET
def roi(request: HtmxHttpRequest) -> HttpResponse:
    form = ROIForm(request.GET or None)
    result = tools.framework_roi(form.as_input()) if form.is_valid() else None
    return render(request, "reviews/tools_roi.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET", "POST"])
def tension_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A known conflict between an objective and a KPI; managers on either side decide it."""
    tension = get_object_or_404(
        Tension.objects.select_related(
            "objective__unit", "objective__owner", "kpi__unit", "kpi__owner", "decision"
        ),
        pk=pk,
    )
    if not request.user.has_perm("alignment.see_tension", tension):
        raise PermissionDenied
    can_decide = tension.state == Tension.State.OPEN and request.user.has_perm(
        "alignment.decide_tension", tension
    )
    form = TradeOffForm(request.POST if request.method == "POST" else None) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                tension_decide(
                    tension=tension, by=request.user, trade_off=form.cleaned_data["trade_off"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Trade-off recorded; it shows as a decision on the KPI's chart.")
                )
                return redirect("tension_detail", pk=pk)
    return render(
        request,
        "alignment/tension_detail.html",
        {"tension": tension, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
