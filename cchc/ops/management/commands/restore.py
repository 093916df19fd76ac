"""`manage.py restore DIR`: verify a backup, then restore it into an EMPTY database and storage."""

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = ("Khôi phục bản sao lưu (của lệnh backup) vào cơ sở dữ liệu trống đang cấu hình (DATABASE_URL) "
            "và nơi lưu tệp (MEDIA_ROOT hoặc S3). Kiểm tra SHA-256 toàn bộ trước khi ghi bất cứ thứ gì.")

    def add_arguments(self, parser):
        parser.add_argument("directory", help="thư mục bản sao lưu")
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra bản sao lưu, không khôi phục")
        parser.add_argument("--database", default="default", help="bí danh kết nối (mặc định: default)")

    def handle(self, *args, directory, check, database, **options):
        try:
            if check:
                manifest = verify(directory)
                self.stdout.write(f"Bản sao lưu nguyên vẹn: {manifest['vendor']}, {manifest['tables']} bảng, "
                                  f"{len(manifest['media']['files'])} tệp, tạo lúc {manifest['created_at']} (UTC).")
                return
            from cchc.ops.backup import describe

            summary = restore(directory, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục — {describe(summary)}")
