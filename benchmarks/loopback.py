"""What the benchmarks share: a scratch database beside the configured one, and gunicorn serving the
checkout's app on a free loopback port, driven by many client threads."""

from __future__ import annotations

import atexit
import http.client
import os
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"


BENCH_PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")  # an admin connection


def create_database(admin: str, name: str) -> str:
    """A new, empty PostgreSQL database `name` on the server of `admin` (an older one is dropped);
    returns its URL."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(urlparse(admin)._replace(path=f"/{name}"))


def drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def use_scratch_database(name: str) -> None:
    """Point DATABASE_URL at a new database `name` beside a PostgreSQL one (dropped at exit), or at
    a SQLite file in a temporary directory when none is configured."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
        return
    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    os.environ["DATABASE_URL"] = create_database(admin, name)

    def drop():
        from django.db import connections

        connections.close_all()
        drop_database(admin, name)

    atexit.register(drop)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int, workers: int, **env: str) -> subprocess.Popen:
    """gunicorn with `workers` processes, this process's environment plus `env`; in its own session
    so the caller can stop it with its workers (os.killpg)."""
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "cchc.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60"],
        cwd=ROOT, env={**os.environ, **env}, start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


@dataclass
class Measured:
    rps: float
    latencies_ms: list[float]
    errors: list[str]  # "status path" of each answer other than 200
    headers: Counter = field(default_factory=Counter)  # values of the `header` asked of measure()

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies_ms, n=100)[p - 1]


def measure(port: int, paths: list[str], *, threads: int, user_agent: str = PHONE,
            header: str | None = None) -> Measured:
    """GET every path with `threads` client threads, each request on a new connection; with
    `header`, also count the values of that response header (e.g. X-Portal-Cache: hit / miss)."""
    latencies: list[float] = []
    errors: list[str] = []
    seen: Counter = Counter()
    lock = threading.Lock()
    queue = list(paths)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", path, headers={"User-Agent": user_agent, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
                value = response.getheader(header, "-") if header else None
            except OSError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed * 1000)
                if status != 200:
                    errors.append(f"{status} {path}")
                if header and status == 200:
                    seen[value] += 1

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return Measured(len(latencies) / (time.perf_counter() - start), latencies, errors, seen)


def fetch(port: int, paths: list[str], *, threads: int, user_agent: str = PHONE) -> tuple[float, float]:
    """(requests per second, p95 ms); more than 1 % of answers other than 200 stops the benchmark."""
    got = measure(port, paths, threads=threads, user_agent=user_agent)
    if len(got.errors) > len(got.latencies_ms) // 100:
        raise SystemExit(f"{len(got.errors)} errors, e.g. {got.errors[:3]}")
    return got.rps, statistics.quantiles(got.latencies_ms, n=20)[-1]
