"""The inspection plan, visit, findings and remedies through the services (issue #15, inspections)."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from cchc import records
from cchc.inspections import services
from cchc.inspections.models import Finding, InspectionPlan, Target, Visit
from cchc.orgs.models import Unit, UnitKind
from cchc.plans.models import Assignment, AssignmentRole, Plan, Progress, Task
from cchc.plans.services import assignment_set_progress
from cchc.test import BINH_GIANG, PHU_LY, unit, user

from .helpers import YEAR, D, plan_docx, province_plan, visit_with_findings

pytestmark = pytest.mark.django_db

REAL_PLAN = Path(__file__).resolve().parents[3] / ".." / "shared" / "realdocs" / "plans" / "ld_kh_kiemtra_cchc_2026_draft.docx"


# --- the plan: suggestion, choice, import ----------------------------------------------------------------


def test_the_suggestion_favours_units_not_inspected_last_year_with_overdue_tasks_and_preselects_20_percent():
    province = unit("37")
    last = services.create_plan(unit=province, year=YEAR - 1)
    chosen = [r.unit.pk for r in services.suggest(province, YEAR - 1) if r.chosen]
    services.choose_targets(last, chosen + [unit(PHU_LY).pk])
    services.record_visit(last.targets.get(unit__code=PHU_LY), date=D(YEAR - 1, 5, 5))
    plan = Plan.objects.create(unit=province, title="KH CCHC")
    for i in range(6):
        task = Task.objects.create(plan=plan, title=f"Việc {i}")
        Assignment.objects.create(task=task, unit=unit(BINH_GIANG), role=AssignmentRole.LEAD, due_date=D(YEAR - 1, 3, 1))
    rows = {r.unit.code: r for r in services.suggest(province, YEAR)}
    departments = [r for r in rows.values() if r.group == "department"]
    communes = [r for r in rows.values() if r.group == "commune"]
    assert departments and communes
    assert sum(r.chosen for r in departments) == services.minimum(len(departments))
    assert sum(r.chosen for r in communes) == services.minimum(len(communes))
    assert rows[PHU_LY].inspected_last_year and not rows[BINH_GIANG].inspected_last_year
    assert rows[BINH_GIANG].overdue == 6
    assert rows[BINH_GIANG].score > rows[PHU_LY].score
    assert rows[BINH_GIANG].chosen and not rows[PHU_LY].chosen
    assert all(r.unit.kind in ("department", "commune", "ward") for r in rows.values())


def test_choosing_fewer_than_20_percent_or_a_unit_outside_the_scope_is_refused_with_nothing_saved():
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    with pytest.raises(ValidationError, match="ít nhất 20% mỗi nhóm đơn vị"):
        services.choose_targets(inspection, [unit(BINH_GIANG).pk])
    office = Unit.objects.filter(kind=UnitKind.OFFICE, parent__code=BINH_GIANG).first()
    chosen = [r.unit.pk for r in services.suggest(inspection.unit, YEAR) if r.chosen]
    with pytest.raises(ValidationError, match="không thuộc phạm vi kiểm tra"):
        services.choose_targets(inspection, chosen + [office.pk])
    assert not inspection.targets.exists()
    services.choose_targets(inspection, chosen)
    assert inspection.targets.count() == len(chosen)


def test_a_department_plans_its_own_offices():
    dept = unit("37.SNV")
    inspection = services.create_plan(unit=dept, year=YEAR)
    offices = services.candidates(dept)
    assert offices and all(u.parent_id == dept.pk for u in offices)
    with pytest.raises(ValidationError, match="Phòng, đơn vị trực thuộc: mới chọn 0"):
        services.choose_targets(inspection, [])
    services.choose_targets(inspection, [offices[0].pk, offices[1].pk])
    assert inspection.targets.count() == 2


@pytest.mark.skipif(not REAL_PLAN.exists(), reason="../shared/realdocs is absent")
def test_the_real_lam_dong_plan_lists_every_unit_as_unknown_and_guesses_none():
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    result = services.import_unit_table(inspection, REAL_PLAN.read_bytes(), REAL_PLAN.name)
    assert "LÂM ĐỒNG" in result.issuer and result.issuer_unit is None
    assert len(result.rows) == 29  # 4 departments + 25 communes/wards of Phụ lục
    assert result.resolved == [] and len(result.unknown) == 29
    assert not inspection.targets.filter(unit__isnull=False).exists()  # "Sở Xây dựng" there is not ours
    names = set(inspection.targets.values_list("name_text", flat=True))
    assert {"Sở Xây dựng", "Sở Y tế", "Xã Đắk Song", "Phường 2 Bảo Lộc"} <= names
    first = inspection.targets.get(name_text="Sở Xây dựng")
    assert (first.start, first.end) == (D(2026, 7, 1), D(2026, 7, 31))
    wide = inspection.targets.get(name_text__startswith="Sở Nông nghiệp")
    assert (wide.start, wide.end) == (D(2026, 3, 1), D(2026, 9, 30))
    assert any("không được đoán" in w for w in result.warnings)


def test_our_own_plan_resolves_varied_spellings_and_lists_the_unknown_name():
    data = plan_docx("ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH", [
        ("I", "Cơ quan chuyên môn cấp tỉnh", ""),
        ("1", "So Tu phap", "Tháng 3/2026"),
        ("2", "Sở NN&MT", "Tháng 4/2026"),
        ("3", "sở y tế", "Từ tháng 5 đến tháng 6/2026"),
        ("II", "Ủy ban nhân dân cấp xã", ""),
        ("1", "Xa Binh Giang", "Tháng 6/2026"),
        ("2", "UBND phuong Phu Ly", "Tháng 7/2026"),
        ("3", "Xã Hoa Mai Không Có", "Tháng 8/2026"),
    ])
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    result = services.import_unit_table(inspection, data, "kh_kiemtra.docx")
    assert result.issuer_unit == unit("37")
    assert sorted(t.unit.code for t in result.resolved) == sorted(["37.STP", "37.SNNMT", "37.SYT", BINH_GIANG, PHU_LY])
    assert [t.name_text for t in result.unknown] == ["Xã Hoa Mai Không Có"]
    health = inspection.targets.get(unit__code="37.SYT")
    assert (health.start, health.end, health.timeframe_text) == (D(2026, 5, 1), D(2026, 6, 30), "Từ tháng 5 đến tháng 6/2026")
    # A person names the unknown one; a unit outside the inspector's scope is refused.
    unknown = result.unknown[0]
    with pytest.raises(ValidationError, match="đã có trong kế hoạch"):
        services.resolve_target(unknown, unit(BINH_GIANG))
    other = Unit.objects.filter(kind=UnitKind.COMMUNE, parent__code="37").exclude(code__in=[BINH_GIANG, PHU_LY]).first()
    services.resolve_target(unknown, other)
    assert Target.objects.get(pk=unknown.pk).unit == other


def test_a_file_without_the_unit_table_is_refused_with_nothing_saved():
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    with pytest.raises(ValidationError, match="Không đọc được tệp"):
        services.import_unit_table(inspection, b"not a docx", "x.docx")
    import docx, io
    out = io.BytesIO()
    docx.Document().save(out)
    with pytest.raises(ValidationError, match="Không tìm thấy bảng"):
        services.import_unit_table(inspection, out.getvalue(), "empty.docx")
    assert not inspection.targets.exists()


# --- the visit, findings and remedies ----------------------------------------------------------------


def test_bad_findings_are_refused_clearly_with_nothing_saved():
    inspection = province_plan()
    target = inspection.targets.get(unit__code=BINH_GIANG)
    visit = services.record_visit(target, date=D(YEAR, 6, 15))
    before = (Finding.objects.count(), Task.objects.count(), Assignment.objects.count())
    cases = [
        (dict(unit=None, due_date=D(YEAR, 7, 1)), "phải gắn với một đơn vị"),
        (dict(unit=unit(PHU_LY) if not inspection.targets.filter(unit__code=PHU_LY).exists() else unit("37.SNV"),
              due_date=D(YEAR, 7, 1)), "không có trong kế hoạch kiểm tra"),
        (dict(unit=unit("37.STP"), due_date=D(YEAR, 7, 1)), "không phải đơn vị của cuộc kiểm tra"),
        (dict(unit=target.unit, due_date=D(YEAR, 6, 1)), "Hạn khắc phục 01/06/2026 trước ngày kiểm tra 15/06/2026"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.add_finding(visit, text="Tồn tại", remedy="Khắc phục", **kwargs)
    assert (Finding.objects.count(), Task.objects.count(), Assignment.objects.count()) == before


def test_a_visit_to_a_name_not_yet_a_unit_or_outside_the_year_is_refused():
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    unknown = Target.objects.create(inspection=inspection, name_text="Xã Đắk Song")
    with pytest.raises(ValidationError, match="chưa là đơn vị trong cây đơn vị"):
        services.record_visit(unknown, date=D(YEAR, 3, 3))
    known = Target.objects.create(inspection=inspection, unit=unit(BINH_GIANG))
    with pytest.raises(ValidationError, match="không thuộc năm 2026"):
        services.record_visit(known, date=D(YEAR + 1, 3, 3))
    assert not Visit.objects.exists()


def test_each_finding_is_a_remedial_task_the_unit_closes_with_evidence_and_then_reads_handled():
    inspection = province_plan()
    visit, one, two = visit_with_findings(inspection)
    a = one.assignment
    assert a.unit.code == BINH_GIANG and a.due_date == D(YEAR, 8, 31) and a.role == AssignmentRole.LEAD
    assert a.task.plan == inspection.plan and a.task.source == "remedy" and a.task.title.startswith("Khắc phục:")
    assert one.status == "open" and one.status_label == "Chưa xử lý"
    with pytest.raises(ValidationError, match="Cần có minh chứng"):
        assignment_set_progress(assignment=a, progress=Progress.DONE, user=user("canbo.binhgiang"))
    assignment_set_progress(assignment=a, progress=Progress.DONE, completed_on=D(YEAR, 8, 20),
                            evidence={"document_number": "12/BC-UBND", "link": "", "note": ""}, user=user("canbo.binhgiang"))
    assignment_set_progress(assignment=two.assignment, progress=Progress.IN_PROGRESS)
    one, two = Finding.objects.get(pk=one.pk), Finding.objects.get(pk=two.pk)
    assert (one.status, two.status) == ("handled", "in_progress")
    start, end = D(YEAR, 1, 1), D(YEAR, 12, 31)
    province = unit("37")
    assert records.count("findings", start, end, {"measure": "found"}, unit=province) == 2
    assert records.count("findings", start, end, {"measure": "handled"}, unit=province) == 1
    assert records.count("findings", start, end, {"measure": "in_progress"}, unit=province) == 1
    # Handled counts by the window's end: done on 20/08, not yet handled at 30/06.
    assert records.count("findings", start, D(YEAR, 6, 30), {"measure": "handled"}, unit=province) == 0
    assert records.count("inspected_units", start, end, {"kind": "commune"}, unit=province) == 1
    assert records.count("inspected_units", start, end, {"kind": "department"}, unit=province) == 0


def test_remedial_tasks_are_not_plan_tasks_of_form_1_item_2():
    """Decision: a finding's remedy counts in 3.3.x (findings handled), never in 2.1/2.2 (plan tasks)."""
    inspection = province_plan()
    visit, one, _ = visit_with_findings(inspection)
    assignment_set_progress(assignment=one.assignment, progress=Progress.DONE, completed_on=D(YEAR, 8, 20),
                            evidence={"document_number": "12/BC-UBND", "link": "", "note": ""}, user=user("canbo.binhgiang"))
    start, end = D(YEAR, 1, 1), D(YEAR, 12, 31)
    bg = unit(BINH_GIANG)
    assert records.count("tasks", start, end, {"measure": "counted"}, unit=bg) == 0
    assert records.count("tasks", start, end, {"measure": "done"}, unit=bg) == 0
    assert records.count("tasks", start, end, {"measure": "overdue"}, unit=bg) == 0
    plain = Task.objects.create(plan=inspection.plan, title="Việc của kế hoạch")
    Assignment.objects.create(task=plain, unit=bg, role=AssignmentRole.LEAD, due_date=D(YEAR, 5, 1))
    assert records.count("tasks", start, end, {"measure": "counted"}, unit=bg) == 1


def test_a_remedy_due_before_a_changed_visit_date_is_refused():
    inspection = province_plan()
    visit, _, _ = visit_with_findings(inspection)
    with pytest.raises(ValidationError, match="hạn trước ngày kiểm tra mới"):
        services.record_visit(visit.target, date=D(YEAR, 9, 1))
    assert Visit.objects.get(pk=visit.pk).date == D(YEAR, 6, 15)


def test_the_demo_loads_once():
    from cchc.inspections.demo import load_demo

    first = load_demo()
    assert "1 cuộc kiểm tra, 2 vấn đề (1 đã khắc phục)" in first
    assert "không đổi" in load_demo()
    assert InspectionPlan.objects.count() == 1
    f = Finding.objects.filter(assignment__progress="done").get()
    assert f.status == "handled" and f.assignment.evidence.exists()


def test_a_unit_visited_under_two_plans_of_one_inspector_counts_once():
    first = province_plan()
    visit_with_findings(first)
    second = province_plan(number="15/KH-UBND")
    visit_with_findings(second, day=D(YEAR, 7, 1))  # a follow-up visit under another plan
    start, end = D(YEAR, 1, 1), D(YEAR, 12, 31)
    province = unit("37")
    assert records.count("inspected_units", start, end, {"kind": "commune"}, unit=province) == 1
    assert records.count("findings", start, end, {"measure": "found"}, unit=province) == 4  # issues still all count
    # Only the second visit falls in the second half-year: it counts there.
    assert records.count("inspected_units", D(YEAR, 6, 20), end, {"kind": "commune"}, unit=province) == 1
