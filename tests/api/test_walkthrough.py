"""The done-when of the API: an outside script with only the schema and a token creates an
objective with two key results, pushes a month of KPI measurements, checks in, and reads the
recomputed progress and the unit's summary."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from kpis.health import Frequency
from objectives.models import CheckIn, Objective
from okrplatform.org.models import ApiToken, Membership
from tests.factories import KPIFactory, MembershipFactory, UserFactory

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "api_walkthrough.py"


@pytest.mark.django_db(transaction=True)
def test_an_outside_script_runs_the_whole_loop(live_server, emea_logistics, quarter):
    lukas = UserFactory(username="lukas", first_name="Lukas")
    MembershipFactory(user=lukas, unit=emea_logistics, role=Membership.Role.MANAGER)
    KPIFactory(
        code="emea-last-mile-cost",
        name="Last-mile cost per parcel",
        unit=emea_logistics,
        frequency=Frequency.WEEKLY,
        direction="lower",
        target=Decimal("7.60"),
        warning_threshold=Decimal("8.00"),
        critical_threshold=Decimal("8.60"),
    )
    _token, key = ApiToken.issue(user=lukas, name="walkthrough")

    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--url",
            live_server.url,
            "--token",
            key,
            "--unit",
            "emea-logistics",
            "--cycle",
            quarter.code,
            "--kpi",
            "emea-last-mile-cost",
            "--owner",
            "lukas",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    assert "pushed 4 measurements: 4 new" in run.stdout
    assert "objective progress 0.75" in run.stdout, run.stdout
    assert "unit emea-logistics: rollup 0.75" in run.stdout
    objective = Objective.objects.get(title__startswith="Walkthrough")
    assert objective.key_results.count() == 2
    assert CheckIn.objects.filter(source=CheckIn.Source.KPI).count() == 1
