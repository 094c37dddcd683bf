"""Load the demo organisation: a global industrial manufacturer with strategy, OKRs and KPIs."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from alignment.models import Tension
from kpis.models import KPI, Measurement
from objectives.models import (
    CheckIn,
    Cycle,
    Initiative,
    Intervention,
    KeyResult,
    KPILink,
    Objective,
    UnitRollup,
)
from okrplatform.demo import demo_data as data
from okrplatform.demo.demo import DemoBuilder
from okrplatform.org.models import Membership, OrgUnit, User
from reviews.models import Decision, KeyResultGrade, ObjectiveGrade, ReviewMeeting

# Deleted children first: units, cycles and people are protected while anything refers to them.
ORGANISATION_DATA = [
    KeyResultGrade,
    ObjectiveGrade,
    Decision,
    ReviewMeeting,
    Tension,
    Intervention,
    KPILink,
    Initiative,
    CheckIn,
    KeyResult,
    Measurement,
    KPI,
    UnitRollup,
    Objective,
    Membership,
]


class Command(BaseCommand):
    help = (
        "Load a realistic demo organisation (Helix Industrial Group) placed around today. "
        "Running it again changes nothing; --reset deletes all organisation data and the demo "
        "people first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every unit, cycle, objective, KPI and review, and the demo people, "
            "then load the demo afresh.",
        )

    def handle(self, *args, reset: bool = False, **options) -> None:
        if reset:
            self._reset()
        admin_password_is_demo = self._ensure_admin()
        if OrgUnit.objects.filter(code=data.COMPANY_CODE).exists():
            self.stdout.write("The demo organisation is already loaded; nothing changed.")
        else:
            self.stdout.write(self.style.MIGRATE_HEADING("Loading the demo organisation…"))
            DemoBuilder(today=timezone.localdate(), out=self.stdout.write).build()
            self.stdout.write(self.style.SUCCESS("Done."))
        self._print_logins(admin_password_is_demo)

    @transaction.atomic
    def _reset(self) -> None:
        self.stdout.write(self.style.WARNING("Deleting all organisation data…"))
        for model in ORGANISATION_DATA:
            model.objects.all().delete()
        for tree in (OrgUnit, Cycle):
            tree.objects.update(parent=None)
            tree.objects.all().delete()
        User.objects.filter(username__in=[person.username for person in data.PEOPLE]).delete()
        for model in [*ORGANISATION_DATA, OrgUnit, Cycle]:
            if hasattr(model, "history"):
                model.history.all().delete()

    def _ensure_admin(self) -> bool:
        """Create the demo administrator if missing; say whether its password is the demo one."""
        admin, _ = User.objects.get_or_create(
            username=data.ADMIN_USERNAME,
            defaults={
                "first_name": "Demo",
                "last_name": "Administrator",
                "email": "admin@helix.example",
                "is_staff": True,
                "is_superuser": True,
                "password": make_password(data.ADMIN_PASSWORD),
            },
        )
        return admin.check_password(data.ADMIN_PASSWORD)

    def _print_logins(self, admin_password_is_demo: bool) -> None:
        admin_password = data.ADMIN_PASSWORD if admin_password_is_demo else "(yours)"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Open http://127.0.0.1:8000/ and sign in as:"))
        self.stdout.write(
            f"  {data.ADMIN_USERNAME:<8} {admin_password:<10} staff, runs Django admin"
        )
        for username, description in [
            ("elena", "manager of the whole company (CEO)"),
            ("jonas", "manager of EMEA"),
            ("lukas", "manager of EMEA Logistics"),
            ("anna", "contributor in Last-Mile Delivery EMEA"),
            ("nina", "viewer in EMEA Finance"),
            ("victor", "viewer of the whole company"),
        ]:
            self.stdout.write(f"  {username:<8} {data.DEMO_PASSWORD:<10} {description}")
        self.stdout.write(
            f"  Every other demo person also signs in with the password “{data.DEMO_PASSWORD}”."
        )
