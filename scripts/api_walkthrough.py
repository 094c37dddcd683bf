#!/usr/bin/env python3
"""An outside system talking to okrplatform through nothing but the OpenAPI schema and a token.

It creates an objective with two key results for a unit (one driven by a KPI), pushes a month of
that KPI's measurements, checks in on the other key result, and reads back the recomputed
progress and the unit's summary. Standard library only, so any machine with Python 3 runs it:

    python3 scripts/api_walkthrough.py --url http://127.0.0.1:8000 --token <key> \\
        --unit emea-logistics --cycle 2026-q4 --kpi emea-last-mile-cost --owner lukas
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

FREQUENCY_DAYS = {"daily": 1, "weekly": 7}


class Api:
    """Calls operations by their operationId, with the paths the schema gives."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url.rstrip("/"), token
        schema = self._send("GET", "/api/v1/schema/?format=json")
        self.operations = {
            operation["operationId"]: (method.upper(), path)
            for path, methods in schema["paths"].items()
            for method, operation in methods.items()
        }

    def _send(self, method: str, path: str, body=None, accept="application/json"):
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Token {self.token}",
                "Accept": accept,
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            sys.exit(f"{method} {path} answered {error.code}: {error.read().decode()}")

    def call(self, operation_id: str, body=None, query=None, **path_params):
        method, path = self.operations[operation_id]
        for name, value in path_params.items():
            path = path.replace("{" + name + "}", str(value))
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self._send(method, path, body)

    def only(self, operation_id: str, **query) -> dict:
        results = self.call(operation_id, query=query)["results"]
        if len(results) != 1:
            sys.exit(f"{operation_id} {query}: expected one result, got {len(results)}")
        return results[0]


def month_of_periods(frequency: str) -> list[date]:
    """The starts of the periods of the last month that have begun, oldest first."""
    step = FREQUENCY_DAYS.get(frequency)
    today = date.today()
    if step is None:  # monthly or quarterly: this month's first day
        return [today.replace(day=1)]
    start = today - timedelta(days=today.weekday()) if step == 7 else today
    return [start - timedelta(days=step * back) for back in range(28 // step - 1, -1, -1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--unit", required=True, help="the unit's code")
    parser.add_argument("--cycle", required=True, help="the cycle's code")
    parser.add_argument("--kpi", required=True, help="the code of a KPI of the unit")
    parser.add_argument("--owner", required=True, help="a username")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for rollups")
    args = parser.parse_args()
    api = Api(args.url, args.token)

    unit = api.only("org_units_list", code=args.unit)
    cycle = api.only("cycles_list", code=args.cycle)
    kpi = api.only("kpis_list", code=args.kpi)
    objective = api.call(
        "objectives_create",
        {
            "title": f"Walkthrough {time.strftime('%Y-%m-%d %H:%M:%S')}",
            "unit": args.unit,
            "cycle": args.cycle,
            "owner": args.owner,
            "perspective": kpi["perspective"],
        },
    )
    print(f"created objective {objective['id']}: {objective['title']}")

    periods = month_of_periods(kpi["frequency"])
    target = float(kpi["target"])
    start = float(kpi["critical_threshold"])
    step = (target - start) / len(periods)
    values = [start + step * (index + 1) for index in range(len(periods))]
    driven = api.call(
        "key_results_create",
        {
            "objective": objective["id"],
            "title": f"{kpi['name']} to target",
            "owner": args.owner,
            "start_value": f"{start:.4f}",
            "target_value": f"{target:.4f}",
            "direction": "increase" if target > start else "decrease",
            "driving_kpi": kpi["code"],
        },
    )
    manual = api.call(
        "key_results_create",
        {
            "objective": objective["id"],
            "title": "Routes reviewed with the carriers",
            "owner": args.owner,
            "start_value": "0",
            "target_value": "10",
        },
    )
    print(f"created key results {driven['id']} (follows {kpi['code']}) and {manual['id']}")

    pushed = api.call(
        "measurements_bulk_create",
        {
            "items": [
                {"kpi": kpi["code"], "period": period.isoformat(), "value": f"{value:.4f}"}
                for period, value in zip(periods, values, strict=True)
            ]
        },
    )
    print(
        f"pushed {pushed['received']} measurements: {pushed['created']} new, "
        f"{pushed['updated']} changed, {pushed['unchanged']} as they were"
    )
    check_in = api.call(
        "check_ins_create",
        {"key_result": manual["id"], "value": "5", "confidence": 7, "note": "Half the routes"},
    )
    print(f"checked in {check_in['value']} on key result {manual['id']}")

    deadline = time.monotonic() + args.wait
    while True:
        read = api.call("objectives_retrieve", id=objective["id"])
        if read["progress"] is not None or time.monotonic() > deadline:
            break
        time.sleep(1)
    summary = api.call("org_units_summary_retrieve", id=unit["id"], query={"cycle": cycle["id"]})
    print(f"objective progress {read['progress']} ({read['status']})")
    print(
        f"unit {summary['unit']['code']}: rollup {summary['rollup']}, alignment index "
        f"{summary['alignment_index']}, {summary['objective_count']} objectives"
    )
    if read["progress"] is None:
        sys.exit("the progress was not recomputed in time")


if __name__ == "__main__":
    main()
