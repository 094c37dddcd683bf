"""Django admin is good enough to run an organisation from: every model opens, lists stay fast."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import UnitRollup
from objectives.rollups import recompute_all
from okrplatform.org.models import Reminder

from .factories import a_bit_of_everything

OUR_APPS = {"alignment", "frameworks", "objectives", "kpis", "reviews"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in OUR_APPS),
    key=lambda model: model._meta.label,
)
COMPUTED = {UnitRollup, Reminder}  # written by the system: listed, never added by hand


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def organisation(sam, company, quarter):
    a_bit_of_everything(unit=company, cycle=quarter, owner=sam)
    recompute_all()


def changelist_queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200, model
    return len(queries)


def test_every_domain_model_is_in_admin():
    labels = {model._meta.label for model in REGISTERED}
    for expected in [
        "alignment.OrgUnit",
        "alignment.Membership",
        "frameworks.Tension",
        "alignment.User",
        "objectives.Cycle",
        "objectives.Objective",
        "objectives.KeyResult",
        "objectives.CheckIn",
        "objectives.Initiative",
        "kpis.KPI",
        "kpis.Measurement",
        "objectives.KPILink",
        "objectives.Intervention",
        "reviews.ReviewMeeting",
        "reviews.Decision",
        "reviews.ObjectiveGrade",
        "reviews.KeyResultGrade",
    ]:
        assert expected in labels


@pytest.mark.parametrize("model", REGISTERED, ids=[m._meta.label for m in REGISTERED])
def test_staff_can_open_list_add_and_change_pages(client, sam, organisation, model):
    client.force_login(sam)

    assert client.get(admin_url(model, "changelist")).status_code == 200
    add = client.get(admin_url(model, "add"))
    assert add.status_code == (403 if model in COMPUTED else 200)
    instance = model._default_manager.first()
    assert instance is not None, f"the fixture should create a {model._meta.label}"
    assert client.get(admin_url(model, "change", instance.pk)).status_code == 200


def test_changelists_run_the_same_number_of_queries_at_five_times_the_data(
    client, sam, company, quarter
):
    client.force_login(sam)
    a_bit_of_everything(unit=company, cycle=quarter, owner=sam)
    recompute_all()
    small = {model: changelist_queries(client, model) for model in REGISTERED}

    for _ in range(4):
        a_bit_of_everything(unit=company, cycle=quarter, owner=sam)
    recompute_all()
    large = {model: changelist_queries(client, model) for model in REGISTERED}

    grown = {
        model._meta.label: (small[model], large[model])
        for model in REGISTERED
        if large[model] != small[model]
    }
    assert not grown, f"query count grows with the data (before, after): {grown}"
    # session, user, count, total count, the page, filter choices: never one query per row
    assert max(large.values()) <= 15


def test_a_person_who_is_not_staff_is_sent_to_the_login(client, alice):
    client.force_login(alice)
    response = client.get(admin_url(UnitRollup, "changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
