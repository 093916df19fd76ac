"""Demo: the province's 2026 CCHC inspection plan for Ninh Bình — the suggested 20% of departments
and communes (Sở Tư pháp and xã Bình Giang among them), one team, the visit to Bình Giang with two
findings, one remedy done with evidence. Idempotent: the plan is found by its number."""

from __future__ import annotations

import datetime

from django.db import transaction

from cchc.orgs.models import Unit
from cchc.plans.models import Evidence, Progress

from . import services
from .models import InspectionPlan

NUMBER = "210/KH-UBND"
YEAR = 2026


@transaction.atomic
def load_demo() -> str:
    province = Unit.objects.filter(code="37").first()
    if province is None:
        return "Kiểm tra CCHC: chưa có cây đơn vị, bỏ qua."
    found = InspectionPlan.objects.filter(unit=province, year=YEAR, plan__number=NUMBER).first()
    if found is not None:
        return f"Kiểm tra CCHC: kế hoạch {NUMBER} đã có ({found.targets.count()} đơn vị), không đổi."
    inspection = services.create_plan(unit=province, year=YEAR, number=NUMBER, issued_on=datetime.date(YEAR, 2, 10),
                                      title=f"Kiểm tra công tác cải cách hành chính năm {YEAR} trên địa bàn tỉnh Ninh Bình")
    chosen = [row.unit.pk for row in services.suggest(province, YEAR) if row.chosen]
    wanted = list(Unit.objects.filter(code__in=["37.STP", "13531"]).values_list("pk", flat=True))
    services.choose_targets(inspection, list(dict.fromkeys(wanted + chosen)))
    team = services.add_team(inspection, name="Đoàn kiểm tra số 1", leader="Nguyễn Văn Hùng, Phó Giám đốc Sở Nội vụ",
                             members="Trần Thị Thu Hà (Phòng CCHC, Sở Nội vụ); đại diện Sở Tư pháp, Văn phòng UBND tỉnh")
    target = inspection.targets.get(unit__code="13531")
    services.update_target(target, start=datetime.date(YEAR, 6, 15), end=datetime.date(YEAR, 6, 15), team=team,
                           areas=inspection.areas)
    visit = services.record_visit(
        target, date=datetime.date(YEAR, 6, 15), members=team.members,
        summary="UBND xã ban hành kế hoạch CCHC năm đúng hạn; Bộ phận Một cửa hoạt động nền nếp.",
        checklist_results={"1.a": "dat", "1.c": "chua_dat", "3.c": "dat", "7.d": "chua_dat"},
    )
    late = services.add_finding(visit, unit=target.unit, area="1",
                                text="Chưa cập nhật tin, bài CCHC trên trang thông tin điện tử của xã hằng tháng",
                                remedy="Cập nhật tối thiểu 4 tin, bài CCHC mỗi tháng", due_date=datetime.date(YEAR, 8, 31))
    services.add_finding(visit, unit=target.unit, area="7",
                         text="Tỷ lệ hồ sơ trực tuyến toàn trình thấp so với chỉ tiêu",
                         remedy="Hướng dẫn người dân nộp hồ sơ trực tuyến tại Bộ phận Một cửa", due_date=datetime.date(YEAR, 10, 31))
    services.issue_conclusion(visit, number="45/TB-UBND", date=datetime.date(YEAR, 6, 25), signer_name="Nguyễn Văn Hùng",
                              signer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    a = late.assignment
    Evidence.objects.create(assignment=a, document_number="112/BC-UBND", document_date=datetime.date(YEAR, 8, 20),
                            note="Báo cáo kết quả khắc phục")
    a.progress, a.completed_on = Progress.DONE, datetime.date(YEAR, 8, 20)
    a.save()
    return (f"Kiểm tra CCHC: kế hoạch {NUMBER} với {inspection.targets.count()} đơn vị, 1 cuộc kiểm tra, "
            "2 vấn đề (1 đã khắc phục).")
