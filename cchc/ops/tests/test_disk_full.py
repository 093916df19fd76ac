"""The disk really full during an upload: MEDIA_ROOT on a 256 KB tmpfs, an evidence file of 600 KB.
The person gets a clear message, no file (not even a partial one) and no row is left behind."""

import datetime
import subprocess
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.ops.storage import FileSystemStorage, is_storage_full
from cchc.plans.models import Assignment, AssignmentRole, Evidence, Plan, Progress, Task
from cchc.test import BINH_GIANG, unit, user

BIG = b"%PDF-1.4\n" + bytes(range(256)) * 2400  # ~600 KB, more than the tmpfs holds


@pytest.fixture
def full_disk(tmp_path, settings):
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],  # noqa: S607
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        settings.MEDIA_ROOT = mount
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)  # noqa: S607


def files_under(path):
    return [p for p in path.rglob("*") if p.is_file()]


def test_the_default_storage_is_the_cleaning_filesystem_storage():
    assert isinstance(storages["default"], FileSystemStorage)


def test_storage_removes_the_partial_file_when_the_disk_fills(full_disk):
    storage = FileSystemStorage(location=full_disk)
    with pytest.raises(OSError) as caught:
        storage.save("evidence/2026/05/lon.pdf", ContentFile(BIG))
    assert is_storage_full(caught.value)
    assert files_under(full_disk) == []
    # A small file still fits afterwards: the space of the partial one was given back.
    assert storage.save("evidence/2026/05/nho.pdf", ContentFile(b"%PDF small")) == "evidence/2026/05/nho.pdf"


def test_django_storage_alone_would_leave_a_partial_file(full_disk):
    """Why the subclass exists (this test fails the day Django cleans up by itself — then drop it)."""
    from django.core.files.storage import FileSystemStorage as Plain

    with pytest.raises(OSError):
        Plain(location=full_disk).save("evidence/lon.pdf", ContentFile(BIG))
    leftover = files_under(full_disk)
    assert len(leftover) == 1 and 0 < leftover[0].stat().st_size < len(BIG)


@pytest.mark.django_db
def test_evidence_upload_on_a_full_disk_says_so_and_saves_nothing(client, full_disk):
    plan = Plan.objects.create(unit=unit("37"), title="Kế hoạch CCHC năm 2026", number=f"{uuid.uuid4().hex[:4]}/KH-UBND")
    task = Task.objects.create(plan=plan, title="Số hóa hồ sơ một cửa", group_code="I", group_title="Cải cách thể chế")
    assignment = Assignment.objects.create(task=task, unit=unit(BINH_GIANG), role=AssignmentRole.LEAD,
                                           due_date=datetime.date(2026, 6, 30))
    client.force_login(user("canbo.binhgiang"))
    response = client.post(f"/nhiem-vu/{assignment.pk}/", {
        "progress": Progress.DONE, "completed_on": "", "note": "Biên bản",
        "file": SimpleUploadedFile("bien-ban.pdf", BIG, content_type="application/pdf"),
    })
    assert response.status_code == 507
    text = response.content.decode()
    assert "hết dung lượng lưu trữ" in text and "chưa được lưu" in text
    assert f'href="/nhiem-vu/{assignment.pk}/"' in text
    assert not Evidence.objects.filter(assignment=assignment).exists()
    assignment.refresh_from_db()
    assert assignment.progress != Progress.DONE and assignment.completed_on is None
    assert files_under(full_disk) == []

    # With room again, the same upload goes through.
    small = b"%PDF-1.4 bien ban"
    response = client.post(f"/nhiem-vu/{assignment.pk}/", {
        "progress": Progress.DONE, "note": "Biên bản",
        "file": SimpleUploadedFile("bien-ban.pdf", small, content_type="application/pdf")})
    assert response.status_code == 302
    assert Evidence.objects.get(assignment=assignment).file.read() == small


@pytest.mark.django_db(transaction=True)
def test_restore_onto_a_full_disk_changes_no_database_and_can_be_run_again(tmp_path, settings, full_disk):
    """Files are restored before the database: a disk that fills stops the restore with the target
    database still empty and no partial file; with room again the same command completes."""
    from django.core.files.storage import default_storage
    from django.db import connection

    from cchc.ops import backup as ops

    from .test_drill import manage, restored_env

    settings.MEDIA_ROOT = tmp_path / "source-media"
    default_storage.save("evidence/2026/05/lon.pdf", ContentFile(BIG))
    default_storage.save("evidence/2026/05/nho.pdf", ContentFile(b"%PDF nho"))
    ops.backup(tmp_path / "b")
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        server = f"postgres://{s['USER']}{':' + s['PASSWORD'] if s.get('PASSWORD') else ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        name = f"ops_full_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    else:
        url, server, name = f"sqlite:///{tmp_path / 'target.sqlite3'}", None, None
    try:
        env = restored_env(url, full_disk)
        done = manage("restore", str(tmp_path / "b"), env=env)
        assert done.returncode != 0
        assert "Ghi tệp đính kèm không thành công" in done.stderr and "chưa bị thay đổi" in done.stderr, done.stderr
        assert not (full_disk / "evidence/2026/05/lon.pdf").exists()
        count = "from cchc.ops.backup import table_names; print(len(table_names()))"
        assert manage("shell", "-c", count, env=env).stdout.strip().splitlines()[-1] == "0"

        subprocess.run(["mount", "-o", "remount,size=4m", str(full_disk)], check=True)  # noqa: S607
        done = manage("restore", str(tmp_path / "b"), env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert (full_disk / "evidence/2026/05/lon.pdf").read_bytes() == BIG
        assert int(manage("shell", "-c", count, env=env).stdout.strip().splitlines()[-1]) > 50
    finally:
        if name:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
