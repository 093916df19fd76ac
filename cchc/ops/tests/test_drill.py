"""The backup/restore drill, done for real: data built through the services (a unit's report with
figures, a task done with an uploaded evidence file), `backup`, `restore` into a NEW EMPTY database
and an empty media directory, then a separate `manage.py` process pointed at the restored copy
(DATABASE_URL, MEDIA_ROOT) must serve the same report — same ReportValues, same cells of the
report's XLSX — and the same file bytes. A corrupt or truncated backup is refused with nothing changed.
"""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from cchc.ops import backup as ops
from cchc.test import BINH_GIANG, build_world, unit

ROOT = Path(__file__).resolve().parents[3]
EVIDENCE = "Biên bản kiểm tra Bộ phận Một cửa xã Bình Giang\n".encode() * 300 + bytes(range(256))


def snapshot(report_pk: int) -> dict:
    """What the report serves: its stored figures, every cell of its XLSX, and the evidence bytes."""
    from django.core.files.storage import default_storage
    from openpyxl import load_workbook

    from cchc.plans.models import Evidence
    from cchc.reports import outputs
    from cchc.reports.models import Report

    report = Report.objects.select_related("unit", "period").get(pk=report_pk)
    values = sorted(
        [f"{v.indicator.form.number}/{v.indicator.code}", str(v.value), v.note, v.origin]
        for v in report.values.select_related("indicator__form")
    )
    book = load_workbook(io.BytesIO(outputs.report_xlsx(report)), read_only=True)
    cells = {ws.title: [[str(c) for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
             for ws in book.worksheets}
    files = {}
    for item in Evidence.objects.exclude(file="").order_by("pk"):
        with default_storage.open(item.file.name, "rb") as fh:
            files[item.file.name] = hashlib.sha256(fh.read()).hexdigest()
    return {"unit": report.unit.code, "status": report.status, "narrative": report.narrative,
            "values": values, "xlsx": cells, "files": files}


def build_report() -> int:
    """Bình Giang's 2026 report with typed figures, and a task done with an uploaded evidence file."""
    from cchc.plans.models import Assignment, AssignmentRole, Plan, Progress, Task
    from cchc.plans.services import assignment_set_progress
    from cchc.reports.form_sets import load_shipped_form_set
    from cchc.reports.models import Indicator, PeriodKind, Report
    from cchc.reports.services import open_period, save_report

    build_world(communes=(BINH_GIANG,))
    form_set = load_shipped_form_set(2026)
    period = open_period(form_set, PeriodKind.YEAR, 2026, locked_on=datetime.date(2099, 1, 1),
                         unit_due=datetime.date(2026, 12, 15))
    plan = Plan.objects.create(unit=unit("37"), title="Kế hoạch CCHC năm 2026", number="9/KH-UBND")
    task = Task.objects.create(plan=plan, title="Rà soát quy trình một cửa", group_code="I", group_title="Cải cách thể chế")
    assignment = Assignment.objects.create(task=task, unit=unit(BINH_GIANG), role=AssignmentRole.LEAD,
                                           due_date=datetime.date(2026, 6, 30))
    assignment_set_progress(assignment=assignment, progress=Progress.DONE, completed_on=datetime.date(2026, 5, 2),
                            evidence={"file": ContentFile(EVIDENCE, name="bien-ban-kiem-tra.pdf"), "note": "Biên bản"})

    def ind(form, code):
        return Indicator.objects.get(form__form_set=form_set, form__number=form, code=code).pk

    report = Report.objects.get(period=period, unit__code=BINH_GIANG)
    save_report(report, texts={ind(3, "3.2.1"): "1.250", ind(3, "3.2.2"): "1.240", ind(6, "1.1"): "17.454,5"},
                notes={ind(3, "3.2.1"): "Theo Hệ thống một cửa điện tử"},
                narrative={"III.1": "Tích cực triển khai."}, revision=0)
    return report.pk


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )


def restored_env(database_url: str, media: Path) -> dict[str, str]:
    """The production settings (not the test ones), pointed at the restored copy."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MEDIA_ROOT"}}
    return {**env, "DJANGO_SETTINGS_MODULE": "cchc.settings", "SECRET_KEY": "drill-only", "DEBUG": "0",
            "DATABASE_URL": database_url, "MEDIA_ROOT": str(media)}


def snapshot_of(env: dict[str, str], report_pk: int) -> dict:
    code = ("import json, sys, django; django.setup(); from cchc.ops.tests.test_drill import snapshot; "
            "print(json.dumps(snapshot(int(sys.argv[1])), ensure_ascii=False))")
    done = subprocess.run([sys.executable, "-c", code, str(report_pk)], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def drill(tmp_path: Path, settings, target_url: str, target_is_empty) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    report_pk = build_report()
    before = snapshot(report_pk)
    assert before["values"] and any("17454.5" in v[1] for v in before["values"])
    assert list(before["files"].values()) == [hashlib.sha256(EVIDENCE).hexdigest()]

    out = tmp_path / "backup"
    summary = ops.backup(out)
    assert summary.files == 1 and summary.tables > 50
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["name"] for f in manifest["media"]["files"]] == list(before["files"])

    media = tmp_path / "restored-media"
    env = restored_env(target_url, media)
    done = manage("restore", str(out), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Đã khôi phục" in done.stdout and "1 tệp đính kèm" in done.stdout
    after = snapshot_of(env, report_pk)
    assert after == before
    name = next(iter(before["files"]))
    assert (media / name).read_bytes() == EVIDENCE

    # Restoring again into the now non-empty copy is refused, clearly, and changes nothing.
    done = manage("restore", str(out), env=env)
    assert done.returncode != 0
    assert "không trống" in done.stderr
    assert snapshot_of(env, report_pk) == before

    # A corrupt database dump and a truncated file archive are refused; the empty target stays empty.
    for part, damage in (("db", "flip"), ("media", "truncate")):
        bad = tmp_path / f"bad-{part}"
        bad.mkdir()
        for f in out.iterdir():
            (bad / f.name).write_bytes(f.read_bytes())
        victim = bad / (manifest["database"]["file"] if part == "db" else "media.tar.gz")
        data = bytearray(victim.read_bytes())
        if damage == "flip":
            data[len(data) // 2] ^= 0xFF
        else:
            del data[len(data) // 2:]
        victim.write_bytes(bytes(data))
        empty_url, cleanup = target_is_empty()
        try:
            bad_media = tmp_path / f"bad-media-{part}"
            done = manage("restore", str(bad), env=restored_env(empty_url, bad_media))
            assert done.returncode != 0
            assert "bị hỏng" in done.stderr and victim.name in done.stderr, done.stderr
            assert "Không khôi phục gì" in done.stderr or "không đầy đủ" in done.stderr
            assert not bad_media.exists() or not any(bad_media.rglob("*"))
            check = manage("shell", "-c", "from cchc.ops.backup import table_names; print(len(table_names()))",
                           env=restored_env(empty_url, bad_media))
            assert check.stdout.strip().splitlines()[-1] == "0", check.stderr
        finally:
            cleanup()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill (the PostgreSQL one runs on PostgreSQL)")
def test_drill_sqlite(tmp_path, settings):
    def empty_target():
        path = tmp_path / f"empty-{uuid.uuid4().hex[:8]}.sqlite3"
        return f"sqlite:///{path}", lambda: None

    drill(tmp_path, settings, f"sqlite:///{tmp_path / 'restored.sqlite3'}", empty_target)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL (DATABASE_URL=postgres://…): pg_dump / pg_restore into a new database")
def test_drill_postgresql(tmp_path, settings):
    import psycopg

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    server = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"

    def new_database():
        name = f"ops_drill_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return f"{server}/{name}", drop

    url, drop = new_database()
    try:
        drill(tmp_path, settings, url, new_database)
    finally:
        drop()
