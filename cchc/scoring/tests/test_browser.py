"""The PAR Index round end to end in Chromium: a commune fills and proves two nodes and submits; the
coordinator appraises one with a reason; the unit sees the change and why; the results rank it."""

import datetime
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.orgs.models import Unit
from cchc.scoring import criteria, workflow
from cchc.test import build_world, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ("1", "Công tác chỉ đạo điều hành", "3.00", "self", "", ""),
    ("1.1", "Thực hiện chế độ báo cáo", "1.50", "self", {"type": "ratio", "floor": 0.8}, "Các báo cáo định kỳ."),
    ("1.2", "Ban hành kế hoạch CCHC năm", "1.50", "self", {"type": "choice", "options": [["Có", 1.5], ["Không", 0]]},
     "Kế hoạch CCHC năm."),
    ("2", "Đánh giá của Hội đồng", "1.00", "self", "", ""),
    ("2.1", "Chất lượng tài liệu kiểm chứng", "1.00", "appraisal", {"type": "points"}, ""),
]


@pytest.fixture
def cast(live_server):
    build_world("dieuphoi", "canbo.binhgiang")
    rows = [{"code": c, "title": t, "max_points": m, "source": s, "rule": json.dumps(r) if r else "",
             "na_allowed": "0", "deduction": "", "evidence": e, "guidance": ""} for c, t, m, s, r, e in ROWS]
    cset, _ = criteria.load_set({"slug": "2026-xa-thu", "year": 2026, "unit_type": "commune", "title": "Bộ chỉ số xã thử",
                                 "version": 1, "part1_max": "4", "survey_max": "0", "sipas_max": "0"}, rows)
    now = timezone.now()
    round_ = workflow.open_round(
        criteria_set=cset, units=list(Unit.objects.filter(code__in=["13531", "13285"])),
        title="Chỉ số CCHC cấp xã năm 2026", self_deadline=now + datetime.timedelta(days=5),
        appraisal_1_deadline=now + datetime.timedelta(days=10), appraisal_2_deadline=now + datetime.timedelta(days=15),
    )
    return live_server.url, round_


def node(page: Page, code: str):
    return page.locator("section.node", has=page.locator(".code", has_text=re.compile(rf"^{re.escape(code)}$")))


def add_evidence(page: Page, code: str, number: str) -> None:
    row = node(page, code)
    row.get_by_text(f"Thêm tài liệu kiểm chứng cho {code}").click()
    row.get_by_label("Số, ký hiệu văn bản").fill(number)
    row.get_by_label("Ngày ban hành").fill("20/11/2026")
    row.get_by_role("button", name="Thêm tài liệu").click()
    expect(page.locator(".msg.success")).to_contain_text(f"Đã thêm tài liệu kiểm chứng cho tiêu chí {code}")


def test_a_commune_fills_proves_submits_and_sees_the_appraisal(page: Page, cast):
    base, round_ = cast
    sign_in(page, base, "canbo.binhgiang")
    page.goto(f"{base}/chi-so-cchc/")
    page.get_by_role("link", name="Chỉ số CCHC cấp xã năm 2026").first.click()
    expect(page.get_by_role("heading", name=re.compile("Phiếu chấm điểm: Ủy ban nhân dân xã Bình Giang"))).to_be_visible()

    # 1.1: figures typed the Vietnamese way; the points show while typing, then the row is saved (htmx).
    row = node(page, "1.1")
    row.get_by_label("Tổng số (a)").fill("24")
    row.get_by_label("Số đạt (b)").fill("23")
    expect(row.locator(".preview")).to_contain_text("1,44")
    row.get_by_label("Giải trình 1.1").fill("23/24 báo cáo gửi đúng hạn.")
    row.get_by_role("button", name="Lưu 1.1").click()
    expect(node(page, "1.1").locator("[data-self]")).to_have_text("1,44")
    # A bad figure is refused with a message and changes nothing.
    row = node(page, "1.1")
    row.get_by_label("Số đạt (b)").fill("30")
    row.get_by_role("button", name="Lưu 1.1").click()
    expect(node(page, "1.1").get_by_role("alert")).to_contain_text("b")
    expect(node(page, "1.1").locator("[data-self]")).to_have_text("1,44")

    row = node(page, "1.2")
    row.get_by_label("Lựa chọn").select_option(label="Có")
    row.get_by_role("button", name="Lưu 1.2").click()
    expect(node(page, "1.2").locator("[data-self]")).to_have_text("1,50")
    expect(page.locator("#sheet-totals")).to_contain_text("2,94")

    # Submitting without evidence is refused, naming the nodes.
    page.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(".msg.error")).to_contain_text("Chưa có tài liệu kiểm chứng: 1.1, 1.2.")
    add_evidence(page, "1.1", "125/BC-UBND")
    add_evidence(page, "1.2", "12/KH-UBND")
    page.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(".msg.success")).to_have_text("Đã gửi phiếu tự đánh giá để thẩm định.")
    sign_out(page)

    # The coordinator starts the appraisal and scores 1.1 lower, with the reason.
    sign_in(page, base, "dieuphoi")
    page.goto(f"{base}/chi-so-cchc/ky/{round_.pk}/")
    page.get_by_role("button", name="Chuyển sang: Thẩm định đợt 1").click()
    expect(page.locator(".msg.success")).to_contain_text("Thẩm định đợt 1")
    page.get_by_role("link", name="Xã Bình Giang").click()
    row = node(page, "1.1")
    row.get_by_label("Điểm thẩm định đợt 1 (1.1)").fill("1,2")
    row.get_by_role("button", name="Ghi điểm thẩm định 1.1").click()
    expect(node(page, "1.1").get_by_role("alert")).to_contain_text("hãy ghi lý do")
    row = node(page, "1.1")
    row.get_by_label("Điểm thẩm định đợt 1 (1.1)").fill("1,2")
    row.get_by_label("Lý do (1.1)").fill("Báo cáo quý IV gửi sau hạn 05 ngày.")
    row.get_by_role("button", name="Ghi điểm thẩm định 1.1").click()
    expect(node(page, "1.1").locator("[data-appraised]")).to_have_text("1,20")
    row = node(page, "2.1")
    row.get_by_label("Điểm thẩm định đợt 1 (2.1)").fill("1")
    row.get_by_role("button", name="Ghi điểm thẩm định 2.1").click()
    expect(node(page, "2.1").locator("[data-appraised]")).to_have_text("1,00")
    sign_out(page)

    # The unit sees the new score and the reason, and the history of changes.
    sign_in(page, base, "canbo.binhgiang")
    page.goto(f"{base}/chi-so-cchc/")
    page.get_by_role("link", name="Chỉ số CCHC cấp xã năm 2026").first.click()
    appraisal = node(page, "1.1").locator(".appraisal")
    expect(appraisal).to_contain_text("Thẩm định đợt 1: 1,20")
    expect(appraisal).to_contain_text("Báo cáo quý IV gửi sau hạn 05 ngày.")
    page.get_by_role("link", name="Lịch sử thay đổi").click()
    expect(page.get_by_role("table")).to_contain_text("Báo cáo quý IV gửi sau hạn 05 ngày.")
    sign_out(page)

    # The coordinator publishes; the results rank Bình Giang first.
    sign_in(page, base, "dieuphoi")
    page.goto(f"{base}/chi-so-cchc/ky/{round_.pk}/")
    page.get_by_label("Quyết định công bố").fill("350/QĐ-UBND ngày 20/02/2027")
    page.get_by_role("button", name="Công bố").click()
    expect(page.get_by_role("heading", name=re.compile("Kết quả Chỉ số CCHC"))).to_be_visible()
    first = page.locator("table.ranking tbody tr").first
    expect(first).to_contain_text("1")
    expect(first).to_contain_text("Xã Bình Giang")
    expect(first).to_contain_text("92,50 %")  # (1.20 + 1.50 + 1.00) / 4 × 100
    expect(page.locator("table.ranking tfoot")).to_contain_text("Chỉ số cao nhất")
