"""Import communication activities from an XLSX file in the template's columns (all or nothing)."""

from pathlib import Path

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cchc.comms.tables import import_activities
from cchc.orgs.models import Unit


class Command(BaseCommand):
    help = ("Nhập hoạt động tuyên truyền từ tệp .xlsx theo mẫu. Chỉ lưu khi mọi dòng đều đúng; "
            "nhập lại cùng tệp không tạo bản ghi trùng.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp .xlsx")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của người nhập (quyền theo người này)")
        parser.add_argument("--unit", help="Mã đơn vị mặc định cho các dòng không ghi “Mã đơn vị”")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['user']}”.")
        unit = None
        if options.get("unit"):
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        with set_actor(user):
            result = import_activities(path.read_bytes(), path.name, user=user, default_unit=unit)
        if not result.ok:
            raise CommandError("Chưa lưu dòng nào:\n" + "\n".join(result.errors))
        self.stdout.write(self.style.SUCCESS(
            f"Đã nhập: {result.created} mới, {result.updated} cập nhật, {result.unchanged} không đổi."))
