"""The named cast the tests use, built through the services like any real change.

- `dieuphoi`: coordinator of the Sở Nội vụ (sees everything)
- `canbo.binhgiang`: officer of xã Bình Giang (sees only Bình Giang and its offices)
- `canbo.phuly`: officer of phường Phủ Lý (another commune: must be refused Bình Giang)
All come from the demo data, which conftest loads once per run.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.orgs.models import Unit

BINH_GIANG = "13531"
PHU_LY = "13285"
SO_NOI_VU = "37.SNV"
PROVINCE = "37"


def user(username: str):
    return get_user_model().objects.get(username=username)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def count_queries(client, url: str, **params) -> int:
    """How many queries a page costs (asserting it answers 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


# --- browser tests ------------------------------------------------------------------------------
# Transactional (live-server) tests empty every table after each test, the default groups and the
# session's demo data included, so each browser test rebuilds the little world it needs.

BROWSER_PASSWORD = "Mat-khau-thu-2025"
PEOPLE = {
    "dieuphoi": ("Trần Thị Thu Hà", "37.SNV.CCHC", "coordinator"),
    "canbo.binhgiang": ("Vũ Thị Lan", BINH_GIANG, "officer"),
    "chutich.binhgiang": ("Đỗ Văn Nam", BINH_GIANG, "leader"),
    "ctv.bao": ("Hoàng Đức Anh", "37.BAO", "collaborator"),
    "bientap": ("Ngô Thị Hương", "37.VPUB", "editor"),
}


def build_world(*usernames: str, communes: tuple[str, ...] = (BINH_GIANG, PHU_LY)) -> None:
    """The province and its departments, the given communes (with their offices and the communes
    they were merged from), the default unit groups, and the named demo people with BROWSER_PASSWORD."""
    import importlib
    from pathlib import Path

    from django.apps import apps as django_apps

    from cchc.documents.tables import read_table
    from cchc.orgs import services

    importlib.import_module("cchc.orgs.migrations.0002_default_groups").create_groups(django_apps, None)
    demo = Path(services.__file__).parent / "demo"
    province = read_table((demo / "province.csv").read_bytes(), "province.csv")
    assert services.units_import(province).ok
    if communes:
        rows = [r for r in read_table((demo / "communes.csv").read_bytes(), "communes.csv") if r["Mã"].split(".")[0] in communes]
        assert services.units_import(rows).ok
    User = get_user_model()
    for username in usernames:
        full_name, code, role = PEOPLE[username]
        person = User.objects.filter(username=username).first()
        if person is None:
            services.person_create(username=username, full_name=full_name, email="", password=BROWSER_PASSWORD,
                                   unit=Unit.objects.get(code=code), role=role)
        else:  # the first transactional test still sees the session's demo people
            person.set_password(BROWSER_PASSWORD)
            person.save()


def sign_in(page, base: str, username: str, password: str = BROWSER_PASSWORD) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def race(*calls):
    """Run each call in its own thread (own database connection), all released at once by a barrier;
    returns, per call, ("ok", result), ("error", message) for a refusal (a ValidationError, so also a
    ReportError), or ("crash", repr) for anything else — an IntegrityError is the bug such tests look for."""
    import threading

    from django.core.exceptions import ValidationError

    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = ("ok", call())
        except ValidationError as exc:
            outcomes[i] = ("error", " ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            outcomes[i] = ("crash", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def while_held(first, then):
    """`first` runs in one transaction kept open (its row locks held) until `then`, started in another
    thread, is seen waiting for a lock on PostgreSQL; then both finish. Returns their outcomes as
    `race` gives them: the test of "the second waits for the first and re-checks"."""
    import threading

    from django.db import transaction

    started, release = threading.Event(), threading.Event()
    outcomes = {}

    def held():
        with transaction.atomic():
            result = first()
            started.set()
            assert release.wait(60)
            return result

    def second():
        assert started.wait(60)
        outcomes["then"] = race(then)[0]

    threads = [threading.Thread(target=lambda: outcomes.setdefault("first", race(held)[0])),
               threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(600):
            if _waiting_for_a_lock() >= 1:
                break
            threading.Event().wait(0.05)
        else:
            raise AssertionError("the second action never waited for the first one's lock")
    finally:
        release.set()
        for thread in threads:
            thread.join(60)
    return outcomes["first"], outcomes["then"]
