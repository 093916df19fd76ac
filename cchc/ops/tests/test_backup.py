"""What `restore` refuses before it changes anything: every kind of damaged or foreign backup."""

import hashlib
import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from cchc.ops import backup as ops
from cchc.ops.backup import BackupError


@pytest.fixture
def made(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    default_storage.save("evidence/2026/05/bien-ban.pdf", ContentFile(b"%PDF-1.4 bien ban" * 100))
    default_storage.save("portal/anh/2026/05/anh.jpg", ContentFile(b"\xff\xd8\xff anh" * 50))
    out = tmp_path / "backup"
    summary = ops.backup(out)
    assert summary.files == 2
    return out


def _manifest(out):
    return json.loads((out / "manifest.json").read_text())


def _write_archive(out, members: dict[str, bytes]) -> None:
    """Replace the archive and re-sign it in the manifest (so only the inner check can catch it)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (out / "media.tar.gz").write_bytes(buf.getvalue())
    manifest = _manifest(out)
    manifest["media"]["size"] = len(buf.getvalue())
    manifest["media"]["sha256"] = hashlib.sha256(buf.getvalue()).hexdigest()
    (out / "manifest.json").write_text(json.dumps(manifest))


def test_a_good_backup_verifies_and_lists_every_file_with_its_hash(made):
    manifest = ops.verify(made)
    assert {f["name"]: f["sha256"] for f in manifest["media"]["files"]} == {
        "evidence/2026/05/bien-ban.pdf": hashlib.sha256(b"%PDF-1.4 bien ban" * 100).hexdigest(),
        "portal/anh/2026/05/anh.jpg": hashlib.sha256(b"\xff\xd8\xff anh" * 50).hexdigest(),
    }
    assert manifest["tables"] > 50
    out = io.StringIO()
    call_command("restore", str(made), "--check", stdout=out)
    assert "Bản sao lưu nguyên vẹn" in out.getvalue() and "2 tệp" in out.getvalue()


def test_backup_refuses_a_directory_that_already_holds_something(made):
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        ops.backup(made)
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("backup", "--output", str(made))


def test_an_interrupted_backup_without_manifest_is_refused(made):
    (made / "manifest.json").unlink()
    with pytest.raises(BackupError, match="không phải một bản sao lưu đầy đủ"):
        ops.verify(made)


def test_a_damaged_manifest_is_refused(made):
    (made / "manifest.json").write_text('{"format": 1, "vendor": ')
    with pytest.raises(BackupError, match="manifest.json bị hỏng"):
        ops.verify(made)


def test_a_changed_file_inside_the_archive_is_named(made):
    _write_archive(made, {"evidence/2026/05/bien-ban.pdf": b"something else",
                          "portal/anh/2026/05/anh.jpg": b"\xff\xd8\xff anh" * 50})
    with pytest.raises(BackupError, match=r"Tệp evidence/2026/05/bien-ban.pdf bị hỏng: mã SHA-256 không khớp"):
        ops.verify(made)


def test_a_missing_file_and_an_unlisted_file_are_refused(made):
    _write_archive(made, {"portal/anh/2026/05/anh.jpg": b"\xff\xd8\xff anh" * 50})
    with pytest.raises(BackupError, match="Thiếu 1 tệp"):
        ops.verify(made)
    _write_archive(made, {"khac.txt": b"x"})
    with pytest.raises(BackupError, match="không có trong manifest.json"):
        ops.verify(made)


def test_a_path_escaping_the_storage_is_refused(made):
    _write_archive(made, {"../../etc/cron.d/x": b"* * * * * root true"})
    with pytest.raises(BackupError, match="mục không hợp lệ"):
        ops.verify(made)


def test_sqlite_backup_inside_an_open_transaction_is_refused_not_hung(db, tmp_path):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: pg_dump reads committed data from its own connection")
    with pytest.raises(BackupError, match="giao dịch đang mở"):
        ops.backup(tmp_path / "b")


def test_restore_into_a_database_that_is_not_empty_is_refused_and_changes_nothing(made, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "other-media"
    with pytest.raises(CommandError, match="không trống"):
        call_command("restore", str(made))
    assert not (tmp_path / "other-media").exists()


def test_files_are_read_through_the_storage_api_not_the_disk(transactional_db, tmp_path):
    """Any Django storage (S3 in production): here one that has no path on disk at all."""
    from django.core.files.storage import InMemoryStorage

    storage = InMemoryStorage()
    storage.save("scoring/2026/tai-lieu.docx", ContentFile(b"PK docx"))
    storage.save("phan-anh/2026/05/anh.png", ContentFile(b"\x89PNG anh"))
    ops.backup(tmp_path / "b", storage=storage)
    manifest = ops.verify(tmp_path / "b")
    assert sorted(f["name"] for f in manifest["media"]["files"]) == [
        "phan-anh/2026/05/anh.png", "scoring/2026/tai-lieu.docx"]
    with tarfile.open(tmp_path / "b" / "media.tar.gz") as tar:
        assert tar.extractfile("scoring/2026/tai-lieu.docx").read() == b"PK docx"
