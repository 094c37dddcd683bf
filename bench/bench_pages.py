#!/usr/bin/env python
"""Benchmark the pages that could grow with the organisation, as its people open them.

For each page: the time to answer in-process (median of ``--runs``), the same SQL replayed
through a bare cursor in the same run, the number of queries and the bytes of HTML. Timed with
``DEBUG`` off, as production serves them.

    BENCH_DATABASE=okrplatform_bench_pages .venv/bin/python bench/bench_pages.py --shape real

Works on any organisation in the benchmark database (the one ``generate_org`` builds, or a
real-shape one): the company is the unit at the top, its manager the first manager there, the
cycle the quarter running today. Generates ``generate_org`` and ``generate_kpis`` data on first
use, and plans the company's review of the quarter when there is none.
"""

from __future__ import annotations

import argparse
import logging

from common import (
    ROOT,
    add_shape_argument,
    configure,
    ensure_organisation,
    measure,
    print_header,
    vacuum_if_postgres,
    write_results,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    add_shape_argument(parser)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--objectives", type=int, default=20_000)
    parser.add_argument("--key-results", type=int, default=80_000)
    parser.add_argument("--check-ins", type=int, default=1_000_000)
    parser.add_argument("--kpis", type=int, default=2_000)
    parser.add_argument(
        "--only", default="", help="Time only the pages whose name has one of these (a,b,…)."
    )
    args = parser.parse_args()
    configure(args.database, args.shape)
    logging.getLogger("okrplatform.requests").setLevel(logging.WARNING)  # a line per request

    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from kpis.models import KPI
    from objectives.models import CheckIn, Cycle, KeyResult, Objective
    from okrplatform.org.models import Membership, OrgUnit, User
    from reviews.models import ReviewMeeting

    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.exists():
        ensure_organisation(
            args.shape,
            units=args.units,
            objectives=args.objectives,
            key_results=args.key_results,
            check_ins=args.check_ins,
        )
    if not KPI.objects.exists():
        print(f"Generating {args.kpis:,} KPIs…")
        call_command("generate_kpis", kpis=args.kpis, weeks=104)
    company = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    today = timezone.localdate()
    current = (
        Cycle.objects.filter(kind=Cycle.Kind.QUARTER, start_date__lte=today, end_date__gte=today)
        .annotate(n=Count("objectives"))
        .order_by("-n")
        .first()
    )
    ceo = (
        User.objects.filter(memberships__unit=company, memberships__role=Membership.Role.MANAGER)
        .order_by("pk")
        .first()
    )
    review = ReviewMeeting.objects.filter(unit=company, cycle=current).first()
    if review is None:
        review = ReviewMeeting.objects.create(
            unit=company,
            cycle=current,
            title="Company quarterly review",
            scheduled_for=timezone.now(),
            facilitator=ceo,
        )
        review.participants.add(ceo)
    vacuum_if_postgres()
    sizes = {
        "units": OrgUnit.objects.count(),
        "objectives": Objective.objects.count(),
        "objectives_in_the_quarter": Objective.objects.filter(cycle=current).count(),
        "key_results": KeyResult.objects.count(),
        "check_ins": CheckIn.objects.count(),
        "kpis": KPI.objects.count(),
    }
    print(f"\n{args.database}: " + ", ".join(f"{n:,} {name}" for name, n in sizes.items()))

    leaf_objective = (
        Objective.objects.filter(cycle=current, unit__children__isnull=True)
        .annotate(n=Count("key_results"))
        .filter(n__gte=3)
        .order_by("pk")
        .first()
    )
    team_lead = leaf_objective.owner
    clients: dict[int, Client] = {}

    def client(user) -> Client:
        if user.pk not in clients:
            clients[user.pk] = Client(HTTP_HOST="127.0.0.1")
            clients[user.pk].force_login(user)
        return clients[user.pk]

    scope = f"?unit={company.pk}&cycle={current.pk}"
    pages = {
        "review agenda, the company": (ceo, reverse("review_detail", args=[review.pk])),
        "review presentation, the company": (ceo, reverse("review_present", args=[review.pk])),
        "presentation live refresh": (ceo, reverse("review_present_live", args=[review.pk])),
        "alignment map, the company": (ceo, reverse("alignment_map") + scope),
        "X-matrix, the company": (ceo, reverse("x_matrix") + scope),
        "quality list, the company": (ceo, reverse("quality") + scope),
        "KPI board, the company": (ceo, reverse("kpi_board") + f"?unit={company.pk}&below=on"),
        "company dashboard": (
            ceo,
            reverse("unit_dashboard", args=[company.pk]) + f"?cycle={current.pk}",
        ),
        "my work, a team lead": (team_lead, reverse("home")),
        "my work, the company's manager": (ceo, reverse("home")),
        "objective page": (ceo, reverse("objective_detail", args=[leaf_objective.pk])),
    }
    results: dict = {}
    print_header()
    print(f"{'':<40} {'':>10} {'':>10} {'':>7} {'':>8} {'HTML':>10}")
    for name, (user, path) in pages.items():
        if args.only and not any(part in name for part in args.only.split(",")):
            continue
        response = client(user).get(path)
        assert response.status_code == 200, (name, response.status_code)
        measure(name, lambda u=user, p=path: client(u).get(p), args.runs, results)
        results[name]["html_bytes"] = len(response.content)
        print(f"{'':<40} {len(response.content):>47,} bytes")
    write_results(
        f"pages-{args.shape}",
        args.database,
        {"sizes": sizes, "runs": args.runs, "results": results},
    )


if __name__ == "__main__":
    main()
