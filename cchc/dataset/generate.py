"""A national-size synthetic dataset, deterministic from a seed, written with bulk inserts only.

`generate(provinces=34)` builds, per province: the UBND tỉnh, ~20 departments (sở, ngành) with ~3
offices each and ~100 communes and wards; a year of plans (the province's reform plan with ~60 tasks
fanned out as assignments to its units, and each unit's own plan with a few tasks of its own) whose
assignments carry progress, due and completion dates; communication activities; the reports of a
reporting period with values; the PAR round's scorecards with their node scores, computed and
ranked; published portal articles and their views (1,000,000 in all at national size, stored as the
views rollup stores them: one row per article and day).

Nothing goes through `Model.save()`: every row is built in memory and written with `bulk_create` in
batches (the materialised unit paths are computed here, as `tree_rebuild_paths` would). Each
province draws from its own `random.Random(f"{seed}:{number}")`, so the same seed gives the same
unit codes and the same figures, and a later call with `first=` adds provinces without touching the
earlier ones (the tests grow the data that way). The shared objects — the form set, the reporting
period, the criteria set and the round, the portal's author — are found again rather than created
twice.

Unit codes are `G01`, `G01.S03`, `G01.S03.P2`, `G01.X045`: the prefix keeps them apart from the
demo tree (`37…`, `13531…`).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cchc.comms.models import Activity, ChannelKind
from cchc.lib.text import fold
from cchc.orgs.models import Unit, UnitKind, User
from cchc.plans.models import Assignment, AssignmentRole, Plan, PlanKind, Progress, Target, Task, TimeframeKind
from cchc.portal.models import Article, ArticleDailyViews, ArticleStatus
from cchc.reports.models import Period, PeriodKind, Report, ReportStatus, ReportValue

YEAR = 2026
BATCH = 5000
PREFIX = "G"

DEPARTMENT_NAMES = [
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh", "Ban Quản lý các khu công nghiệp", "Sở Giao thông vận tải", "Sở Lao động",
    "Ban Dân tộc", "Đài Phát thanh và Truyền hình tỉnh", "Trường Chính trị tỉnh",
]
OFFICE_NAMES = ["Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Phòng Nghiệp vụ", "Thanh tra"]
PROVINCE_NAMES = [
    "An Giang", "Bắc Ninh", "Cà Mau", "Cao Bằng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Tĩnh", "Hưng Yên", "Khánh Hòa", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Nghệ An", "Ninh Bình",
    "Phú Thọ", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sơn La", "Tây Ninh", "Thái Nguyên", "Thanh Hóa",
    "Tuyên Quang", "Vĩnh Long", "Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Cần Thơ", "Hồ Chí Minh",
]
PLACE_SYLLABLES = ["An", "Bình", "Phú", "Hòa", "Tân", "Thạnh", "Đông", "Tây", "Nam", "Bắc", "Kim", "Ngọc",
                   "Thanh", "Hưng", "Long", "Phước", "Minh", "Quang", "Vĩnh", "Yên", "Trung", "Mỹ", "Lộc", "Sơn"]
TASK_GROUPS = ["Cải cách thể chế", "Cải cách thủ tục hành chính", "Cải cách tổ chức bộ máy",
               "Cải cách chế độ công vụ", "Cải cách tài chính công", "Xây dựng chính quyền điện tử, chính quyền số",
               "Công tác chỉ đạo, điều hành"]
TASK_VERBS = ["Rà soát", "Triển khai", "Kiểm tra", "Tổ chức", "Xây dựng", "Đánh giá", "Công khai", "Số hóa"]
TASK_OBJECTS = ["thủ tục hành chính thuộc thẩm quyền", "hồ sơ công việc trên môi trường điện tử",
                "vị trí việc làm", "văn bản quy phạm pháp luật", "dịch vụ công trực tuyến toàn trình",
                "bộ phận một cửa", "kế hoạch tuyên truyền CCHC", "cơ chế tự chủ tài chính"]
ARTICLE_SUBJECTS = ["dịch vụ công trực tuyến", "cải cách thủ tục hành chính", "chuyển đổi số", "bộ phận một cửa",
                    "số hóa hồ sơ", "chính quyền thân thiện"]


@dataclass(frozen=True)
class Size:
    """How much one province holds."""

    departments: int = 20
    offices: int = 3
    communes: int = 100
    province_tasks: int = 60
    assignments_per_unit: int = 12
    own_tasks: int = 4
    activities_per_unit: int = 6
    articles: int = 30
    views: int = 1_000_000 // 34  # per province: 34 provinces hold 1,000,000 …
    views_extra: int = 1_000_000 % 34  # … with one more view in each of the first 26
    node_scores: bool = True  # the PAR round's node scores (77 per commune at national size)


NATIONAL = Size()
QUICK = Size(departments=5, offices=2, communes=20, province_tasks=20, assignments_per_unit=6, own_tasks=2,
             activities_per_unit=3, articles=10, views=20_000, views_extra=0)


@dataclass
class Summary:
    """What was generated: rows per table and figures that must be the same for the same seed."""

    rows: dict[str, int] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


def _bulk(model, objects: list, summary: Summary) -> list:
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    summary.add(model._meta.label, len(objects))
    return created


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_SYLLABLES)} {rng.choice(PLACE_SYLLABLES)}"


# --- units -----------------------------------------------------------------------------------------


def _units_level(rows: list[Unit], summary: Summary) -> list[Unit]:
    """Insert one level of the tree and fill in each row's materialised path from its parent's."""
    created = _bulk(Unit, rows, summary)
    if created and created[0].pk is None:  # a backend without RETURNING: read the ids back by code
        ids = dict(Unit.objects.filter(code__in=[u.code for u in rows]).values_list("code", "id"))
        for u in created:
            u.pk = ids[u.code]
    changed = []
    for u in created:
        u.path = f"{u.parent.path if u.parent else '/'}{u.pk}/"
        u.depth = u.path.count("/") - 2
        changed.append(u)
    Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=1000)
    return created


def build_units(number: int, size: Size, rng: random.Random, summary: Summary) -> dict[str, list[Unit]]:
    """One province's tree: the UBND tỉnh, its departments and their offices, its communes and wards."""
    code = f"{PREFIX}{number:02d}"
    name = PROVINCE_NAMES[(number - 1) % len(PROVINCE_NAMES)]
    if number > len(PROVINCE_NAMES):
        name = f"{name} {number}"
    [province] = _units_level([Unit(code=code, name=f"Ủy ban nhân dân tỉnh {name}", short_name=f"UBND tỉnh {name}",
                                    kind=UnitKind.PROVINCE)], summary)
    departments = _units_level([
        Unit(code=f"{code}.S{i + 1:02d}", name=DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]
             + ("" if i < len(DEPARTMENT_NAMES) else f" {i + 1}") + f" tỉnh {name}",
             short_name=DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)] + ("" if i < len(DEPARTMENT_NAMES) else f" {i + 1}"),
             kind=UnitKind.DEPARTMENT, parent=province)
        for i in range(size.departments)
    ], summary)
    communes = []
    for i in range(size.communes):
        ward = rng.random() < 0.25
        place = _place(rng)
        label = "Phường" if ward else "Xã"
        communes.append(Unit(code=f"{code}.X{i + 1:03d}", name=f"Ủy ban nhân dân {label.lower()} {place}",
                             short_name=f"{label} {place}", kind=UnitKind.WARD if ward else UnitKind.COMMUNE,
                             parent=province))
    communes = _units_level(communes, summary)
    offices = _units_level([
        Unit(code=f"{d.code}.P{j + 1}", name=f"{OFFICE_NAMES[j % len(OFFICE_NAMES)]} {d.short_name}",
             short_name=OFFICE_NAMES[j % len(OFFICE_NAMES)], kind=UnitKind.OFFICE, parent=d)
        for d in departments for j in range(size.offices)
    ], summary)
    summary.codes.extend(u.code for u in (province, *departments, *communes, *offices))
    return {"province": [province], "departments": departments, "communes": communes, "offices": offices}


# --- plans, tasks, assignments -------------------------------------------------------------------------


def _fate(rng: random.Random, due: datetime.date, today: datetime.date) -> tuple[str, datetime.date | None]:
    roll = rng.random()
    if roll < 0.55:
        return Progress.DONE, min(due - datetime.timedelta(days=rng.randint(0, 20)), today)
    if roll < 0.7:
        return Progress.DONE, min(due + datetime.timedelta(days=rng.randint(1, 30)), today)
    if roll < 0.9:
        return Progress.IN_PROGRESS, None
    return Progress.NOT_STARTED, None


def _task(plan: Plan, i: int, rng: random.Random, lead: str) -> Task:
    due = datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28))
    return Task(plan=plan, group_code=str(i % len(TASK_GROUPS) + 1), group_title=TASK_GROUPS[i % len(TASK_GROUPS)],
                number=str(i + 1), title=f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_OBJECTS)} (nhiệm vụ {i + 1})",
                deliverable="Báo cáo kết quả thực hiện", lead_text=lead, timeframe_text=f"Trước {due:%d/%m/%Y}",
                timeframe_kind=TimeframeKind.DEADLINE, due_dates=[due.isoformat()], central=i % 10 == 0, order=i)


def build_plans(units: dict[str, list[Unit]], size: Size, rng: random.Random, summary: Summary) -> None:
    province = units["province"][0]
    doers = units["departments"] + units["communes"]
    today = timezone.localdate()
    number = int(province.code[len(PREFIX):])
    [plan] = _bulk(Plan, [Plan(
        unit=province, kind=PlanKind.REFORM, title=f"Kế hoạch cải cách hành chính năm {YEAR}",
        number=f"{number}/KH-UBND", symbol="KH-UBND", issued_on=datetime.date(YEAR - 1, 12, 20),
        issuer_name=province.name, period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 12, 31),
        period_label=f"Năm {YEAR}")], summary)
    _bulk(Target, [
        Target(plan=plan, number="1", text="Tỷ lệ hoàn thành Kế hoạch CCHC năm", comparator=">=", value=95,
               unit_of_measure="%", order=1),
        Target(plan=plan, number="2", text="Tỷ lệ hồ sơ giải quyết đúng hạn", comparator=">=", value=98,
               unit_of_measure="%", order=2),
    ], summary)
    tasks = _bulk(Task, [_task(plan, i, rng, "Các sở, ban, ngành; UBND cấp xã") for i in range(size.province_tasks)],
                  summary)
    own_plans = _bulk(Plan, [
        Plan(unit=u, kind=PlanKind.REFORM, parent=plan, title=f"Kế hoạch cải cách hành chính năm {YEAR} của {u.short_name}",
             number=f"{i + 1}/KH", symbol="KH", issued_on=datetime.date(YEAR, 1, 10 + i % 18), issuer_name=u.name,
             period_start=datetime.date(YEAR, 1, 1), period_end=datetime.date(YEAR, 12, 31), period_label=f"Năm {YEAR}")
        for i, u in enumerate(doers)
    ], summary)
    own_tasks = _bulk(Task, [_task(p, i, rng, p.unit.short_name) for p in own_plans for i in range(size.own_tasks)],
                      summary)
    assignments = []
    for unit in doers:
        picked = rng.sample(tasks, min(size.assignments_per_unit, len(tasks)))
        for k, task in enumerate(picked):
            due = task.due_date_list[0]
            progress, completed = _fate(rng, due, today)
            role = AssignmentRole.LEAD if k % 3 else AssignmentRole.PARTNER
            assignments.append(Assignment(task=task, unit=unit, role=role, due_date=due, progress=progress,
                                          completed_on=completed))
    for task in own_tasks:
        due = task.due_date_list[0]
        progress, completed = _fate(rng, due, today)
        assignments.append(Assignment(task=task, unit=task.plan.unit, role=AssignmentRole.LEAD, due_date=due,
                                      progress=progress, completed_on=completed))
    _bulk(Assignment, assignments, summary)


def build_activities(units: dict[str, list[Unit]], size: Size, rng: random.Random, summary: Summary) -> None:
    channels = list(ChannelKind)
    today = timezone.localdate()
    rows = []
    for unit in units["province"] + units["departments"] + units["communes"]:
        for _ in range(size.activities_per_unit):
            day = min(datetime.date(YEAR, rng.randint(1, 12), rng.randint(1, 28)), today)
            channel = rng.choice(channels)
            rows.append(Activity(unit=unit, date=day, channel=channel, title=f"Tuyên truyền {rng.choice(ARTICLE_SUBJECTS)}",
                                 for_citizens=rng.random() < 0.7, for_officials=rng.random() < 0.5,
                                 for_businesses=rng.random() < 0.2, quantity=rng.randint(1, 5),
                                 reach=rng.randint(20, 2000), innovative=rng.random() < 0.05))
    _bulk(Activity, rows, summary)


# --- reports ---------------------------------------------------------------------------------------


def reporting_period() -> Period:
    """The period the generated reports belong to: the year's first half, found again if open."""
    from cchc.reports import calendar
    from cchc.reports.form_sets import load_shipped_form_set

    period = Period.objects.filter(year=YEAR, kind=PeriodKind.HALF).first()
    if period is None:
        form_set = load_shipped_form_set(YEAR)
        start, end = calendar.window(PeriodKind.HALF, YEAR)
        national = calendar.national_due(PeriodKind.HALF, YEAR)
        period = Period.objects.create(
            form_set=form_set, kind=PeriodKind.HALF, year=YEAR, start=start, end=end, national_due=national,
            unit_due=calendar.unit_due(PeriodKind.HALF, YEAR), locked_on=national,
            reporting_kinds=calendar.DEFAULT_REPORTING_KINDS, opened_at=timezone.now())
    return period


def build_reports(units: dict[str, list[Unit]], period: Period, indicators: list, rng: random.Random,
                  summary: Summary) -> None:
    from cchc.reports.demo import plausible_values

    reporting = units["departments"] + units["communes"]
    statuses = [ReportStatus.APPROVED] * 6 + [ReportStatus.SUBMITTED] * 2 + [ReportStatus.DRAFT, ReportStatus.RETURNED]
    now = timezone.now()
    reports = []
    for unit in reporting:
        status = rng.choice(statuses)
        sent = status in (ReportStatus.APPROVED, ReportStatus.SUBMITTED)
        reports.append(Report(period=period, unit=unit, status=status, number=f"{rng.randint(1, 300)}/BC" if sent else "",
                              submitted_at=now if sent else None,
                              approved_at=now if status == ReportStatus.APPROVED else None))
    reports = _bulk(Report, reports, summary)
    if reports and reports[0].pk is None:
        ids = dict(Report.objects.filter(period=period, unit__in=reporting).values_list("unit_id", "id"))
        for r in reports:
            r.pk = ids[r.unit_id]
    values = []
    for report in reports:
        for pk, value in plausible_values(indicators, report.unit.kind, rng).items():
            values.append(ReportValue(report=report, indicator_id=pk, value=value))
    _bulk(ReportValue, values, summary)


# --- the PAR round ---------------------------------------------------------------------------------


def par_round():
    """The round the generated communes are scored in (the 2025 commune set), found again if open."""
    from cchc.scoring import criteria
    from cchc.scoring.models import CriteriaSet, Round, RoundStatus

    cset = CriteriaSet.objects.filter(slug="2025-cap-xa").order_by("-version").first()
    if cset is None:
        criteria.load_shipped_sets()
        cset = CriteriaSet.objects.filter(slug="2025-cap-xa").order_by("-version").first()
    title = "Chỉ số CCHC năm 2025 — UBND cấp xã (dữ liệu tổng hợp toàn quốc)"
    round_ = Round.objects.filter(title=title, criteria_set=cset).first()
    if round_ is None:
        round_ = Round.objects.create(title=title, year=cset.year, criteria_set=cset, status=RoundStatus.APPRAISAL_1)
    return round_


def build_scorecards(units: dict[str, list[Unit]], round_, leaves: list, size: Size, rng: random.Random,
                     summary: Summary) -> None:
    from cchc.scoring.models import NodeScore, Scorecard, ScorecardStatus

    communes = units["communes"]
    cards = _bulk(Scorecard, [
        Scorecard(round=round_, unit=u, status=ScorecardStatus.SUBMITTED,
                  survey_points=Decimal(rng.randint(900, 1450)) / 100,
                  sipas_points=Decimal(rng.randint(700, 1000)) / 100, sipas_rate=Decimal(rng.randint(5, 40)),
                  sipas_forms=rng.randint(30, 400))
        for u in communes
    ], summary)
    if not size.node_scores:
        return
    if cards and cards[0].pk is None:
        ids = dict(Scorecard.objects.filter(round=round_, unit__in=communes).values_list("unit_id", "id"))
        for c in cards:
            c.pk = ids[c.unit_id]
    shares = [Decimal(1), Decimal(1), Decimal(1), Decimal("0.5"), Decimal(0)]
    scores = []
    for card in cards:
        for node in leaves:
            own = (node.max_points * rng.choice(shares)).quantize(Decimal("0.01"))
            appraised = own if rng.random() < 0.8 else (own / 2).quantize(Decimal("0.01"))
            scores.append(NodeScore(scorecard=card, node=node, self_points=None if node.source == "appraisal" else own,
                                    explanation="Đã thực hiện đầy đủ.", appraised_points_1=appraised,
                                    reason_1="" if appraised == own else "Thiếu tài liệu kiểm chứng.",
                                    set_version=round_.criteria_set.version))
    _bulk(NodeScore, scores, summary)


# --- the portal ------------------------------------------------------------------------------------


def portal_author() -> User:
    author = User.objects.filter(username="ctv.dulieu").first()
    if author is None:
        author = User.objects.create_user("ctv.dulieu", full_name="Cộng tác viên dữ liệu tổng hợp", password=None)
    return author


def build_portal(units: dict[str, list[Unit]], author: User, size: Size, rng: random.Random,
                 summary: Summary) -> None:
    province = units["province"][0]
    writers = units["departments"] + units["communes"] + [province]
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for i in range(size.articles):
        unit = writers[rng.randrange(len(writers))]
        title = f"{unit.short_name} {rng.choice(TASK_VERBS).lower()} {rng.choice(ARTICLE_SUBJECTS)} ({province.code}-{i + 1})"
        body = "".join(f"<p>{unit.short_name} đẩy mạnh {rng.choice(ARTICLE_SUBJECTS)}; người dân, doanh nghiệp được phục vụ "
                       f"tốt hơn, hồ sơ được giải quyết đúng hạn.</p>" for _ in range(4))
        text = fold(f"{title} {body}")
        rows.append(Article(unit=unit, author=author, title=title, slug=f"{province.code.lower()}-tin-{i + 1}", body=body,
                            excerpt=title, search_text=text, status=ArticleStatus.PUBLISHED,
                            published_at=now - datetime.timedelta(hours=rng.randint(1, 24 * 300)), published_by=author,
                            record_as_activity=False))
    articles = _bulk(Article, rows, summary)
    if articles and articles[0].pk is None:
        ids = dict(Article.objects.filter(slug__in=[a.slug for a in rows]).values_list("slug", "id"))
        for a in articles:
            a.pk = ids[a.slug]
    if not articles:
        return
    # The province's views, spread over the articles and the last 90 days, one row per article and day.
    days = 90
    number = int(province.code[len(PREFIX):])
    views = size.views + (1 if number <= size.views_extra else 0)
    per_article = [views // len(articles)] * len(articles)
    per_article[0] += views - sum(per_article)
    daily = []
    for article, total in zip(articles, per_article, strict=True):
        picked = sorted(rng.sample(range(days), min(days, 30)))
        base, extra = divmod(total, len(picked))
        for k, back in enumerate(picked):
            daily.append(ArticleDailyViews(article=article, day=today - datetime.timedelta(days=back),
                                           count=base + (1 if k < extra else 0)))
    _bulk(ArticleDailyViews, daily, summary)


# --- the whole ---------------------------------------------------------------------------------------


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate(provinces: int = 34, *, seed: int = 2026, size: Size = NATIONAL, first: int = 1,
             compute: bool = True, progress=None) -> Summary:
    """Generate provinces `first` … `first + provinces - 1`; returns rows per table and the figures."""
    from cchc.reports.form_sets import indicators_of
    from cchc.scoring import results, workflow

    summary = Summary()
    say = progress or (lambda text: None)
    with transaction.atomic():
        period = reporting_period()
        indicators = list(indicators_of(period.form_set))
        round_ = par_round()
        leaves = [n for n in workflow.load_tree(round_.criteria_set, round_).leaves()
                  if n.source not in ("survey", "sipas")]
        author = portal_author()
        for number in range(first, first + provinces):
            rng = random.Random(f"{seed}:{number}")  # noqa: S311 - synthetic data
            units = build_units(number, size, rng, summary)
            build_plans(units, size, rng, summary)
            build_activities(units, size, rng, summary)
            build_reports(units, period, indicators, rng, summary)
            build_scorecards(units, round_, leaves, size, rng, summary)
            build_portal(units, author, size, rng, summary)
            say(f"tỉnh {number}: {sum(len(v) for v in units.values())} đơn vị")
        if compute:
            from cchc.scoring.models import Round, RoundStatus

            results.compute_round(round_)
            Round.objects.filter(pk=round_.pk).update(status=RoundStatus.COMPUTED, computed_at=timezone.now())
    summary.figures = figures([c for c in summary.codes if "." not in c])
    return summary


def figures(province_codes: list[str]) -> dict[str, object]:
    """Figures of the generated provinces that depend only on the seed (never on row ids)."""
    from django.db.models import Q

    from cchc.scoring.models import Scorecard

    if not province_codes:
        return {}
    where = Q()
    for code in province_codes:
        where |= Q(code=code) | Q(code__startswith=f"{code}.")
    mine = Unit.objects.filter(where)
    assignments = Assignment.objects.filter(unit__in=mine)
    top = (Scorecard.objects.filter(unit__in=mine, rank__isnull=False).order_by("rank", "unit__code")
           .values_list("unit__code", "index").first())
    return {
        "units": mine.count(),
        "wards": mine.filter(kind=UnitKind.WARD).count(),
        "assignments_done": assignments.filter(progress=Progress.DONE).count(),
        "assignment_due_days": sum(d.toordinal() for d in assignments.values_list("due_date", flat=True)),
        "activities_reach": Activity.objects.filter(unit__in=mine).aggregate(s=Sum("reach"))["s"],
        "report_values_sum": str(ReportValue.objects.filter(report__unit__in=mine).aggregate(s=Sum("value"))["s"]),
        "views": ArticleDailyViews.objects.filter(article__unit__in=mine).aggregate(s=Sum("count"))["s"],
        "best_commune": (top[0], str(top[1])) if top else None,
    }


def quick(size: Size = QUICK, **changes) -> Size:
    return replace(size, **changes)


__all__ = ["NATIONAL", "QUICK", "Size", "Summary", "analyze", "generate", "quick"]
