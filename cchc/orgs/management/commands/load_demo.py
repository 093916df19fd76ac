"""Load the Ninh Bình demo data: the unit tree (province, departments, 129 communes and wards with
their offices and merger history) and one account per role. Idempotent: a second run changes
nothing and creates no duplicates."""

import os
from pathlib import Path

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.documents.tables import read_table
from cchc.orgs import services
from cchc.orgs.models import Membership, Role, Unit

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD_DEFAULT = "NinhBinh@2025"
PLANS_DIR = Path(__file__).resolve().parents[3] / "plans" / "demo"
# (seed file, issuing unit): the province's CCHC and communication plans, Sở Nội vụ's and
# xã Bình Giang's derived plans. Seed 003 is a Hải Phòng commune's and stays out of the demo.
# Reports last: their pre-filled outline reads the activities and tasks loaded before them.
DEMO_APPS = ["cchc.comms", "cchc.portal", "cchc.scoring", "cchc.reports", "cchc.surveys", "cchc.inspections", "cchc.feedback", "cchc.contest"]
DEMO_PLANS = [("004_*.txt", "37"), ("001_*.txt", "37"), ("000_*.txt", "37.SNV"), ("002_*.txt", "13531")]

# (username, full name, unit code, role, position)
DEMO_PEOPLE = [
    ("dieuphoi", "Trần Thị Thu Hà", "37.SNV.CCHC", Role.COORDINATOR, "Chuyên viên Phòng CCHC, Sở Nội vụ"),
    ("lanhdao.snv", "Nguyễn Văn Hùng", "37.SNV", Role.LEADER, "Phó Giám đốc Sở Nội vụ"),
    ("canbo.stp", "Phạm Minh Tuấn", "37.STP", Role.OFFICER, "Chuyên viên Văn phòng Sở Tư pháp"),
    ("canbo.binhgiang", "Vũ Thị Lan", "13531", Role.OFFICER, "Công chức Văn phòng HĐND và UBND xã"),
    ("chutich.binhgiang", "Đỗ Văn Nam", "13531", Role.LEADER, "Chủ tịch UBND xã Bình Giang"),
    ("canbo.phuly", "Lê Thị Mai", "13285", Role.OFFICER, "Công chức Văn phòng HĐND và UBND phường"),
    ("ctv.bao", "Hoàng Đức Anh", "37.BAO", Role.COLLABORATOR, "Phóng viên"),
    ("bientap", "Ngô Thị Hương", "37.VPUB", Role.EDITOR, "Biên tập viên Cổng Thông tin điện tử tỉnh"),
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu tỉnh Ninh Bình (đơn vị, người dùng mẫu). Chạy lại nhiều lần không nhân đôi dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("--no-plans", action="store_true", help="Chỉ nạp đơn vị và người dùng, không nạp kế hoạch mẫu")

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)
        with set_actor(None), transaction.atomic():
            for name in ("province.csv", "communes.csv"):
                path = DEMO_DIR / name
                result = services.units_import(read_table(path.read_bytes(), path.name))
                if not result.ok:
                    raise CommandError("\n".join(str(e) for e in result.errors))
                self.stdout.write(
                    f"{name}: {result.created} mới, {result.updated} cập nhật, {result.unchanged} không đổi"
                )
            created = self._people(password)
        self.stdout.write(self.style.SUCCESS(f"Tài khoản mẫu: {created} mới."))
        if not options["no_plans"]:
            self._plans()
            self._apps()
        self.stdout.write(f"\nĐăng nhập tại {settings.SITE_URL}/dang-nhap/ với các tài khoản mẫu:")
        for username, full_name, code, role, _ in DEMO_PEOPLE:
            unit = Unit.objects.get(code=code)
            self.stdout.write(f"  {username:<18} {Role(role).label:<28} {unit.display_name}  ({full_name})")
        self.stdout.write(f"  Mật khẩu chung: {password}  (đặt biến DEMO_PASSWORD để đổi khi nạp lần đầu)")

    def _plans(self) -> None:
        """The seed plans, read from their text by the same importer people use."""
        from cchc.plans import services as plan_services
        from cchc.plans.models import Plan

        for pattern, code in DEMO_PLANS:
            path = next(PLANS_DIR.glob(pattern))
            unit = Unit.objects.get(code=code)
            if Plan.objects.filter(unit=unit, source_name=path.name).exists():
                continue
            parsed = plan_services.plan_parse(path.read_bytes(), path.name, context=unit)
            with set_actor(None):
                plan = plan_services.plan_save(parsed=parsed, unit=unit, source=(path.name, path.read_bytes()))
            self.stdout.write(f"Kế hoạch mẫu: {plan.title} ({plan.tasks.count()} nhiệm vụ)")

    def _apps(self) -> None:
        """Each area's own demo content (activities, portal articles, PAR Index sets and a round),
        loaded by the area's `demo.load_demo()`, which is idempotent like this command."""
        from importlib import import_module

        for app in DEMO_APPS:
            with set_actor(None):
                summary = import_module(f"{app}.demo").load_demo()
            self.stdout.write(summary)

    def _people(self, password: str) -> int:
        User = get_user_model()
        created = 0
        for username, full_name, code, role, position in DEMO_PEOPLE:
            unit = Unit.objects.get(code=code)
            user = User.objects.filter(username=username).first()
            if user is None:
                services.person_create(
                    username=username, full_name=full_name, email=f"{username}@demo.cchc.local",
                    password=password, unit=unit, role=role, position=position,
                )
                created += 1
            elif not Membership.objects.filter(user=user, unit=unit, role=role).exists():
                services.membership_add(user=user, unit=unit, role=role, position=position)
        return created
