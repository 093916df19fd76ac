"""Load the criteria sets shipped in cchc/scoring/data (sets.json + CSV); running it twice changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.scoring import criteria


class Command(BaseCommand):
    help = "Nạp các bộ tiêu chí Chỉ số CCHC có sẵn (cchc/scoring/data/sets.json)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Thư mục chứa sets.json (mặc định: cchc/scoring/data).")

    def handle(self, *args, **options):
        folder = Path(options["data_dir"]) if options["data_dir"] else None
        try:
            sets = criteria.load_shipped_sets(folder)
        except criteria.CriteriaError as exc:
            raise CommandError(str(exc)) from exc
        for s in sets:
            c = criteria.counts(list(s.nodes.all()))
            n = c["areas"] + c["criteria"] + c["components"] + c["subitems"]
            self.stdout.write(
                f"{s.slug} v{s.version} ({s.get_unit_type_display()}, {s.year}): {n} tiêu chí — "
                f"{c['areas']} lĩnh vực, {c['criteria']} tiêu chí, {c['components']} tiêu chí thành phần; "
                f"tổng {c['total']} điểm."
            )
