"""Read a plan file; print what was understood (--json), or save it for a unit (--save)."""

import json
import os
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cchc.orgs.models import Unit
from cchc.plans import services


class Command(BaseCommand):
    help = "Đọc kế hoạch từ tệp (.docx, .doc, .pdf, .txt, ảnh quét). Mặc định chỉ in kết quả, không lưu."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tệp kế hoạch")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON (không lưu)")
        parser.add_argument("--context", help="Mã đơn vị ban hành, để nhận diện tên phòng, ban của đơn vị đó")
        parser.add_argument("--save", metavar="MA_DON_VI", help="Lưu kế hoạch cho đơn vị có mã này")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        if os.environ.get("CCHC_SCRATCH_TREE"):
            _scratch_tree()
        context = None
        if options.get("context"):
            context = Unit.objects.filter(code=options["context"]).first()
            if context is None:
                raise CommandError(f"Không có đơn vị mã “{options['context']}”.")
        try:
            parsed = services.plan_parse(path.read_bytes(), path.name, context=context,
                                         progress=None if options["json"] else self._progress)
        except services.PlanImportError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            json.dump(parsed.to_json(), self.stdout, ensure_ascii=False, indent=2, default=str)
            self.stdout.write("")
            return
        self.stdout.write(
            f"{parsed.title}\n  số: {parsed.number or '(chưa có)'} · ngày: {parsed.date or '(chưa có)'} · "
            f"kỳ: {parsed.period_label}\n  căn cứ: {len(parsed.legal_basis)} · chỉ tiêu: {len(parsed.targets)} · "
            f"nội dung: {len(parsed.topics)} · hình thức: {len(parsed.channels)} · trách nhiệm: {len(parsed.duties)} · "
            f"nhiệm vụ: {len(parsed.tasks)} · chưa nhận diện: {len(parsed.unresolved)}"
        )
        for problem in parsed.unresolved:
            self.stdout.write(f"  ! {problem['where']}: {problem['message']}")
        if options.get("save"):
            unit = Unit.objects.filter(code=options["save"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{options['save']}”.")
            try:
                plan = services.plan_save(parsed=parsed, unit=unit, source=(path.name, path.read_bytes()))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(self.style.SUCCESS(f"Đã lưu kế hoạch #{plan.pk} với {plan.tasks.count()} nhiệm vụ."))

    def _progress(self, fraction: float) -> None:
        sys.stderr.write(f"\rĐang đọc… {fraction:4.0%}")
        if fraction >= 1:
            sys.stderr.write("\n")


def _scratch_tree() -> None:
    """Migrate the scratch database and load the demo unit tree into it, the first time only."""
    if "orgs_unit" in connection.introspection.table_names() and Unit.objects.exists():
        return
    from cchc.documents.tables import read_table
    from cchc.orgs import services as org_services
    from cchc.orgs.management.commands.load_demo import DEMO_DIR

    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        for name in ("province.csv", "communes.csv"):
            path = DEMO_DIR / name
            org_services.units_import(read_table(path.read_bytes(), path.name))
