"""A schema-driven fuzz run finds nothing: schemathesis sends what the OpenAPI schema allows
(and what it forbids) to every operation, against a server holding the demo organisation,
and every answer keeps the schema.

All four phases run (the examples each operation documents, the schema's boundaries, random
data and stateful sequences that follow the schema's links) with every check schemathesis
has. The one exception is ``positive_data_acceptance``: it is replaced by a version that also
allows a 400 stating one of the rules the schema cannot (an unknown reference, a spreadsheet's
content), listed with their reasons in ``tests/api/schemathesis_hooks.py``.

``OKR_FUZZ_EXAMPLES`` sets the examples per operation (25 unless given) and ``OKR_FUZZ_SEED``
the seed: the same one every run unless given, so that ``make test`` and CI replay the cases
that passed here; ``OKR_FUZZ_SEED=random OKR_FUZZ_EXAMPLES=500`` makes the long exploring run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from okrplatform.org.models import ApiToken, User

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("OKR_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("OKR_FUZZ_SEED", "20261202")


@pytest.fixture
def demo_company(transactional_db, settings):
    call_command("load_demo", verbosity=0)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token_writes": "100000/minute"},
    }
    # The company's manager, and staff (cycles are staff's): every operation is open to her.
    elena = User.objects.get(username="elena")
    User.objects.filter(pk=elena.pk).update(is_staff=True)
    _token, key = ApiToken.issue(user=elena, name="fuzz")
    return key


@pytest.mark.fuzz
def test_no_request_makes_the_api_fail_or_break_its_schema(demo_company, live_server, tmp_path):
    token = demo_company
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SchemaGenerator().get_schema(public=True)))
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(schema),
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {token}",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--max-examples",
        str(EXAMPLES),
        "--suppress-health-check",
        "all",
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
    ]
    if SEED != "random":
        command += ["--seed", SEED]
    run = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks"},
        capture_output=True,
        text=True,
        timeout=900 + 60 * EXAMPLES,
    )
    report = run.stdout + run.stderr
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "schemathesis.txt").write_text(report)
    assert run.returncode == 0, report[-20000:]
