from django.core.management.base import BaseCommand

from cchc.jobs.services import STALE_MESSAGE, stale_seconds, sweep_stale


class Command(BaseCommand):
    help = ("Đánh dấu không thành công các công việc nền mà worker đã dừng giữa chừng (không còn nhịp "
            "trong JOBS_STALE_SECONDS giây). Chạy khi worker khởi động và mỗi phút (docs/deploy.md).")

    def handle(self, *args, **options):
        ids = sweep_stale()
        if ids:
            self.stdout.write(f"{len(ids)} công việc không còn tiến trình xử lý quá {stale_seconds():.0f} giây: "
                              f"{', '.join(map(str, ids))} — {STALE_MESSAGE}")
