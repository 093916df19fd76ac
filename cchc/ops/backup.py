"""Backup and restore of the whole installation: the database and the uploaded files.

A backup is a directory of three files:

- `database.pgdump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite, the online backup API);
- `media.tar.gz`: every file of the default storage (MEDIA_ROOT or an S3 bucket), read through
  Django's storage API so the same commands work whatever the storage is;
- `manifest.json`, written last: the format, the database vendor, the SHA-256 and size of both files
  and of every uploaded file inside the archive.

`restore` verifies everything before it changes anything (a corrupt or truncated backup is refused
with nothing changed), then restores only into an EMPTY database and a storage that does not
already hold different files under the same names.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DB_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused; the message says why, in Vietnamese, for the operator."""


@dataclass
class Summary:
    directory: Path
    vendor: str
    tables: int
    files: int
    bytes: int


# --- helpers --------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại “{vendor}” (chỉ PostgreSQL và SQLite).")
    return vendor


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"Không tìm thấy lệnh {name}: hãy cài gói Debian postgresql-client "
                          "(cùng phiên bản chính với máy chủ PostgreSQL hoặc mới hơn).")
    return path


def _pg_env(using: str) -> dict[str, str]:
    """libpq environment for the connection `using` (the password never appears on a command line)."""
    s = connections[using].settings_dict
    env = {**os.environ, "PGDATABASE": s["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if s.get(key):
            env[var] = str(s[key])
    return env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what} không thành công: " + " | ".join(detail))


def _walk(storage: Storage, top: str = ""):
    """Every file name in the storage (POSIX names relative to its root), sorted."""
    try:
        dirs, files = storage.listdir(top)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for sub in sorted(dirs):
        yield from _walk(storage, f"{top}/{sub}" if top else sub)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, fh):
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def table_names(using: str = "default") -> list[str]:
    connection = connections[using]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


# --- backup ---------------------------------------------------------------------------------------


def backup(output: Path | str, *, using: str = "default", storage: Storage | None = None) -> Summary:
    """Write a backup of the database `using` and of `storage` (default: default_storage) into
    `output`, a new or empty directory."""
    storage = storage or default_storage
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"Thư mục {output} đã có dữ liệu: hãy chọn một thư mục mới hoặc trống.")
    vendor = _vendor(using)
    output.mkdir(parents=True, exist_ok=True)
    db_file = output / DB_FILES[vendor]
    if vendor == "postgresql":
        _run([_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(db_file)],
             _pg_env(using), "Sao lưu cơ sở dữ liệu (pg_dump)")
    else:
        _sqlite_backup(using, db_file)
    tables = len(table_names(using))

    files = []
    with tarfile.open(output / MEDIA, "w:gz") as tar:
        for name in _walk(storage):
            info = tarfile.TarInfo(name)
            info.size = storage.size(name)
            info.mtime = int(datetime.datetime.now().timestamp())
            info.mode = 0o644
            with storage.open(name, "rb") as fh:
                reader = _HashingReader(fh)
                tar.addfile(info, reader)
            if reader.size != info.size:  # the file changed while it was read
                raise BackupError(f"Tệp {name} thay đổi trong khi sao lưu: hãy chạy lại.")
            files.append({"name": name, "size": info.size, "sha256": reader.digest.hexdigest()})

    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "vendor": vendor,
        "tables": tables,
        "database": {"file": db_file.name, "size": db_file.stat().st_size, "sha256": _sha256_file(db_file)},
        "media": {"file": MEDIA, "size": (output / MEDIA).stat().st_size, "sha256": _sha256_file(output / MEDIA),
                  "files": files},
    }
    # Written last, through a temporary name: a backup without its manifest is never taken for complete.
    tmp = output / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(output / MANIFEST)
    return Summary(output, vendor, tables, len(files), sum(f["size"] for f in files))


def _outside_transaction(connection) -> None:
    # SQLite's backup API waits for ever on a database whose own connection holds a write transaction.
    if connection.in_atomic_block or connection.connection.in_transaction:
        raise BackupError("Không sao lưu hoặc khôi phục SQLite từ bên trong một giao dịch đang mở: hãy chạy lệnh riêng.")


def _sqlite_backup(using: str, target: Path) -> None:
    connection = connections[using]
    connection.ensure_connection()
    _outside_transaction(connection)
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)
    finally:
        dest.close()


# --- verify ---------------------------------------------------------------------------------------


def verify(directory: Path | str) -> dict:
    """Read the manifest and check every byte against it; the manifest, or BackupError."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"Không có {MANIFEST} trong {directory}: đây không phải một bản sao lưu đầy đủ "
                          "(bản sao lưu bị ngắt giữa chừng hoặc sai thư mục).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        vendor, db, media = manifest["vendor"], manifest["database"], manifest["media"]
        listed = {f["name"]: f for f in media["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"Tệp {MANIFEST} bị hỏng, không đọc được ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng bản sao lưu {manifest.get('format')} không được hỗ trợ (cần {FORMAT}).")
    if vendor not in DB_FILES or db.get("file") != DB_FILES[vendor]:
        raise BackupError("Tệp manifest.json không khớp loại cơ sở dữ liệu.")
    for part, label in ((db, "cơ sở dữ liệu"), (media, "tệp đính kèm")):
        file = directory / part["file"]
        if not file.is_file():
            raise BackupError(f"Thiếu tệp {part['file']} ({label}) trong bản sao lưu.")
        if file.stat().st_size != part["size"] or _sha256_file(file) != part["sha256"]:
            raise BackupError(f"Tệp {part['file']} ({label}) bị hỏng hoặc không đầy đủ: mã SHA-256 không khớp "
                              "với manifest.json. Không khôi phục gì.")
    seen = set()
    try:
        with tarfile.open(directory / media["file"], "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"Tệp lưu trữ chứa mục không hợp lệ: {member.name!r}.")
                entry = listed.get(member.name)
                if entry is None or member.name in seen:
                    raise BackupError(f"Tệp {member.name} trong tệp lưu trữ không có trong manifest.json.")
                digest = hashlib.sha256()
                fh = tar.extractfile(member)
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != entry["sha256"]:
                    raise BackupError(f"Tệp {member.name} bị hỏng: mã SHA-256 không khớp.")
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Tệp {media['file']} bị hỏng hoặc bị cắt cụt, không đọc được ({exc}).") from exc
    missing = set(listed) - seen
    if missing:
        raise BackupError(f"Thiếu {len(missing)} tệp trong tệp lưu trữ so với manifest.json, ví dụ {sorted(missing)[0]}.")
    return manifest


# --- restore --------------------------------------------------------------------------------------


def restore(directory: Path | str, *, using: str = "default", storage: Storage | None = None) -> Summary:
    """Restore a backup into the EMPTY database `using` and into `storage`. Everything is verified
    first; any problem → BackupError and nothing changed."""
    storage = storage or default_storage
    directory = Path(directory)
    manifest = verify(directory)
    vendor = _vendor(using)
    if manifest["vendor"] != vendor:
        raise BackupError(f"Bản sao lưu của cơ sở dữ liệu {manifest['vendor']} không khôi phục được vào "
                          f"cơ sở dữ liệu {vendor}.")
    existing = table_names(using)
    if existing:
        name = connections[using].settings_dict["NAME"]
        raise BackupError(f"Cơ sở dữ liệu đích “{name}” không trống (đã có {len(existing)} bảng). Chỉ khôi phục "
                          "vào một cơ sở dữ liệu mới, trống: hãy tạo cơ sở dữ liệu mới rồi đặt DATABASE_URL trỏ tới nó.")
    files = manifest["media"]["files"]
    to_write = []
    for entry in files:
        if storage.exists(entry["name"]):
            with storage.open(entry["name"], "rb") as fh:
                same = hashlib.sha256(fh.read()).hexdigest() == entry["sha256"]
            if not same:
                raise BackupError(f"Nơi lưu tệp đã có tệp {entry['name']} với nội dung khác: không ghi đè. "
                                  "Hãy khôi phục vào một nơi lưu tệp trống (MEDIA_ROOT mới hoặc bucket mới).")
        else:
            to_write.append(entry)

    # Files first, the database last: the database is restored in one transaction, so a failure at
    # any point leaves it empty, and running restore again skips the files already written identically.
    wanted = {e["name"]: e for e in to_write}
    try:
        with tarfile.open(directory / MEDIA, "r:gz") as tar:
            for member in tar:
                entry = wanted.get(member.name)
                if entry is None:
                    continue
                data = tar.extractfile(member).read()
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:  # changed since verify()
                    raise BackupError(f"Tệp {member.name} bị hỏng khi khôi phục.")
                saved = storage.save(member.name, ContentFile(data))
                if saved != member.name:
                    raise BackupError(f"Nơi lưu tệp đổi tên {member.name} thành {saved}: hãy dùng nơi lưu tệp trống.")
    except OSError as exc:
        raise BackupError(f"Ghi tệp đính kèm không thành công ({exc}); cơ sở dữ liệu chưa bị thay đổi. Sửa lỗi "
                          "(ví dụ dung lượng đĩa) rồi chạy lại: các tệp đã ghi đúng sẽ được bỏ qua.") from exc

    db_file = directory / manifest["database"]["file"]
    if vendor == "postgresql":
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
              "-d", connections[using].settings_dict["NAME"], str(db_file)],
             _pg_env(using), "Khôi phục cơ sở dữ liệu (pg_restore)")
    else:
        _sqlite_restore(using, db_file)
    connections[using].close()
    return Summary(directory, vendor, len(table_names(using)), len(files), sum(e["size"] for e in files))


def _sqlite_restore(using: str, source: Path) -> None:
    """Copy the backup into the live connection's database with SQLite's backup API (one step, so
    the target sees all of it or none)."""
    connection = connections[using]
    connection.ensure_connection()
    _outside_transaction(connection)
    # Check the copy is a sound SQLite database before anything is written.
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.sqlite3"
        shutil.copyfile(source, probe)
        try:
            src = sqlite3.connect(probe)
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Tệp cơ sở dữ liệu SQLite bị hỏng ({exc}).") from exc
        if ok != "ok":
            src.close()
            raise BackupError(f"Tệp cơ sở dữ liệu SQLite bị hỏng ({ok}).")
        try:
            src.backup(connection.connection)
        finally:
            src.close()


def describe(summary: Summary) -> str:
    size = f"{summary.bytes / 1024 / 1024:.1f} MB" if summary.bytes >= 1024 * 1024 else f"{summary.bytes:,} byte"
    db = "PostgreSQL" if summary.vendor == "postgresql" else "SQLite"
    return f"{db}: {summary.tables} bảng; {summary.files} tệp đính kèm ({size}); thư mục {summary.directory}"
