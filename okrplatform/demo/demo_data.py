"""The demo organisation: Helix Industrial Group, a global maker of industrial drives.

Plain tables, read by ``alignment.demo``. Dates are not here: the builder places every cycle,
check-in and measurement relative to the day it runs, so the demo always looks alive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

COMPANY_CODE = "helix"
DEMO_PASSWORD = "demo"  # noqa: S105 - printed by load_demo; demo data only
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"  # noqa: S105 - printed by load_demo; demo data only
MANAGER, CONTRIBUTOR, VIEWER = "manager", "contributor", "viewer"

D = Decimal


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent: str | None
    country: str
    timezone: str
    currency: str
    language: str = "en"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    unit: str
    role: str  # viewer, contributor or manager
    title: str
    timezone: str
    language: str = "en"


@dataclass(frozen=True)
class KPISpec:
    """A KPI and the shape of its history: anchor values a year ago, at the start of the
    current quarter and today, with noise between them."""

    code: str
    name: str
    unit: str
    owner: str | None
    direction: str  # higher or lower
    frequency: str
    unit_label: str
    target: Decimal
    warning: Decimal
    critical: Decimal
    indicator: str  # lead or lag
    perspective: str
    year_ago: float
    quarter_start: float
    today: float
    noise: float
    definition: str
    decimals: int = 1
    silent_periods: int = 0  # no measurement for this many recent periods: the KPI goes stale
    source: str = "manual"


@dataclass(frozen=True)
class KR:
    """A key result and how its check-ins go: ``pace`` 1.0 keeps exactly to plan, above is
    ahead, below falls behind. ``silent_weeks``: no check-in for that many recent weeks."""

    title: str
    owner: str
    metric: str  # number, percentage, currency, boolean
    unit_label: str
    direction: str  # increase, decrease, stay_above, stay_below
    start: Decimal | None
    target: Decimal
    pace: float = 1.0
    weight: Decimal = Decimal(1)
    kpi: str | None = None
    silent_weeks: int = 0


@dataclass(frozen=True)
class Obj:
    key: str
    title: str
    unit: str
    owner: str
    level: str  # breakthrough, annual or quarterly
    perspective: str
    parent: str | None = None
    kind: str = "committed"
    from_children: bool = False
    key_results: list[KR] = field(default_factory=list)
    deploy_to: dict[str, tuple[str, list[KR]]] = field(default_factory=dict)
    grade: Decimal | None = None  # previous quarter: the grade given at close
    miss_cause: str = ""
    grade_reason: str = ""


def _moving(title, owner, metric, unit_label, start, target, **kw) -> KR:
    start, target = D(str(start)), D(str(target))
    direction = "increase" if target > start else "decrease"
    return KR(title, owner, metric, unit_label, direction, start, target, **kw)


def pct(title, owner, start, target, **kw) -> KR:
    return _moving(title, owner, "percentage", "%", start, target, **kw)


def num(title, owner, unit_label, start, target, **kw) -> KR:
    return _moving(title, owner, "number", unit_label, start, target, **kw)


def money(title, owner, currency, start, target, **kw) -> KR:
    return _moving(title, owner, "currency", currency, start, target, **kw)


def stays(title, owner, unit_label, direction, target, **kw) -> KR:
    return KR(title, owner, "number", unit_label, direction, None, D(str(target)), **kw)


def done(title, owner, **kw) -> KR:
    return KR(title, owner, "boolean", "", "increase", D(0), D(1), **kw)


# The tables below are laid out as tables; the formatter would put every value on its own line.
# fmt: off

REGIONS = [
    Unit("americas", "Americas", "region", COMPANY_CODE, "US", "America/Chicago", "USD"),
    Unit("emea", "EMEA", "region", COMPANY_CODE, "DE", "Europe/Berlin", "EUR", "de"),
    Unit("apac", "APAC", "region", COMPANY_CODE, "SG", "Asia/Singapore", "SGD"),
]
DEPARTMENTS = [
    ("operations", "Operations"), ("sales", "Sales"), ("rd", "R&D"), ("finance", "Finance"),
    ("logistics", "Logistics"),
]

UNITS = [
    Unit(COMPANY_CODE, "Helix Industrial Group", "company", None, "DE", "Europe/Berlin", "EUR"),
    *REGIONS,
    *[
        Unit(f"{region.code}-{code}", f"{region.name} {name}", "department", region.code,
             region.country, region.timezone, region.currency, region.language)
        for region in REGIONS
        for code, name in DEPARTMENTS
    ],
    Unit("monterrey-plant", "Monterrey Plant", "team", "americas-operations", "MX",
         "America/Monterrey", "MXN", "es"),
    Unit("ohio-plant", "Ohio Plant", "team", "americas-operations", "US", "America/New_York",
         "USD"),
    Unit("na-key-accounts", "North America Key Accounts", "team", "americas-sales", "US",
         "America/New_York", "USD"),
    Unit("stuttgart-plant", "Stuttgart Plant", "team", "emea-operations", "DE", "Europe/Berlin",
         "EUR", "de"),
    Unit("emea-last-mile", "Last-Mile Delivery EMEA", "team", "emea-logistics", "NL",
         "Europe/Amsterdam", "EUR"),
    Unit("rotterdam-dc", "Rotterdam Distribution Centre", "team", "emea-logistics", "NL",
         "Europe/Amsterdam", "EUR"),
    Unit("drives-engineering", "Drives Engineering", "team", "emea-rd", "DE", "Europe/Berlin",
         "EUR", "de"),
    Unit("japan-sales", "Japan Sales", "team", "apac-sales", "JP", "Asia/Tokyo", "JPY", "ja"),
    Unit("suzhou-plant", "Suzhou Plant", "team", "apac-operations", "CN", "Asia/Shanghai", "CNY",
         "zh-hans"),
    Unit("singapore-hub", "Singapore Hub", "team", "apac-logistics", "SG", "Asia/Singapore",
         "SGD"),
]

PEOPLE = [
    Person("elena", "Elena", "Fischer", COMPANY_CODE, MANAGER, "Chief executive", "Europe/Berlin"),
    Person("raj", "Raj", "Patel", COMPANY_CODE, MANAGER, "Chief financial officer",
           "Europe/London"),
    Person("victor", "Victor", "Almeida", COMPANY_CODE, VIEWER, "Board observer",
           "America/Sao_Paulo", "pt-br"),
    Person("maria", "María", "González", "americas", MANAGER, "President Americas",
           "America/Chicago", "es"),
    Person("david", "David", "Miller", "americas-operations", MANAGER, "VP Operations Americas",
           "America/Chicago"),
    Person("carlos", "Carlos", "Ruiz", "monterrey-plant", CONTRIBUTOR, "Plant manager Monterrey",
           "America/Monterrey", "es"),
    Person("emily", "Emily", "Clark", "ohio-plant", CONTRIBUTOR, "Plant manager Ohio",
           "America/New_York"),
    Person("sarah", "Sarah", "Johnson", "americas-sales", MANAGER, "VP Sales Americas",
           "America/New_York"),
    Person("james", "James", "Wilson", "americas-rd", MANAGER, "Head of R&D Americas",
           "America/Chicago"),
    Person("linda", "Linda", "Chen", "americas-finance", MANAGER, "Controller Americas",
           "America/Chicago"),
    Person("mike", "Mike", "Brown", "americas-logistics", MANAGER, "Logistics lead Americas",
           "America/Chicago"),
    Person("jonas", "Jonas", "Weber", "emea", MANAGER, "President EMEA", "Europe/Berlin", "de"),
    Person("sofia", "Sofia", "Rossi", "emea-operations", MANAGER, "VP Operations EMEA",
           "Europe/Rome"),
    Person("felix", "Felix", "Braun", "stuttgart-plant", CONTRIBUTOR, "Plant manager Stuttgart",
           "Europe/Berlin", "de"),
    Person("claire", "Claire", "Dubois", "emea-sales", MANAGER, "VP Sales EMEA", "Europe/Paris",
           "fr"),
    Person("priya", "Priya", "Nair", "emea-rd", MANAGER, "Head of R&D EMEA", "Europe/Berlin"),
    Person("oliver", "Oliver", "Meyer", "emea-finance", MANAGER, "Controller EMEA",
           "Europe/Berlin", "de"),
    Person("nina", "Nina", "Kowalski", "emea-finance", VIEWER, "Financial analyst",
           "Europe/Warsaw"),
    Person("lukas", "Lukas", "Schmidt", "emea-logistics", MANAGER, "Head of Logistics EMEA",
           "Europe/Berlin", "de"),
    Person("anna", "Anna", "Jansen", "emea-last-mile", CONTRIBUTOR, "Last-mile delivery lead",
           "Europe/Amsterdam"),
    Person("tom", "Tom", "de Vries", "rotterdam-dc", CONTRIBUTOR, "Site lead Rotterdam",
           "Europe/Amsterdam"),
    Person("mei", "Mei", "Tanaka", "apac", MANAGER, "President APAC", "Asia/Singapore"),
    Person("kenji", "Kenji", "Sato", "apac-sales", MANAGER, "VP Sales APAC", "Asia/Tokyo", "ja"),
    Person("yuki", "Yuki", "Yamamoto", "japan-sales", CONTRIBUTOR, "Key account manager Japan",
           "Asia/Tokyo", "ja"),
    Person("li", "Li", "Wei", "apac-operations", MANAGER, "VP Operations APAC", "Asia/Shanghai",
           "zh-hans"),
    Person("zhang", "Zhang", "Min", "suzhou-plant", CONTRIBUTOR, "Plant manager Suzhou",
           "Asia/Shanghai", "zh-hans"),
    Person("ravi", "Ravi", "Kumar", "apac-rd", MANAGER, "Head of R&D APAC", "Asia/Kolkata"),
    Person("grace", "Grace", "Lim", "apac-finance", MANAGER, "Controller APAC", "Asia/Singapore"),
    Person("arjun", "Arjun", "Singh", "apac-logistics", MANAGER, "Logistics lead APAC",
           "Asia/Singapore"),
    Person("hana", "Hana", "Kim", "singapore-hub", CONTRIBUTOR, "Hub supervisor Singapore",
           "Asia/Singapore"),
]

# Unit leads, where they differ from the unit's (first) manager above.
UNIT_LEADS = {
    COMPANY_CODE: "elena", "monterrey-plant": "carlos", "ohio-plant": "emily",
    "na-key-accounts": "sarah", "stuttgart-plant": "felix", "emea-last-mile": "anna",
    "rotterdam-dc": "tom", "drives-engineering": "priya", "japan-sales": "yuki",
    "suzhou-plant": "zhang", "singapore-hub": "hana",
}

KPIS = [
    # The regional operations heads are measured on throughput: the conflict of the brief.
    KPISpec("emea-delivery-throughput", "Delivery volume throughput", "emea-operations", "sofia",
            "higher", "weekly", "parcels/week", D(52000), D(50000), D(46000), "lead",
            "internal_process", 49500, 53800, 48600, 600,
            "Parcels delivered to customers in EMEA per week, all carriers.", decimals=0,
            source="api"),
    KPISpec("emea-last-mile-cost", "Last-mile cost per parcel", "emea-logistics", "anna",
            "lower", "weekly", "EUR", D("7.60"), D("8.00"), D("8.60"), "lag", "financial",
            8.95, 8.40, 7.84, 0.06, "Carrier, fuel, overtime and expedite cost per delivered "
            "parcel in EMEA.", decimals=2, source="api"),
    KPISpec("otd-americas", "On-time delivery Americas", "americas", "maria", "higher", "weekly",
            "%", D(96), D(94), D(90), "lag", "customer", 89.5, 91.0, 93.1, 0.6,
            "Orders delivered on or before the confirmed date."),
    KPISpec("otd-emea", "On-time delivery EMEA", "emea", "jonas", "higher", "weekly", "%",
            D(96), D(94), D(90), "lag", "customer", 92.0, 94.5, 95.6, 0.5,
            "Orders delivered on or before the confirmed date."),
    KPISpec("otd-apac", "On-time delivery APAC", "apac", "mei", "higher", "weekly", "%", D(96),
            D(94), D(90), "lag", "customer", 90.0, 91.5, 89.2, 0.7,
            "Orders delivered on or before the confirmed date."),
    KPISpec("order-backlog-americas", "Order backlog", "americas-operations", "david", "lower",
            "weekly", "days", D(7), D(9), D(12), "lead", "internal_process", 13.0, 12.0, 9.6,
            0.4, "Days of confirmed orders not yet shipped."),
    KPISpec("stuttgart-oee", "Overall equipment effectiveness Stuttgart", "stuttgart-plant",
            "felix", "higher", "weekly", "%", D(78), D(72), D(65), "lead", "internal_process",
            69.0, 71.0, 74.4, 1.0, "Availability × performance × quality of the assembly lines."),
    KPISpec("stuttgart-scrap", "Scrap rate Stuttgart", "stuttgart-plant", "felix", "lower",
            "weekly", "%", D("2.0"), D("3.0"), D("4.0"), "lag", "internal_process", 3.9, 3.4,
            2.55, 0.12, "Share of produced units scrapped.", decimals=2),
    KPISpec("emea-energy-per-unit", "Energy per unit produced EMEA", "emea-operations", "sofia",
            "lower", "monthly", "kWh/unit", D("35.0"), D("38.0"), D("41.0"), "lag",
            "internal_process", 40.2, 38.0, 36.6, 0.3, "Site energy divided by units produced."),
    KPISpec("service-revenue", "Service contract revenue", COMPANY_CODE, "raj", "higher",
            "monthly", "EUR k", D(4200), D(3900), D(3500), "lag", "financial", 3100, 3650, 3820,
            60, "Monthly recurring revenue from service and monitoring contracts.", decimals=0),
    KPISpec("apac-pipeline", "Qualified pipeline APAC", "apac-sales", "kenji", "higher",
            "monthly", "SGD k", D(9000), D(7500), D(6000), "lead", "customer", 5200, 6400, 5900,
            250, "Opportunities past technical qualification, weighted.", decimals=0),
    KPISpec("nps", "Net promoter score", COMPANY_CODE, "elena", "higher", "monthly", "points",
            D(45), D(38), D(30), "lag", "customer", 31, 36, 41, 2,
            "Promoters minus detractors, quarterly customer survey rolled monthly.", decimals=0),
    KPISpec("engagement", "Employee engagement index", COMPANY_CODE, "elena", "higher",
            "quarterly", "index", D(75), D(70), D(65), "lag", "learning_growth", 66, 69, 71, 1,
            "Engagement survey index, 0–100."),
    KPISpec("emea-engineering-attrition", "Engineering attrition EMEA", "emea-rd", "priya",
            "lower", "monthly", "%", D("8.0"), D("10.0"), D("13.0"), "lead", "learning_growth",
            11.5, 10.5, 10.8, 0.3, "Voluntary leavers over the last 12 months, annualised."),
    KPISpec("dso-americas", "Days sales outstanding Americas", "americas-finance", "linda",
            "lower", "monthly", "days", D(45), D(52), D(60), "lag", "financial", 61, 58, 53.5,
            1.0, "Receivables divided by average daily sales."),
    KPISpec("gross-margin", "Gross margin", COMPANY_CODE, "raj", "higher", "monthly", "%",
            D("38.0"), D("36.0"), D("33.0"), "lag", "financial", 35.1, 36.4, 37.2, 0.3,
            "Revenue minus cost of goods sold, over revenue."),
    KPISpec("suzhou-fpy", "First-pass yield Suzhou", "suzhou-plant", "zhang", "higher", "weekly",
            "%", D(96), D(93), D(90), "lead", "internal_process", 89.0, 91.0, 93.4, 0.5,
            "Units passing end-of-line test the first time."),
    KPISpec("suzhou-ltif", "Lost-time injury frequency Suzhou", "suzhou-plant", "li", "lower",
            "monthly", "per M hours", D("0.5"), D("1.0"), D("2.0"), "lag", "internal_process",
            0.9, 0.6, 1.3, 0.1, "Lost-time injuries per million hours worked.", decimals=2),
    KPISpec("singapore-pick-accuracy", "Pick accuracy Singapore hub", "singapore-hub", "hana",
            "higher", "daily", "%", D("99.5"), D("99.0"), D("98.0"), "lead", "customer", 98.6,
            99.1, 99.4, 0.15, "Order lines picked without error.", decimals=2),
    KPISpec("americas-supplier-defects", "Supplier defect rate Americas", "americas-operations",
            None, "lower", "monthly", "ppm", D(400), D(600), D(900), "lead", "internal_process",
            950, 800, 720, 30, "Defective parts per million received.", decimals=0,
            silent_periods=4),
]

BREAKTHROUGH = [
    Obj("B1", "Become the most reliable automation partner in every market we serve",
        COMPANY_CODE, "elena", "breakthrough", "customer", from_children=True),
    Obj("B2", "Double recurring service revenue by the end of the plan", COMPANY_CODE, "raj",
        "breakthrough", "financial", from_children=True),
    Obj("B3", "Halve the carbon footprint of our operations", COMPANY_CODE, "elena",
        "breakthrough", "internal_process", from_children=True),
    Obj("B4", "Build world-class engineering and operations talent", COMPANY_CODE, "elena",
        "breakthrough", "learning_growth", from_children=True),
]

ANNUAL = [
    Obj("A1", "Deliver on time, every time", COMPANY_CODE, "elena", "annual", "customer", "B1",
        from_children=True),
    Obj("A2", "Grow service revenue to 30% of sales", COMPANY_CODE, "raj", "annual",
        "financial", "B2", from_children=True),
    Obj("A3", "Cut logistics cost per order by 10%", COMPANY_CODE, "raj", "annual", "financial",
        "B2", from_children=True),
    Obj("A4", "Cut energy per unit produced by 12%", COMPANY_CODE, "elena", "annual",
        "internal_process", "B3", from_children=True),
    Obj("A5", "Grow the skills our customers rely on", COMPANY_CODE, "elena", "annual",
        "learning_growth", "B4", from_children=True),
    Obj("A6", "Launch the Helix X7 drive platform worldwide", COMPANY_CODE, "elena", "annual",
        "customer", "B1", from_children=True),
    Obj("A7", "Strengthen cash generation", COMPANY_CODE, "raj", "annual", "financial", "B2",
        from_children=True),
    Obj("A8", "Grow APAC revenue by 25%", "apac", "mei", "annual", "financial", "B2",
        from_children=True),
]

CURRENT_QUARTER = [
    # The global objective, deployed to the three regions, each adapting its key results.
    Obj("Q-LASTMILE", "Reduce last-mile delivery cost by 15%", COMPANY_CODE, "raj", "quarterly",
        "financial", "A3", from_children=True,
        deploy_to={
            "americas-logistics": ("mike", [
                money("Cost per delivered parcel from $9.10 to $7.74", "mike", "USD", "9.10",
                      "7.74", pace=0.9),
                pct("Deliveries on dense, consolidated routes from 55% to 75%", "mike", 55, 75),
                pct("Failed first delivery attempts from 9% to 5%", "mike", 9, 5, pace=0.7),
            ]),
            "emea-logistics": ("lukas", [
                money("Last-mile cost per parcel from €8.40 to €7.14", "anna", "EUR", "8.40",
                      "7.14", kpi="emea-last-mile-cost", weight=D(2)),
                pct("Expedited shipments from 18% to 8% of volume", "anna", 18, 8, pace=1.2),
                stays("Overtime stays below 6% of hours", "lukas", "%", "stay_below", 6),
            ]),
            "apac-logistics": ("arjun", [
                money("Cost per delivered parcel from S$11.20 to S$9.52", "arjun", "SGD",
                      "11.20", "9.52", pace=0.55),
                num("Cities with route optimisation live", "arjun", "cities", 0, 3, pace=0.6),
            ]),
        }),
    Obj("Q-X7", "Launch X7 in all three regions", COMPANY_CODE, "elena", "quarterly",
        "customer", "A6", key_results=[
            num("Regions where X7 can be ordered", "elena", "regions", 1, 3, pace=1.1),
            num("X7 units ordered", "elena", "units", 0, 500, pace=0.85),
            done("X7 safety certification in all markets", "priya", pace=1.6),
        ]),
    Obj("Q-OKR", "Make every manager fluent in OKRs", COMPANY_CODE, "elena", "quarterly",
        "learning_growth", "A5", kind="aspirational", key_results=[
            num("Managers trained in OKR writing", "elena", "managers", 20, 120, pace=0.9),
            pct("Units checking in every week", "elena", 40, 90, pace=0.8),
        ]),
    # Americas
    Obj("Q-AM-OTD", "Raise on-time delivery in the Americas to 97%", "americas", "maria",
        "quarterly", "customer", "A1", key_results=[
            pct("On-time delivery from 91% to 97%", "maria", 91, 97, pace=0.75),
            num("Order backlog from 12 to 7 days", "david", "days", 12, 7, pace=0.9),
            num("Top carriers with a monthly scorecard", "mike", "carriers", 0, 10, pace=1.3),
        ]),
    Obj("Q-AM-SERVICE", "Sign 40 new service contracts in North America", "americas-sales",
        "sarah", "quarterly", "financial", "A2", key_results=[
            num("New service contracts signed", "sarah", "contracts", 0, 40, pace=0.8),
            money("Service pipeline from $4.0M to $6.5M", "sarah", "USD k", 4000, 6500),
            stays("Contract renewal rate stays above 90%", "sarah", "%", "stay_above", 90),
        ]),
    Obj("Q-AM-MONTERREY", "Ramp Monterrey to full X7 production", "monterrey-plant", "carlos",
        "quarterly", "internal_process", "Q-X7", key_results=[
            num("X7 units built per week from 120 to 400", "carlos", "units/week", 120, 400,
                pace=0.7),
            pct("X7 first-pass yield from 88% to 95%", "carlos", 88, 95, pace=0.9),
            num("Line changeover from 90 to 45 minutes", "carlos", "min", 90, 45, pace=1.1,
                silent_weeks=3),
        ]),
    Obj("Q-AM-OHIO", "Cut energy per unit at the Ohio plant by 10%", "ohio-plant", "emily",
        "quarterly", "internal_process", "A4", key_results=[
            num("Energy per unit from 41.0 to 36.9 kWh", "emily", "kWh/unit", "41.0", "36.9",
                pace=0.6),
            done("LED retrofit of both halls complete", "emily", pace=1.8),
            num("Compressed-air leaks fixed", "emily", "leaks", 0, 80, pace=1.0),
        ]),
    Obj("Q-AM-OEM", "Grow wallet share with our top five OEMs", "na-key-accounts", "sarah",
        "quarterly", "customer", None, key_results=[
            pct("Share of wallet from 22% to 30%", "sarah", 22, 30, pace=0.5),
            num("Quarterly business reviews held with the top five", "sarah", "reviews", 0, 5,
                pace=1.0),
        ]),
    Obj("Q-AM-DSO", "Bring days sales outstanding down to 45", "americas-finance", "linda",
        "quarterly", "financial", "A7", key_results=[
            num("DSO from 58 to 45 days", "linda", "days", 58, 45, pace=0.8),
            stays("Disputed invoices stay below 3%", "linda", "%", "stay_below", 3),
            num("Customers on e-invoicing", "linda", "customers", 40, 120, pace=1.2),
        ]),
    Obj("Q-AM-FIELD", "Halve X7 field failures", "americas-rd", "james", "quarterly",
        "customer", "Q-X7", key_results=[
            num("Field failure rate from 1,200 to 600 ppm", "james", "ppm", 1200, 600, pace=0.4),
            num("Root causes closed from the failure Pareto", "james", "causes", 0, 8,
                pace=0.6),
        ]),
    # EMEA
    Obj("Q-EM-OTD", "Make EMEA the benchmark for on-time delivery", "emea", "jonas",
        "quarterly", "customer", "A1", from_children=True),
    Obj("Q-EM-ROTTERDAM", "Dock-to-stock in under 24 hours at Rotterdam", "rotterdam-dc", "tom",
        "quarterly", "internal_process", "Q-EM-OTD", key_results=[
            num("Dock-to-stock time from 40 to 24 hours", "tom", "hours", 40, 24, pace=1.1),
            stays("Pick accuracy stays above 99.5%", "tom", "%", "stay_above", "99.5"),
            pct("Inbound pallets pre-advised electronically from 50% to 90%", "tom", 50, 90),
        ]),
    Obj("Q-EM-PROMISE", "Promise only dates we can keep", "emea-sales", "claire", "quarterly",
        "customer", "Q-EM-OTD", key_results=[
            pct("Orders confirmed with an availability check from 60% to 95%", "claire", 60, 95,
                pace=1.05),
            stays("Customer-requested date changes stay below 5%", "claire", "%", "stay_below",
                  5, pace=0.7),
        ]),
    Obj("Q-EM-ENERGY", "Cut energy per unit in EMEA plants by 8%", "emea-operations", "sofia",
        "quarterly", "internal_process", "A4", key_results=[
            num("Energy per unit from 38.0 to 35.0 kWh", "sofia", "kWh/unit", "38.0", "35.0",
                pace=0.9),
            done("Heat recovery in the paint shop commissioned", "felix", pace=1.7),
            num("Compressed-air leaks fixed", "felix", "leaks", 0, 120, pace=1.2),
        ]),
    Obj("Q-EM-SCRAP", "Cut scrap at Stuttgart to 2%", "stuttgart-plant", "felix", "quarterly",
        "internal_process", "Q-EM-ENERGY", key_results=[
            pct("Scrap rate from 3.4% to 2.0%", "felix", "3.4", "2.0", kpi="stuttgart-scrap"),
            pct("OEE from 71% to 78%", "felix", 71, 78, kpi="stuttgart-oee"),
        ]),
    Obj("Q-EM-SERVICE", "Grow EMEA service revenue by 20%", "emea-sales", "claire", "quarterly",
        "financial", "A2", key_results=[
            money("Service revenue from €3.2M to €3.84M", "claire", "EUR k", 3200, 3840,
                  pace=0.85),
            num("Remote monitoring contracts signed", "claire", "contracts", 0, 25, pace=1.1),
            pct("Installed base under contract from 18% to 24%", "claire", 18, 24, pace=0.7),
        ]),
    Obj("Q-EM-FW", "Ship X7 firmware 2.0 with predictive maintenance", "drives-engineering",
        "priya", "quarterly", "customer", "Q-X7", kind="aspirational", key_results=[
            pct("Failure predictions that prove right from 70% to 90%", "priya", 70, 90,
                pace=0.65),
            num("Beta customers running firmware 2.0", "priya", "customers", 0, 8, pace=0.9),
            stays("Open critical bugs stay below 5", "priya", "bugs", "stay_below", 5),
        ]),
    Obj("Q-EM-BENCH", "Grow the drives engineering bench", "emea-rd", "priya", "quarterly",
        "learning_growth", "A5", key_results=[
            num("Engineers certified in functional safety from 4 to 12", "priya", "engineers", 4,
                12, pace=1.0),
            stays("Engineering attrition stays below 10%", "priya", "%", "stay_below", 10,
                  pace=0.8),
        ]),
    Obj("Q-EM-CLOSE", "Close the books in four working days", "emea-finance", "oliver",
        "quarterly", "internal_process", "A7", key_results=[
            num("Month-end close from 7 to 4 working days", "oliver", "days", 7, 4, pace=1.0),
            num("Manual journal entries per month from 320 to 150", "oliver", "entries", 320,
                150, pace=0.75),
        ]),
    # APAC
    Obj("Q-AP-JAPAN", "Win the Japanese OEM market", "japan-sales", "kenji", "quarterly",
        "customer", "A8", kind="aspirational", key_results=[
            money("Qualified pipeline from ¥300M to ¥600M", "yuki", "JPY M", 300, 600, pace=0.8),
            num("Design-ins at Japanese OEMs", "yuki", "design-ins", 1, 5, pace=0.7),
            done("X7 documentation published in Japanese", "kenji", pace=1.5),
        ]),
    Obj("Q-AP-YIELD", "Raise Suzhou first-pass yield to 96%", "suzhou-plant", "zhang",
        "quarterly", "internal_process", "Q-X7", key_results=[
            pct("First-pass yield from 91% to 96%", "zhang", 91, 96, kpi="suzhou-fpy"),
            num("Supplier defects from 900 to 400 ppm", "li", "ppm", 900, 400, pace=0.9),
            num("Operators trained on the new test bench", "zhang", "operators", 0, 60),
        ]),
    Obj("Q-AP-HUB", "Automate parcel sorting at the Singapore hub", "singapore-hub", "hana",
        "quarterly", "internal_process", None, key_results=[
            pct("Parcels sorted automatically from 0% to 60%", "hana", 0, 60, pace=0.8),
            stays("Sorting errors stay below 0.5%", "hana", "%", "stay_below", "0.5"),
        ]),
    Obj("Q-AP-APPS", "Build a local application-engineering team", "apac-rd", "ravi",
        "quarterly", "learning_growth", "A5", key_results=[
            num("Application engineers hired from 2 to 6", "ravi", "engineers", 2, 6, pace=0.6,
                silent_weeks=4),
            num("Customer trainings delivered", "ravi", "trainings", 0, 12, pace=1.1),
        ]),
    Obj("Q-AP-HEDGE", "Hedge 80% of our yen exposure", "apac-finance", "grace", "quarterly",
        "financial", "A7", key_results=[
            pct("Hedged yen exposure from 40% to 80%", "grace", 40, 80, pace=1.2),
            done("Hedging policy approved by the board", "grace", pace=2.0),
        ]),
    Obj("Q-AP-GROWTH", "Open two new distributor channels in South-East Asia", "apac", "mei",
        "quarterly", "financial", "A8", key_results=[
            num("Distributors signed", "mei", "distributors", 0, 2, pace=0.7),
            money("Distributor orders from S$0 to S$1.5M", "mei", "SGD k", 0, 1500, pace=0.5),
        ]),
]

PREVIOUS_QUARTER = [
    Obj("P-X7", "Stabilise X7 pilot production", COMPANY_CODE, "elena", "quarterly",
        "internal_process", "A6", key_results=[
            num("Pilot units built", "elena", "units", 0, 600, pace=0.85),
            pct("Pilot first-pass yield from 80% to 92%", "carlos", 80, 92, pace=0.7),
        ], grade=D("0.75"), miss_cause="execution",
        grade_reason="Yield work slipped when the test-bench supplier delivered six weeks late."),
    Obj("P-EM-COST", "Cut EMEA logistics cost per order by 5%", "emea-logistics", "lukas",
        "quarterly", "financial", "A3", key_results=[
            num("Carrier contracts renegotiated", "lukas", "contracts", 0, 6, pace=1.0),
            pct("Deliveries on the route-optimisation tool from 0% to 70%", "anna", 0, 70,
                pace=1.05),
            money("Cost per order from €12.60 to €11.97", "lukas", "EUR", "12.60", "11.97",
                  pace=0.3),
        ], grade=D("0.55"), miss_cause="strategy",
        grade_reason="Contracts and routing were delivered, but cost per order hardly moved: "
        "expedited shipping to protect throughput ate the savings."),
    Obj("P-AM-PIPE", "Build the North America service pipeline to $4M", "americas-sales",
        "sarah", "quarterly", "financial", "A2", key_results=[
            money("Service pipeline from $2.5M to $4.0M", "sarah", "USD k", 2500, 4000, pace=1.1),
            num("Service sales reps trained", "sarah", "reps", 0, 15, pace=1.0),
        ], grade=D("1.00")),
    Obj("P-EM-MAP", "Map the energy use of every EMEA line", "emea-operations", "sofia",
        "quarterly", "internal_process", "A4", key_results=[
            num("Lines with energy meters", "felix", "lines", 4, 22, pace=1.0),
            done("Energy baseline signed off", "sofia", pace=1.2),
        ], grade=D("1.00")),
    Obj("P-AP-OFFICE", "Open the Japan sales office", "japan-sales", "kenji", "quarterly",
        "customer", "A8", key_results=[
            done("Office registered and staffed", "kenji", pace=1.3),
            num("First customer visits", "yuki", "visits", 0, 30, pace=1.0),
        ], grade=D("1.00")),
    Obj("P-EM-FW", "Release X7 firmware 1.5", "drives-engineering", "priya", "quarterly",
        "customer", "A6", kind="aspirational", key_results=[
            num("Features delivered from the 1.5 scope", "priya", "features", 0, 12, pace=0.75),
            stays("Open critical bugs stay below 5", "priya", "bugs", "stay_below", 5),
        ], grade=D("0.70")),
    Obj("P-AM-BACKLOG", "Reduce the order backlog below 10 days", "americas-operations",
        "david", "quarterly", "internal_process", "A1", key_results=[
            num("Order backlog from 14 to 10 days", "david", "days", 14, 10, pace=0.5),
            num("Second shift staffed", "david", "operators", 0, 40, pace=0.45),
        ], grade=D("0.50"), miss_cause="execution",
        grade_reason="We could not hire the second shift in time."),
    Obj("P-AP-SUPPLIER", "Qualify a second supplier for IGBT modules", "apac-operations", "li",
        "quarterly", "internal_process", "A6", key_results=[
            done("Second supplier qualified", "li", pace=1.2),
            num("Modules sourced from the second supplier", "li", "modules", 0, 5000, pace=0.8),
        ], grade=D("0.90"), miss_cause="execution",
        grade_reason="Qualified in week 11; volume ramp starts next quarter."),
]

# Lead and guard links: (KPI code, objective key, leads or guards, note)
KPI_LINKS = [
    ("emea-delivery-throughput", "Q-LASTMILE@emea-logistics", "guards",
     "Cost cuts must not cut the volume we deliver."),
    ("emea-last-mile-cost", "Q-LASTMILE@emea-logistics", "leads", ""),
    ("otd-americas", "Q-AM-OTD", "leads", ""),
    ("order-backlog-americas", "Q-AM-OTD", "leads", "Backlog moves weeks before on-time rate."),
    ("otd-emea", "Q-EM-OTD", "leads", ""),
    ("stuttgart-oee", "Q-EM-SCRAP", "leads", ""),
    ("emea-energy-per-unit", "Q-EM-ENERGY", "leads", ""),
    ("service-revenue", "A2", "leads", ""),
    ("apac-pipeline", "Q-AP-JAPAN", "leads", "Pipeline today is revenue in two quarters."),
    ("suzhou-ltif", "Q-AP-YIELD", "guards", "Yield pressure must not cost safety."),
    ("singapore-pick-accuracy", "Q-AP-HUB", "guards", "Automation must not cost accuracy."),
    ("emea-engineering-attrition", "Q-EM-BENCH", "guards", ""),
    ("nps", "B1", "leads", ""),
    ("gross-margin", "Q-LASTMILE", "guards", ""),
]

# Known conflicts: (objective key, KPI code, description)
TENSIONS = [
    ("Q-LASTMILE@emea-logistics", "emea-delivery-throughput",
     "Speed that maximises delivery throughput needs overtime and expedited shipping, which "
     "wipes out the last-mile cost savings; the regional operations heads are measured on "
     "throughput while the executive team asked for a 15% cost cut."),
    ("Q-AP-YIELD", "suzhou-ltif",
     "Running the lines faster to fix yield has put more operators on overtime; injuries rose "
     "last month."),
]

# (title, unit, owner, state, objective keys whose first two key results it drives; the first
# objective strongly, the others weakly)
INITIATIVES = [
    ("Route optimisation rollout", "emea-logistics", "lukas", "in_progress",
     ["Q-LASTMILE@emea-logistics", "Q-LASTMILE@americas-logistics",
      "Q-LASTMILE@apac-logistics"]),
    ("Carrier consolidation programme", COMPANY_CODE, "raj", "in_progress",
     ["Q-LASTMILE@americas-logistics", "Q-LASTMILE@emea-logistics"]),
    ("Heat recovery in the Stuttgart paint shop", "stuttgart-plant", "felix", "in_progress",
     ["Q-EM-ENERGY"]),
    ("Service sales academy", "americas-sales", "sarah", "in_progress",
     ["Q-AM-SERVICE", "Q-EM-SERVICE"]),
    ("X7 pilot line in Monterrey", "monterrey-plant", "carlos", "in_progress",
     ["Q-AM-MONTERREY", "Q-X7"]),
    ("Available-to-promise in the order system", "emea-sales", "claire", "in_progress",
     ["Q-EM-PROMISE", "Q-AM-OTD"]),
    ("Predictive maintenance data platform", "drives-engineering", "priya", "in_progress",
     ["Q-EM-FW", "Q-EM-SERVICE"]),
    ("Automated sorter at the Singapore hub", "singapore-hub", "hana", "proposed",
     ["Q-AP-HUB"]),
    ("Safety and quality daily stand-ups in Suzhou", "suzhou-plant", "zhang", "in_progress",
     ["Q-AP-YIELD"]),
]

# "Also supports" links, the cause and effect across perspectives that the cascade leaves out:
# (objective key, objective key it also supports)
SUPPORTS = [
    ("B4", "B1"),  # talent makes us reliable (learning & growth → customer)
    ("B1", "B2"),  # reliability sells service contracts (customer → financial)
    ("A5", "A6"),  # the skills launch the X7 (learning & growth → customer)
    ("A6", "A2"),  # the X7 launch grows service revenue (customer → financial)
    ("A1", "A7"),  # on-time delivery gets invoices paid sooner (customer → financial)
    ("A4", "A7"),  # energy saved is cash kept (internal process → financial)
    ("Q-EM-ROTTERDAM", "Q-LASTMILE@emea-logistics"),  # faster put-away, fewer expedites
]

# Catchball: (objective key, [(who, action, days before the quarter started, comment)]);
# the last turn sets where the negotiation stands.
CATCHBALL = [
    ("Q-EM-PROMISE", [
        ("claire", "proposed", 12, "Most late orders were promised late, not shipped late."),
        ("jonas", "agreed", 9, "Agreed. Align the dates with Rotterdam's dock-to-stock plan."),
    ]),
    ("Q-EM-ROTTERDAM", [
        ("tom", "proposed", 14, "Dock-to-stock is the one lever we own for on-time delivery."),
        ("lukas", "returned", 12, "Add a guard on pick accuracy: speed must not cost errors."),
        ("tom", "proposed", 10, "Added: pick accuracy stays above 99.5%."),
        ("lukas", "agreed", 9, ""),
    ]),
    ("Q-AP-APPS", [
        ("ravi", "proposed", 11, "Customers in Japan and Korea wait weeks for application help."),
        ("mei", "returned", 4, "Four hires in one quarter are not funded. Propose two, plus "
         "training for our distributors' engineers."),
    ]),
    ("Q-AP-HUB", [
        ("hana", "proposed", 6, "Hand sorting caps us at 14,000 parcels a day; peak season "
         "needs 20,000."),
    ]),
]

# Decisions in last quarter's EMEA review:
# (title, details, by, weeks before the quarter's end, KPI codes, objective keys)
PREVIOUS_REVIEW_DECISIONS = [
    ("Cap last-mile overtime at 6% of hours",
     "Throughput may dip while the new routes bed in; no expedited shipping for standard orders.",
     "jonas", 1, ["emea-delivery-throughput", "emea-last-mile-cost"], ["P-EM-COST"]),
    ("Fund heat recovery in the Stuttgart paint shop",
     "€420k from the EMEA capex reserve; payback 2.1 years.", "jonas", 1,
     ["emea-energy-per-unit"], ["P-EM-MAP"]),
    ("Move two engineers from X6 sustaining to X7 firmware",
     "Firmware 1.5 missed scope; 2.0 must not.", "priya", 1, ["emea-engineering-attrition"],
     ["P-EM-FW"]),
]

# Decisions taken this quarter outside a review: (title, details, by, weeks ago, KPIs, objectives)
CURRENT_DECISIONS = [
    ("Pause expedited shipping for non-priority orders",
     "Until the last-mile cost is back under €8.00 per parcel.", "lukas", 3,
     ["emea-last-mile-cost", "emea-delivery-throughput"], ["Q-LASTMILE@emea-logistics"]),
]

# fmt: on
