"""Builds the demo organisation of ``alignment.demo_data`` around a given day.

Everything is deterministic for a given day (a seeded random generator shapes the noise), so
loading the demo twice, or on two machines the same day, gives the same rows.
"""

from __future__ import annotations

import itertools
import random
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from alignment.models import Tension
from kpis.health import period_start, shift_periods
from kpis.models import KPI, Measurement
from kpis.rollups import refresh_kpis
from objectives.interventions import intervention_acknowledge, interventions_update
from objectives.models import (
    CatchballMessage,
    CheckIn,
    Cycle,
    Initiative,
    InitiativeContribution,
    Intervention,
    InterventionNote,
    KeyResult,
    KPILink,
    Objective,
)
from objectives.progress import clamp, key_result_progress, progress_status
from objectives.rollups import recompute_all
from okrplatform.org.models import Membership, OrgUnit, User
from reviews.models import Decision, KeyResultGrade, ObjectiveGrade, ReviewMeeting

from . import demo_data as data

HISTORY_PERIODS = {"daily": 400, "weekly": 60, "monthly": 15, "quarterly": 6}
CHECK_IN_HOUR = time(16, 0)

ON_TRACK_NOTES = [
    "On plan. Next: keep the weekly rhythm with the team.",
    "Good week; the new routine is sticking.",
    "Ahead of plan after the supplier delivered early.",
    "Steady progress; no blockers this week.",
]
AT_RISK_NOTES = [
    "Behind plan: two people out sick this week. Next: catch up with a Saturday shift.",
    "Slipping: the customer moved the pilot by two weeks. Next: agree a new date.",
    "Behind: waiting for IT to open the data feed. Escalated.",
    "Slower than planned; carrier contract talks took longer than expected.",
]
OFF_TRACK_NOTES = [
    "Blocked: parts shortage on IGBT modules. Need a decision on the second supplier.",
    "Blocked: budget for the tooling not released yet. Asked finance for an exception.",
    "Off track: the team is pulled into firefighting on X6 warranty cases.",
    "Not moving: we lack the data to start; need help from the region.",
]


def quarter_start(day: date) -> date:
    return period_start(day, "quarterly")


def quarter_name(start: date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def quantize(value: float, reference: Decimal) -> Decimal:
    """Round to the precision of ``reference``, as people would write the number."""
    step = Decimal(1).scaleb(min(reference.as_tuple().exponent, 0))
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


class DemoBuilder:
    def __init__(self, *, today: date, out: Callable[[str], None], seed: int = 2030) -> None:
        self.today = today
        self.now = timezone.now()
        self.out = out
        self.rng = random.Random(seed)
        self.users: dict[str, User] = {}
        self.units: dict[str, OrgUnit] = {}
        self.kpis: dict[str, KPI] = {}
        self.objectives: dict[str, Objective] = {}
        self.key_results: dict[str, list[KeyResult]] = {}
        self.cycles: dict[str, Cycle] = {}

    @transaction.atomic
    def build(self) -> None:
        self._units()
        self._people()
        self._cycles()
        self._kpis()
        self._strategy()
        self._supports_and_catchball()
        self._links_and_tensions()
        self._initiatives()
        self._interventions()
        self._reviews()
        self.out("Computing progress, status, alignment and KPI health…")
        recompute_all(on=self.today)
        refresh_kpis(today=self.today)

    # --- organisation ---------------------------------------------------------------------
    def _units(self) -> None:
        for spec in data.UNITS:
            self.units[spec.code] = OrgUnit.objects.create(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                parent=self.units.get(spec.parent) if spec.parent else None,
                country=spec.country,
                timezone=spec.timezone,
                currency=spec.currency,
                language=spec.language,
            )
        self.out(f"  {len(self.units)} org units: a company, 3 regions, 15 departments, teams")

    def _people(self) -> None:
        password = make_password(data.DEMO_PASSWORD)
        for person in data.PEOPLE:
            user, _ = User.objects.get_or_create(
                username=person.username,
                defaults={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": f"{person.username}@helix.example",
                    "password": password,
                    "timezone": person.timezone,
                    "language": person.language,
                },
            )
            self.users[person.username] = user
            Membership.objects.create(user=user, unit=self.units[person.unit], role=person.role)
        leads = {
            person.unit: person.username
            for person in reversed(data.PEOPLE)
            if person.role == data.MANAGER
        } | data.UNIT_LEADS
        for code, username in leads.items():
            OrgUnit.objects.filter(pk=self.units[code].pk).update(lead=self.users[username])
        self.out(f"  {len(self.users)} people with viewer, contributor and manager roles")

    def _cycles(self) -> None:
        current = quarter_start(self.today)
        previous = shift_periods(current, "quarterly", -1)
        following = shift_periods(current, "quarterly", 1)
        year = self.today.year
        plan = Cycle.objects.create(
            name=f"Strategic plan {year - 1}–{year + 3}",
            code=f"plan-{year - 1}-{year + 3}",
            kind=Cycle.Kind.MULTI_YEAR,
            start_date=date(year - 1, 1, 1),
            end_date=date(year + 3, 12, 31),
            state=Cycle.State.ACTIVE,
        )
        self.cycles["plan"] = plan
        for fiscal_year in sorted({previous.year, current.year, following.year}):
            start, end = date(fiscal_year, 1, 1), date(fiscal_year, 12, 31)
            self.cycles[f"FY{fiscal_year}"] = Cycle.objects.create(
                name=f"FY {fiscal_year}",
                code=f"fy{fiscal_year}",
                kind=Cycle.Kind.YEAR,
                parent=plan,
                start_date=start,
                end_date=end,
                state=self._state_of(start, end),
            )
        for key, start, state in [
            ("previous", previous, Cycle.State.CLOSED),
            ("current", current, Cycle.State.ACTIVE),
            ("next", following, Cycle.State.PLANNING),
        ]:
            self.cycles[key] = Cycle.objects.create(
                name=quarter_name(start),
                code=f"{start.year}-q{(start.month - 1) // 3 + 1}",
                kind=Cycle.Kind.QUARTER,
                parent=self.cycles[f"FY{start.year}"],
                start_date=start,
                end_date=shift_periods(start, "quarterly", 1) - timedelta(days=1),
                state=state,
            )
        self.out(f"  {len(self.cycles)} cycles: the 5-year plan, fiscal years, three quarters")

    def _state_of(self, start: date, end: date) -> str:
        if end < self.today:
            return Cycle.State.CLOSED
        if start > self.today:
            return Cycle.State.PLANNING
        return Cycle.State.ACTIVE

    # --- KPIs -------------------------------------------------------------------------------
    def _kpis(self) -> None:
        measurements = []
        for spec in data.KPIS:
            kpi = KPI.objects.create(
                code=spec.code,
                name=spec.name,
                definition=spec.definition,
                unit=self.units[spec.unit],
                owner=self.users.get(spec.owner) if spec.owner else None,
                unit_label=spec.unit_label,
                direction=spec.direction,
                frequency=spec.frequency,
                target=spec.target,
                warning_threshold=spec.warning,
                critical_threshold=spec.critical,
                indicator=spec.indicator,
                perspective=spec.perspective,
                source=spec.source,
            )
            self.kpis[spec.code] = kpi
            measurements += self._series(spec, kpi)
        Measurement.objects.bulk_create(measurements, batch_size=1000)
        self.out(f"  {len(self.kpis)} KPIs with {len(measurements)} measurements")

    def _series(self, spec: data.KPISpec, kpi: KPI) -> list[Measurement]:
        latest = period_start(self.today, spec.frequency)
        anchors = [
            (self.today - timedelta(days=365), spec.year_ago),
            (self.cycles["current"].start_date, spec.quarter_start),
            (latest, spec.today),
        ]
        reference = Decimal(1).scaleb(-spec.decimals)
        series = []
        for back in range(HISTORY_PERIODS[spec.frequency], spec.silent_periods - 1, -1):
            period = shift_periods(latest, spec.frequency, -back)
            value = self._interpolate(anchors, period)
            if back:
                value += self.rng.gauss(0, spec.noise)
            series.append(
                Measurement(
                    kpi=kpi,
                    period=period,
                    value=quantize(value, reference),
                    source=spec.source,
                    recorded_by=None if spec.source == "api" else kpi.owner,
                    recorded_at=self._moment(period + timedelta(days=1), spec.unit),
                )
            )
        return series

    @staticmethod
    def _interpolate(anchors: list[tuple[date, float]], day: date) -> float:
        if day >= anchors[-1][0]:
            return anchors[-1][1]
        if day <= anchors[0][0]:
            return anchors[0][1]
        for (left, low), (right, high) in itertools.pairwise(anchors):
            if day <= right:
                share = (day - left).days / max((right - left).days, 1)
                return low + (high - low) * share
        return anchors[-1][1]

    def _moment(self, day: date, unit_code: str) -> datetime:
        """Late afternoon in the unit's own time zone, never in the future."""
        zone = zoneinfo.ZoneInfo(self.units[unit_code].timezone)
        moment = datetime.combine(day, CHECK_IN_HOUR, tzinfo=zone)
        return min(moment, self.now - timedelta(minutes=5))

    # --- objectives and key results ----------------------------------------------------------
    def _strategy(self) -> None:
        cycle_of_level = {"breakthrough": "plan", "annual": f"FY{self.today.year}"}
        check_ins: list[CheckIn] = []
        for spec in data.BREAKTHROUGH + data.ANNUAL:
            self._objective(spec, self.cycles[cycle_of_level[spec.level]], check_ins)
        for spec in data.CURRENT_QUARTER:
            self._objective(spec, self.cycles["current"], check_ins)
        for spec in data.PREVIOUS_QUARTER:
            self._objective(spec, self.cycles["previous"], check_ins)
        CheckIn.objects.bulk_create(check_ins, batch_size=1000)
        self.out(
            f"  {len(self.objectives)} objectives in all four BSC perspectives, "
            f"{sum(len(krs) for krs in self.key_results.values())} key results, "
            f"{len(check_ins)} check-ins"
        )

    def _objective(self, spec: data.Obj, cycle: Cycle, check_ins: list[CheckIn]) -> None:
        source = (
            Objective.ProgressSource.CHILDREN
            if spec.from_children
            else Objective.ProgressSource.KEY_RESULTS
        )
        objective = Objective.objects.create(
            title=spec.title,
            unit=self.units[spec.unit],
            owner=self.users[spec.owner],
            cycle=cycle,
            level=spec.level,
            kind=spec.kind,
            perspective=spec.perspective,
            parent=self.objectives.get(spec.parent) if spec.parent else None,
            progress_source=source,
        )
        self.objectives[spec.key] = objective
        self._key_results(spec.key, objective, spec.key_results, check_ins)
        for unit_code, (owner, key_results) in spec.deploy_to.items():
            copy = Objective.objects.create(
                title=spec.title,
                description=f"Local copy of the group objective for {self.units[unit_code]}.",
                unit=self.units[unit_code],
                owner=self.users[owner],
                cycle=cycle,
                level=spec.level,
                kind=spec.kind,
                perspective=spec.perspective,
                parent=objective,
                deployed_from=objective,
            )
            key = f"{spec.key}@{unit_code}"
            self.objectives[key] = copy
            self._key_results(key, copy, key_results, check_ins)

    def _key_results(
        self, key: str, objective: Objective, specs: list[data.KR], check_ins: list[CheckIn]
    ) -> None:
        self.key_results[key] = []
        for spec in specs:
            key_result = KeyResult.objects.create(
                objective=objective,
                title=spec.title,
                owner=self.users[spec.owner],
                metric_type=spec.metric,
                unit_label=spec.unit_label,
                direction=spec.direction,
                start_value=spec.start,
                target_value=spec.target,
                weight=spec.weight,
                driving_kpi=self.kpis.get(spec.kpi) if spec.kpi else None,
            )
            self.key_results[key].append(key_result)
            if spec.kpi:
                check_ins += self._check_ins_from_kpi(key_result, objective.cycle)
            else:
                check_ins += self._check_ins(spec, key_result, objective)

    def _weekly_moments(self, cycle: Cycle, unit_code: str, silent_weeks: int) -> list[datetime]:
        first_friday = cycle.start_date + timedelta(days=(4 - cycle.start_date.weekday()) % 7)
        last_day = min(cycle.end_date, self.today - timedelta(weeks=silent_weeks))
        moments = []
        day = first_friday
        while day <= last_day:
            moments.append(self._moment(day, unit_code))
            day += timedelta(weeks=1)
        return [moment for moment in moments if moment < self.now]

    def _check_ins(self, spec: data.KR, key_result: KeyResult, objective: Objective):
        progress = 0.0
        check_ins = []
        for moment in self._weekly_moments(objective.cycle, objective.unit.code, spec.silent_weeks):
            expected = objective.cycle.expected_progress(moment.date())
            planned = clamp(expected * spec.pace + self.rng.uniform(-0.03, 0.03))
            progress = max(progress - 0.02, planned)
            value = self._value_at(spec, progress, expected)
            status = progress_status(
                key_result_progress(
                    metric_type=spec.metric,
                    direction=spec.direction,
                    start=spec.start,
                    target=spec.target,
                    current=value,
                ),
                expected,
            )
            check_ins.append(
                CheckIn(
                    key_result=key_result,
                    value=value,
                    confidence=self._confidence(status),
                    note=self._note(status),
                    author=key_result.owner,
                    created_at=moment,
                )
            )
        return check_ins

    def _value_at(self, spec: data.KR, progress: float, expected: float) -> Decimal:
        if spec.metric == "boolean":
            return Decimal(1) if expected * spec.pace >= 1 else Decimal(0)
        if spec.direction in {"stay_above", "stay_below"}:
            breached = spec.pace < 1 and expected > 0.4
            margin = float(spec.target) * (0.04 if breached else -0.05)
            value = float(spec.target) + (margin if spec.direction == "stay_below" else -margin)
            return quantize(value, Decimal("0.1"))
        start, target = float(spec.start), float(spec.target)
        most_precise = min(spec.start, spec.target, key=lambda v: v.as_tuple().exponent)
        return quantize(start + (target - start) * progress, most_precise)

    def _confidence(self, status: str) -> int:
        low, high = {"on_track": (7, 9), "at_risk": (4, 6)}.get(status, (2, 3))
        return self.rng.randint(low, high)

    def _note(self, status: str) -> str:
        notes = {"on_track": ON_TRACK_NOTES, "at_risk": AT_RISK_NOTES}.get(status, OFF_TRACK_NOTES)
        return self.rng.choice(notes)

    def _check_ins_from_kpi(self, key_result: KeyResult, cycle: Cycle) -> list[CheckIn]:
        kpi = key_result.driving_kpi
        measurements = Measurement.objects.filter(
            kpi=kpi, period__gte=cycle.start_date, period__lte=self.today
        ).order_by("period")
        return [
            CheckIn(
                key_result=key_result,
                value=measurement.value,
                confidence=7,
                note=f"Value of the KPI “{kpi.name}” for the period starting {measurement.period}.",
                author=None,
                source=CheckIn.Source.KPI,
                from_measurement=measurement,
                created_at=measurement.recorded_at,
            )
            for measurement in measurements
        ]

    # --- links, tensions, initiatives, interventions ------------------------------------------
    def _supports_and_catchball(self) -> None:
        for source, target in data.SUPPORTS:
            self.objectives[source].supports.add(self.objectives[target])
        quarter_start = self.cycles["current"].start_date
        messages = []
        for key, turns in data.CATCHBALL:
            objective = self.objectives[key]
            for username, action, days_before, text in turns:
                messages.append(
                    CatchballMessage(
                        objective=objective,
                        author=self.users[username],
                        action=action,
                        text=text,
                        created_at=self._moment(
                            quarter_start - timedelta(days=days_before), objective.unit.code
                        ),
                    )
                )
            Objective.objects.filter(pk=objective.pk).update(catchball=turns[-1][1])
        CatchballMessage.objects.bulk_create(messages)
        self.out(
            f"  {len(data.SUPPORTS)} “also supports” links, {len(data.CATCHBALL)} catchball threads"
        )

    def _links_and_tensions(self) -> None:
        for kpi_code, objective_key, kind, note in data.KPI_LINKS:
            KPILink.objects.create(
                kpi=self.kpis[kpi_code],
                objective=self.objectives[objective_key],
                kind=kind,
                note=note,
            )
        for objective_key, kpi_code, description in data.TENSIONS:
            objective = self.objectives[objective_key]
            Tension.objects.create(
                objective=objective,
                kpi=self.kpis[kpi_code],
                description=description,
                raised_by=objective.owner,
            )
        decided = Tension.objects.get(objective=self.objectives["Q-AP-YIELD"])
        decided.state = Tension.State.DECIDED
        decided.trade_off = (
            "Overtime is capped at ten hours a week per operator; the yield target moves two "
            "weeks out."
        )
        decided.decided_at = self.now - timedelta(days=10)
        decided.save()
        self.out(f"  {len(data.KPI_LINKS)} lead and guard links, {len(data.TENSIONS)} tensions")

    def _initiatives(self) -> None:
        year = self.cycles[f"FY{self.today.year}"]
        for title, unit_code, owner, state, objective_keys in data.INITIATIVES:
            initiative = Initiative.objects.create(
                title=title,
                unit=self.units[unit_code],
                owner=self.users[owner],
                cycle=year,
                state=state,
                start_date=self.cycles["current"].start_date - timedelta(days=30),
                due_date=self.cycles["current"].end_date + timedelta(days=60),
            )
            for position, key in enumerate(objective_keys):
                strength = (
                    InitiativeContribution.Strength.STRONG
                    if position == 0
                    else InitiativeContribution.Strength.WEAK
                )
                for key_result in self.key_results[key][:2]:
                    InitiativeContribution.objects.get_or_create(
                        initiative=initiative,
                        key_result=key_result,
                        defaults={"strength": strength},
                    )
        self.out(f"  {len(data.INITIATIVES)} initiatives driving key results")

    def _interventions(self) -> None:
        """Interventions as the platform opens them, for every lead or guard KPI that is in
        warning or critical now; some already acknowledged, with a first note."""
        refresh_kpis(today=self.today)
        report = interventions_update(email=False)
        for position, intervention in enumerate(
            Intervention.objects.select_related("objective__owner").order_by("id")
        ):
            intervention.opened_at = self.now - timedelta(days=3 + position)
            intervention.save(update_fields=["opened_at"])
            if position % 3 == 1:
                owner = intervention.objective.owner
                intervention_acknowledge(intervention=intervention, by=owner)
                InterventionNote.objects.create(
                    intervention=intervention,
                    author=owner,
                    text="Looking into it with the KPI owner; first findings on Monday.",
                )
        self.out(
            f"  {report.opened} interventions opened for lead and guard KPIs in warning or critical"
        )

    # --- reviews, decisions, grades ----------------------------------------------------------
    def _reviews(self) -> None:
        previous, current = self.cycles["previous"], self.cycles["current"]
        emea, company = self.units["emea"], self.units[data.COMPANY_CODE]
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
        past_review = self._review(
            emea,
            previous,
            f"EMEA quarterly review {previous.name}",
            datetime.combine(previous.end_date - timedelta(days=3), time(10), tzinfo=berlin),
            ReviewMeeting.State.CLOSED,
            "jonas",
            ["jonas", "sofia", "claire", "priya", "oliver", "lukas", "nina"],
        )
        past_review.what_worked = (
            "Weekly check-ins kept everyone honest; the energy baseline landed on time."
        )
        past_review.what_did_not = (
            "Logistics delivered every key result and the cost per order still did not move."
        )
        past_review.what_we_change = (
            "Every cost objective gets a throughput guard KPI, reviewed weekly."
        )
        past_review.save()
        group_review = self._review(
            company,
            previous,
            f"Group quarterly review {previous.name}",
            datetime.combine(previous.end_date - timedelta(days=2), time(15), tzinfo=berlin),
            ReviewMeeting.State.CLOSED,
            "elena",
            ["elena", "raj", "maria", "jonas", "mei"],
        )
        for (
            title,
            details,
            by,
            weeks_before,
            kpi_codes,
            objective_keys,
        ) in data.PREVIOUS_REVIEW_DECISIONS:
            self._decision(
                title,
                details,
                by,
                previous.end_date - timedelta(weeks=weeks_before),
                kpi_codes,
                objective_keys,
                past_review,
            )
        for title, details, by, weeks_ago, kpi_codes, objective_keys in data.CURRENT_DECISIONS:
            self._decision(
                title,
                details,
                by,
                self.today - timedelta(weeks=weeks_ago),
                kpi_codes,
                objective_keys,
                None,
            )

        upcoming = max(current.end_date - timedelta(days=6), self.today + timedelta(days=1))
        self._review(
            emea,
            current,
            f"EMEA quarterly review {current.name}",
            datetime.combine(upcoming, time(10), tzinfo=berlin),
            ReviewMeeting.State.SCHEDULED,
            "jonas",
            ["jonas", "sofia", "claire", "priya", "oliver", "lukas", "anna", "nina"],
        )
        self._review(
            company,
            current,
            f"Group quarterly review {current.name}",
            datetime.combine(upcoming + timedelta(days=1), time(15), tzinfo=berlin),
            ReviewMeeting.State.SCHEDULED,
            "elena",
            ["elena", "raj", "maria", "jonas", "mei"],
        )
        self._grades(past_review, group_review)
        self.out(
            "  4 review meetings (last quarter's closed, this quarter's scheduled), "
            f"{Decision.objects.count()} decisions, grades for last quarter"
        )

    def _review(self, unit, cycle, title, when, state, facilitator, participants):
        review = ReviewMeeting.objects.create(
            unit=unit,
            cycle=cycle,
            title=title,
            scheduled_for=when,
            state=state,
            facilitator=self.users[facilitator],
            location="Teams / projector room",
        )
        review.participants.set([self.users[name] for name in participants])
        return review

    def _decision(self, title, details, by, on, kpi_codes, objective_keys, review) -> None:
        decision = Decision.objects.create(
            review=review,
            title=title,
            details=details,
            decided_by=self.users[by],
            decided_on=on,
        )
        decision.kpis.set([self.kpis[code] for code in kpi_codes])
        decision.objectives.set([self.objectives[key] for key in objective_keys])

    def _grades(self, emea_review: ReviewMeeting, group_review: ReviewMeeting) -> None:
        recompute_all(on=self.today)
        emea_units = {
            unit.pk for unit in OrgUnit.objects.descendants(self.units["emea"], include_self=True)
        }
        for spec in data.PREVIOUS_QUARTER:
            objective = self.objectives[spec.key]
            objective.refresh_from_db(fields=["progress"])
            suggested = Decimal(str(round(objective.progress or 0, 2)))
            for key_result in self.key_results[spec.key]:
                key_result.refresh_from_db(fields=["progress"])
                score = Decimal(str(round(key_result.progress, 2)))
                KeyResultGrade.objects.create(
                    key_result=key_result,
                    score=score,
                    suggested_score=score,
                    graded_by=objective.owner,
                )
            reason = spec.grade_reason or (
                "" if spec.grade == suggested else "Agreed in the review."
            )
            ObjectiveGrade.objects.create(
                objective=objective,
                review=emea_review if objective.unit_id in emea_units else group_review,
                score=spec.grade,
                suggested_score=suggested,
                reason=reason,
                miss_cause=spec.miss_cause,
                graded_by=objective.owner,
            )
