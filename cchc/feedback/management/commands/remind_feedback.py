"""Remind the units of the feedback due soon or overdue (in the app and by e-mail), once a day.
Run daily (cron, systemd timer): `manage.py remind_feedback [--truoc 2]`."""

from django.core.management.base import BaseCommand

from cchc.feedback import services


class Command(BaseCommand):
    help = "Nhắc các đơn vị trả lời phản ánh, kiến nghị sắp đến hạn hoặc đã quá hạn (mỗi ngày một lần)."

    def add_arguments(self, parser):
        parser.add_argument("--truoc", type=int, default=2, help="Nhắc trước hạn bao nhiêu ngày (mặc định 2)")

    def handle(self, *args, **options):
        items, notes = services.remind(days_before=options["truoc"])
        self.stdout.write(f"Đã nhắc {items} phản ánh sắp đến hạn hoặc quá hạn ({notes} thông báo).")
