"""Load the Ninh Bình demo data: the unit tree (province, departments, 129 communes and wards with
their offices and merger history) and one account per role. Idempotent: a second run changes
nothing and creates no duplicates."""

import os
from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.documents.tables import read_table
from cchc.orgs import services
from cchc.orgs.models import Membership, Role, Unit

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD_DEFAULT = "NinhBinh@2025"

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
        self.stdout.write("\nĐăng nhập tại http://127.0.0.1:8000/dang-nhap/ với các tài khoản mẫu:")
        for username, full_name, code, role, _ in DEMO_PEOPLE:
            unit = Unit.objects.get(code=code)
            self.stdout.write(f"  {username:<18} {Role(role).label:<28} {unit.display_name}  ({full_name})")
        self.stdout.write(f"  Mật khẩu chung: {password}  (đặt biến DEMO_PASSWORD để đổi khi nạp lần đầu)")

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
