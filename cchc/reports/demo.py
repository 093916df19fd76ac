"""Demo periodic reports: the shipped national form set, the current period open, a few dozen unit
reports with plausible values and narratives — some submitted, some approved, one returned.

`load_demo()` is idempotent: the form set and the period are found again rather than created, and a
report is filled only while it is untouched (revision 0, draft), so a second run changes nothing.
xã Bình Giang's report is left for the demo officer to fill by hand.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cchc.orgs.models import Membership, Role
from cchc.reports import calendar, services
from cchc.reports.compile import in_share_scope
from cchc.reports.form_sets import indicators_of, load_shipped_form_set
from cchc.reports.models import IndicatorKind, Period, Report, ReportStatus
from cchc.reports.values import format_number

FILLED = 36  # reports given values
SUBMITTED = 24  # of which sent up
APPROVED = 14  # of which approved (one more is returned)
KEEP_FOR_HANDS_ON = {"13531"}  # xã Bình Giang: the demo officer fills it

_NARRATIVE = {
    "I.1": "Ban hành Kế hoạch CCHC năm và các văn bản chỉ đạo, đôn đốc thực hiện; giao nhiệm vụ cụ thể cho từng bộ phận.",
    "I.3": "Tự kiểm tra công tác CCHC tại các bộ phận; các tồn tại phát hiện đã được chấn chỉnh.",
    "II.2": "Tiếp nhận và giải quyết hồ sơ thủ tục hành chính đúng hạn; niêm yết công khai đầy đủ thủ tục tại bộ phận một cửa.",
    "II.6": "Duy trì hệ thống quản lý văn bản và điều hành; tỷ lệ hồ sơ trực tuyến tiếp tục tăng.",
    "III.1": "Công tác CCHC được triển khai đồng bộ, có chuyển biến rõ nét, nhất là chuyển đổi số.",
    "III.2": "Một số nhiệm vụ còn chậm tiến độ; nhân lực làm công tác CCHC còn kiêm nhiệm.",
    "IV": "Tiếp tục thực hiện các nhiệm vụ của Kế hoạch CCHC; đẩy mạnh dịch vụ công trực tuyến toàn trình.",
}


def plausible_values(indicators, unit_kind: str, rng: random.Random) -> dict[int, Decimal]:
    """Plausible values (by indicator id) that pass every check: components never above totals,
    numerators never above denominators, codes among the options. Ratios are left to be computed."""
    values: dict[int, Decimal] = {}
    by_pk = {i.pk: i for i in indicators}
    for ind in indicators:
        kind = ind.kind
        if kind == IndicatorKind.COUNT:
            parent = values.get(ind.parent_id) if ind.parent and ind.parent.kind == kind else None
            top = int(parent) if parent is not None else rng.choice([5, 12, 30, 80, 250])
            values[ind.pk] = Decimal(rng.randint(0, max(top, 0)))
        elif kind == IndicatorKind.MONEY:
            values[ind.pk] = Decimal(rng.randint(0, 900)) * 10
        elif kind == IndicatorKind.PERCENT:
            values[ind.pk] = Decimal(rng.randint(700, 1000)) / 10
        elif kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE) and ind.options:
            values[ind.pk] = Decimal(rng.choice(ind.options)[0])
        elif kind == IndicatorKind.SHARE and ind.options and in_share_scope(unit_kind, ind.share_scope):
            values[ind.pk] = Decimal(rng.choice([0, 1, 1, 1]))
    for _ in range(6):  # settle: numerators ≤ denominators, parts ≤ totals
        changed = False
        for ind in indicators:
            if ind.kind == IndicatorKind.RATIO and ind.numerator_id in values and ind.denominator_id in values:
                if values[ind.numerator_id] > values[ind.denominator_id]:
                    values[ind.numerator_id], changed = values[ind.denominator_id], True
            if ind.pk in values and ind.parent_id in values and by_pk[ind.parent_id].kind == ind.kind == IndicatorKind.COUNT:
                if values[ind.pk] > values[ind.parent_id]:
                    values[ind.pk], changed = values[ind.parent_id], True
        if not changed:
            break
    return values


def _person(unit, role):
    m = Membership.objects.filter(unit=unit, role=role).select_related("user").first()
    return m.user if m else None


@transaction.atomic
def load_demo() -> str:
    today = timezone.localdate()
    kind, year = calendar.period_for(today)
    period = Period.objects.filter(kind=kind, year=year).select_related("form_set").first()
    if period is None:
        form_set = load_shipped_form_set(year)
        period = services.open_period(form_set, kind, year)
    if today > period.locked_on:
        return f"Báo cáo định kỳ mẫu: kỳ {period.label} đã khóa nhập liệu, không điền thêm."
    indicators = list(indicators_of(period.form_set))
    reports = list(
        Report.objects.filter(period=period, compiled=False).exclude(unit__code__in=KEEP_FOR_HANDS_ON)
        .select_related("unit", "period").order_by("unit__kind", "unit__path")
    )
    rng = random.Random(f"cchc-demo-{period.year}-{period.kind}")
    chosen = sorted(rng.sample(reports, min(FILLED, len(reports))), key=lambda r: r.unit.path)
    filled = sent = approved = returned = 0
    for n, report in enumerate(chosen):
        if report.revision or report.status != ReportStatus.DRAFT:
            continue  # already filled by an earlier run (or by a person)
        texts = {pk: format_number(v) for pk, v in plausible_values(indicators, report.unit.kind, rng).items()}
        narrative = {**_NARRATIVE, "I.1": f"{report.unit.display_name}: {_NARRATIVE['I.1'][0].lower()}{_NARRATIVE['I.1'][1:]}"}
        try:
            report = services.save_report(report, texts=texts, narrative=narrative, revision=0,
                                          by=_person(report.unit, Role.OFFICER))
        except services.ReportError:
            continue
        filled += 1
        if n >= SUBMITTED:
            continue
        services.submit_report(report, by=_person(report.unit, Role.LEADER))
        sent += 1
        if n < APPROVED:
            services.approve_report(report)
            approved += 1
        elif n == APPROVED:
            services.return_report(report, comment="Đề nghị bổ sung số liệu Biểu mẫu 3 (tổ chức bộ máy) và làm rõ các nhiệm vụ quá hạn.")
            returned += 1
    return (
        f"Báo cáo định kỳ mẫu: kỳ {period.label}, {period.reports.count()} báo cáo; lần này điền {filled} báo cáo "
        f"({sent} đã gửi, {approved} đã duyệt, {returned} bị trả lại)."
    )
