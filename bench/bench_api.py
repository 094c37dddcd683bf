#!/usr/bin/env python
"""Benchmark the REST API as other systems use it: over HTTP, against gunicorn with 2 workers.

    .venv/bin/python bench/bench_api.py

PostgreSQL only (the benchmark database of bench_okrs.py and bench_kpis.py; generated on first
use). Starts gunicorn on 127.0.0.1:8099 with DEBUG off and Celery tasks queued in Redis
(database 14, emptied afterwards), then from this process:

1. ingests 100,000 measurements in 10 bulk requests of 10,000 (old periods, so nothing else
   moves), then sends the same 10 batches again (the idempotent path: nothing changes);
2. loads ``GET /api/objectives/?page_size=50`` and ``/api/kpis/?page_size=50`` with wrk (2 threads,
   16 connections, 20 s each), first with the page cache that any write empties
   (``okrplatform/api_cache.py``, on in production), then with every page built on every request.

The measurements it wrote are deleted afterwards. Needs ``wrk`` (``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

from common import (
    RESULTS,
    ROOT,
    add_shape_argument,
    configure,
    ensure_organisation,
    measure,
    print_header,
    vacuum_if_postgres,
    write_results,
)

PORT = 8099
BROKER = "redis://127.0.0.1:6379/14"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20, help="In-process timings.")
    add_shape_argument(parser)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    configure("postgres", args.shape)

    from django.core.management import call_command
    from django.db.models import Min

    from kpis.health import shift_periods
    from kpis.models import KPI, Measurement
    from kpis.rollups import refresh_kpis
    from okrplatform.org.models import ApiToken, User

    ensure_organisation(args.shape)
    if not KPI.objects.filter(code="gen-kpi-0").exists():
        call_command("generate_kpis", kpis=5_000, weeks=104)
    vacuum_if_postgres()
    manager = User.objects.get(username="gen-manager-0")
    ApiToken.objects.filter(user=manager, name="bench").delete()
    _token, key = ApiToken.issue(user=manager, name="bench")

    kpis = list(
        KPI.objects.annotate(first_period=Min("measurements__period"))
        .order_by("id")
        .values_list("id", "code", "frequency", "first_period")
    )
    batches = backfill_batches(kpis, args.batches, args.batch_size, shift_periods)
    total = sum(len(batch) for batch in batches)
    before = Measurement.objects.order_by("-id").values_list("id", flat=True).first() or 0
    history_before = (
        Measurement.history.order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
    )

    results: dict = {
        "server": "gunicorn -w 2 (sync), DEBUG off, CONN_MAX_AGE 60, PostgreSQL, Celery via Redis",
        "shape": args.shape,
    }
    results["in_process"] = in_process(key, args.runs, batches[0])
    check_in_target = busy_key_result()
    check_ins_before = latest_check_in_id()
    server = start_gunicorn(list_cache=True)  # as in production, where CACHE_URL is set
    worker = None
    try:
        workers = worker_pids(server)
        results["worker_rss_mb_at_start"] = rss_mb(workers)
        print(f"\nIngesting {total:,} measurements in {len(batches)} requests…")
        results["bulk_new"] = ingest(batches, key, "new values")
        results["bulk_unchanged"] = ingest(batches, key, "same values again")
        results["worker_rss_mb_after_bulk"] = rss_mb(workers)
        results["worker_peak_rss_mb_after_bulk"] = peak_rss_mb(workers)
        print(
            f"  worker RSS: {results['worker_rss_mb_at_start']} MB at start, "
            f"{results['worker_rss_mb_after_bulk']} MB after the bulk load "
            f"(peak {results['worker_peak_rss_mb_after_bulk']} MB)"
        )
        # The rollups of the check-ins below, as in production (not during the ingest, whose
        # interventions it would evaluate meanwhile).
        worker = start_worker()
        for list_cache in (True, False):
            if not list_cache:
                stop(server)
                server = start_gunicorn(list_cache=False)
            label = "with the page cache" if list_cache else "built on every request"
            print(f"\nLists under wrk for {args.seconds} s each, {label}…")
            suffix = "_cached" if list_cache else ""
            for name in ("objectives", "kpis"):
                url = f"http://127.0.0.1:{PORT}/api/{name}/?page_size=50"
                results[f"{name}_list{suffix}"] = load_test(url, key, args.seconds)
                # The same load while somebody checks in once a second.
                results[f"{name}_list{suffix}_one_check_in_a_second"] = load_test(
                    url, key, args.seconds, writes=(key, check_in_target)
                )
        results["healthz"] = load_test(f"http://127.0.0.1:{PORT}/healthz/", None, args.seconds)
        results["worker_rss_mb_at_end"] = rss_mb(worker_pids(server))
        results["worker_peak_rss_mb_at_end"] = peak_rss_mb(worker_pids(server))
    finally:
        stop(server)
        if worker is not None:
            stop(worker)
        from objectives.models import CheckIn
        from objectives.rollups import recompute_all

        CheckIn.objects.filter(pk__gt=check_ins_before).delete()
        recompute_all()
        cleaned = Measurement.objects.filter(pk__gt=before)
        touched = set(cleaned.values_list("kpi_id", flat=True))
        cleaned.delete()
        Measurement.history.filter(history_id__gt=history_before).delete()
        refresh_kpis(touched)
        ApiToken.objects.filter(user=manager, name="bench").delete()
        subprocess.run(["redis-cli", "-n", "14", "FLUSHDB"], capture_output=True, check=False)
    write_results(f"api-{args.shape}", "postgres", results)


def in_process(key: str, runs: int, batch: list[dict]) -> dict:
    """A page of 50 objectives and of 50 KPIs built in this process without the page cache,
    beside the same SQL replayed raw; and the memory a bulk request of 10,000 holds."""
    from django.test import override_settings
    from rest_framework.test import APIClient

    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    results: dict = {}
    print("\nIn-process, without the page cache:")
    print_header()
    with override_settings(API_LIST_CACHE=False):
        for name in ("objectives", "kpis"):
            measure(
                f"GET /api/{name}/?page_size=50",
                lambda name=name: client.get(f"/api/{name}/?page_size=50"),
                max(runs, 20),
                results,
            )
    # What one request holds at its peak (Python objects, traced), rolled back afterwards.
    import tracemalloc

    from django.db import transaction

    body = json.dumps({"items": batch})
    for name, request in [
        (
            f"POST /api/measurements/bulk/ ({len(batch):,} items)",
            lambda: client.post("/api/measurements/bulk/", body, content_type="application/json"),
        ),
        (
            "GET /api/objectives/?page_size=500",
            lambda: client.get("/api/objectives/?page_size=500"),
        ),
    ]:
        with transaction.atomic():
            tracemalloc.start()
            response = request()
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            transaction.set_rollback(True)
        assert response.status_code == 200, response.content[:300]
        results[f"peak_mb {name}"] = round(peak / 2**20, 1)
        print(f"  {name}: peak {peak / 2**20:.1f} MB of Python objects")
    return results


def busy_key_result() -> int:
    from objectives.models import KeyResult

    return (
        KeyResult.objects.filter(objective__cycle__code="gen-current", driving_kpi__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def latest_check_in_id() -> int:
    from objectives.models import CheckIn

    return CheckIn.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def worker_pids(server: subprocess.Popen) -> list[int]:
    output = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(pid) for pid in output.split()]


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pids: list[int]) -> list[int]:
    return [round(_status_kb(pid, "VmRSS") / 1024) for pid in pids]


def peak_rss_mb(pids: list[int]) -> list[int]:
    return [round(_status_kb(pid, "VmHWM") / 1024) for pid in pids]


def backfill_batches(kpis, batches: int, size: int, shift_periods) -> list[list[dict]]:
    """Periods before each KPI's first: new rows that move neither health nor key results."""
    items = []
    per_kpi = -(-batches * size // len(kpis))
    for kpi_id, code, frequency, first_period in kpis:
        start = first_period or date.today()
        for back in range(1, per_kpi + 1):
            period = shift_periods(start, frequency, -back)
            items.append({"kpi": code, "period": period.isoformat(), "value": f"{kpi_id % 97}.5"})
    items = items[: batches * size]
    return [items[start : start + size] for start in range(0, len(items), size)]


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def start_worker() -> subprocess.Popen:
    """One Celery worker (solo pool) on the bench broker, with the server's settings."""
    log = (RESULTS / "worker.log").open("a")
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            *("-A", "okrplatform", "worker", "--pool=solo", "--loglevel=WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=server_environment(list_cache=True),
        stdout=log,
        stderr=log,
    )


def server_environment(list_cache: bool) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-bench-only-secret-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on the loopback, no TLS proxy in front
        "CONN_MAX_AGE": "60",  # as docker-compose.yml runs it: connections kept between requests
        "CELERY_BROKER_URL": BROKER,
        "CACHE_URL": "redis://127.0.0.1:6379/14",
        "API_WRITE_THROTTLE": "100000/minute",
        "API_LIST_CACHE": str(list_cache).lower(),
    }


def start_gunicorn(list_cache: bool) -> subprocess.Popen:
    env = server_environment(list_cache)
    log = (RESULTS / "gunicorn.log").open("a")  # a line a request, as in production
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "okrplatform.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{PORT}",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/schema/", timeout=1)
        except urllib.error.HTTPError:
            return server  # 401: up and refusing the anonymous
        except OSError:
            time.sleep(0.2)
        else:
            return server
    server.terminate()
    sys.exit("gunicorn did not start")


def ingest(batches: list[list[dict]], key: str, label: str) -> dict:
    timings, counts = [], {"created": 0, "updated": 0, "unchanged": 0}
    for batch in batches:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/measurements/bulk/",
            data=json.dumps({"items": batch}).encode(),
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
            method="POST",
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.load(response)
        timings.append(time.perf_counter() - started)
        for name in counts:
            counts[name] += answer[name]
        print(".", end="", flush=True)
    items = sum(len(batch) for batch in batches)
    seconds = sum(timings)
    print(
        f"\n  {label:<20} {items:>9,} items in {seconds:6.2f} s = {items / seconds:>8,.0f}/s"
        f"   (slowest request {max(timings):.2f} s; {counts})"
    )
    return {
        "items": items,
        "seconds": round(seconds, 2),
        "per_second": round(items / seconds),
        "slowest_request_s": round(max(timings), 2),
        **counts,
    }


def load_test(url: str, key: str | None, seconds: int, writes: tuple | None = None) -> dict:
    """wrk against ``url``; with ``writes`` (token, key result), a check-in a second meanwhile."""
    stop_writing = threading.Event()
    written = []

    def check_in_every_second(token: str, key_result: int) -> None:
        while not stop_writing.wait(1.0):
            request = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/check-ins/",
                data=json.dumps(
                    {
                        "key_result": key_result,
                        "value": str(50 + len(written) % 40),
                        "confidence": 7,
                        "note": "bench: one check-in a second",
                    }
                ).encode(),
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                written.append(response.status)

    writer = None
    if writes:
        writer = threading.Thread(target=check_in_every_second, args=writes, daemon=True)
        writer.start()
    headers = ("-H", f"Authorization: Token {key}") if key else ()
    try:
        output = subprocess.run(
            [*("wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"), *headers, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        stop_writing.set()
        if writer:
            writer.join(timeout=30)
    if "Non-2xx" in output:
        sys.exit(f"wrk saw errors:\n{output}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    figures = {
        "requests_per_second": float(re.search(r"Requests/sec:\s+(\S+)", output).group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
    }
    if writes:
        figures["check_ins"] = len(written)
    label = url.split(":" + str(PORT))[1] + (" + 1 check-in/s" if writes else "")
    print(f"  {label:<48} {figures}")
    return figures


if __name__ == "__main__":
    main()
