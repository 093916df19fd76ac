"""`manage.py backup --output DIR`: the database and every uploaded file, with a manifest (SHA-256)."""

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và toàn bộ tệp đính kèm vào một thư mục mới (kèm manifest.json, SHA-256)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, help="thư mục mới hoặc trống để ghi bản sao lưu")
        parser.add_argument("--database", default="default", help="bí danh kết nối (mặc định: default)")

    def handle(self, *args, output, database, **options):
        try:
            summary = backup(output, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã sao lưu — {describe(summary)}")
