"""The inspection pages from the outside: access by unit, bad input refused with nothing saved, the
conclusion DOCX, flat queries, and the figures in report form 1 item 3 and PAR 1.3.1–1.3.2."""

import io
import shutil
import subprocess
import os

import docx
import pytest
from django.urls import reverse

from cchc import records
from cchc.inspections import services
from cchc.inspections.models import Finding, Target
from cchc.plans.models import Progress, Task
from cchc.plans.services import assignment_set_progress
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit, user

from .helpers import YEAR, D, plan_docx, province_plan, visit_with_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    inspection = province_plan()
    visit, one, two = visit_with_findings(inspection)
    services.issue_conclusion(visit, number="45/TB-UBND", date=D(YEAR, 6, 25), signer_name="Nguyễn Văn Hùng",
                              signer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    return inspection, visit, one, two


def test_another_unit_sees_none_of_it_and_the_inspected_unit_only_its_own(client, world):
    inspection, visit, one, _ = world
    target = visit.target
    urls = [reverse("inspections:detail", args=[inspection.pk]), reverse("inspections:target", args=[target.pk]),
            reverse("inspections:finding", args=[one.pk]), reverse("inspections:conclusion_docx", args=[target.pk])]
    client.force_login(user("canbo.phuly"))
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert one.text not in client.get(reverse("inspections:mine")).content.decode()
    assert client.get(reverse("tasks:detail", args=[one.assignment_id])).status_code == 404
    client.force_login(user("canbo.binhgiang"))
    assert client.get(urls[0]).status_code == 404  # the province's plan is the province's
    assert client.get(urls[1]).status_code == 404
    assert client.get(urls[2]).status_code == 200 and client.get(urls[3]).status_code == 200
    mine = client.get(reverse("inspections:mine")).content.decode()
    assert one.text in mine and "Chưa xử lý" in mine and reverse("tasks:detail", args=[one.assignment_id]) in mine
    response = client.post(reverse("inspections:finding_add", args=[target.pk]),
                           {"vd-unit": unit(BINH_GIANG).pk, "vd-text": "x", "vd-remedy": "y", "vd-due_date": "01/09/2026"})
    assert response.status_code == 404 and Finding.objects.count() == 2


@pytest.mark.parametrize("data, message", [
    ({"unit": "", "due_date": "01/09/2026"}, "Mỗi vấn đề phát hiện phải gắn với một đơn vị được kiểm tra"),
    ({"unit": "OUTSIDE", "due_date": "01/09/2026"}, "không có trong kế hoạch kiểm tra này"),
    ({"unit": "BG", "due_date": "01/06/2026"}, "Hạn khắc phục 01/06/2026 trước ngày kiểm tra 15/06/2026"),
])
def test_bad_findings_from_the_page_are_refused_with_a_message_and_nothing_saved(client, world, data, message):
    inspection, visit, _, _ = world
    in_plan = set(inspection.targets.values_list("unit__code", flat=True))
    outside = next(c for c in (PHU_LY, "37.SNV", "37.SXD", "37.SDL") if c not in in_plan)
    codes = {"OUTSIDE": unit(outside).pk, "BG": unit(BINH_GIANG).pk, "": ""}
    before = (Finding.objects.count(), Task.objects.count())
    client.force_login(user("dieuphoi"))
    html = client.post(reverse("inspections:finding_add", args=[visit.target.pk]),
                       {"vd-due_date": data["due_date"], "vd-unit": codes[data["unit"]], "vd-text": "Tồn tại", "vd-remedy": "Khắc phục"}).content.decode()
    assert message in html and "Chưa lưu gì" in html
    assert (Finding.objects.count(), Task.objects.count()) == before


def test_a_unit_outside_the_plan_cannot_be_chosen_from_the_page(client):
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    office = unit(BINH_GIANG).children.first()
    client.force_login(user("dieuphoi"))
    response = client.post(reverse("inspections:choose", args=[inspection.pk]), {"unit": [office.pk]}, follow=True)
    assert "không thuộc phạm vi kiểm tra" in response.content.decode()
    assert not inspection.targets.exists()


def test_the_conclusion_is_an_official_docx(client, world, tmp_path):
    _, visit, one, two = world
    client.force_login(user("dieuphoi"))
    response = client.get(reverse("inspections:conclusion_docx", args=[visit.target.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells])
    for expected in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 45/TB-UBND", "ngày 25 tháng 6 năm 2026",
                     "THÔNG BÁO", "Kết luận kiểm tra công tác cải cách hành chính năm 2026 tại Ủy ban nhân dân xã Bình Giang",
                     "I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ", one.text, two.text, "III. YÊU CẦU KHẮC PHỤC",
                     "hoàn thành trước ngày 31/08/2026", "Nơi nhận:", "KT. CHỦ TỊCH", "Nguyễn Văn Hùng"):
        assert expected in text, expected
    if shutil.which("soffice"):
        path = tmp_path / "tb.docx"
        path.write_bytes(response.content)
        env = {**os.environ, "HOME": str(tmp_path)}
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                        "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(path)],
                       check=True, capture_output=True, env=env, timeout=180)
        assert one.text in (tmp_path / "tb.txt").read_text(encoding="utf-8-sig")


def test_the_pages_stay_flat(client, world):
    inspection, visit, one, _ = world
    client.force_login(user("dieuphoi"))
    detail = reverse("inspections:detail", args=[inspection.pk])
    target = reverse("inspections:target", args=[visit.target.pk])
    mine = reverse("inspections:mine")
    counts = [count_queries(client, u) for u in (detail, target)]
    for t in inspection.targets.exclude(pk=visit.target.pk)[:6]:
        v = services.record_visit(t, date=D(YEAR, 7, 1))
        services.add_finding(v, unit=t.unit, text="Tồn tại", remedy="Khắc phục", due_date=D(YEAR, 9, 1))
    for i in range(5):
        services.add_finding(visit, unit=visit.target.unit, text=f"Thêm {i}", remedy="Khắc phục", due_date=D(YEAR, 9, 1))
    assert [count_queries(client, u) for u in (detail, target)] == counts
    client.force_login(user("canbo.binhgiang"))
    assert count_queries(client, mine) <= 12


def test_the_import_page_lists_the_unknown_names(client):
    inspection = services.create_plan(unit=unit("37"), year=YEAR)
    data = plan_docx("ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH", [("1", "So Tu phap", "Tháng 3/2026"), ("2", "Xã Không Có", "Tháng 4/2026")])
    client.force_login(user("dieuphoi"))
    upload = io.BytesIO(data)
    upload.name = "kh.docx"
    html = client.post(reverse("inspections:import", args=[inspection.pk]), {"file": upload}, follow=True).content.decode()
    assert "2 dòng: 1 đơn vị nhận diện được, 1 tên chưa nhận diện" in html
    assert "Tên chưa nhận diện (1)" in html and "Xã Không Có" in html and "Sở Tư pháp" in html
    bad = io.BytesIO(b"x")
    bad.name = "kh.pdf"
    html = client.post(reverse("inspections:import", args=[inspection.pk]), {"file": bad}, follow=True).content.decode()
    assert "Cần tệp Word .docx." in html and inspection.targets.count() == 2


# --- the figures ---------------------------------------------------------------------------------------


def test_report_form_1_item_3_of_the_province_counts_its_inspections_and_opens_the_records(client, world):
    from cchc.reports import services as reports
    from cchc.reports.compile import compile_report
    from cchc.reports.form_sets import load_shipped_form_set
    from cchc.reports.models import PeriodKind, Report

    inspection, visit, one, two = world
    assignment_set_progress(assignment=one.assignment, progress=Progress.DONE, completed_on=D(YEAR, 8, 20),
                            evidence={"document_number": "12/BC-UBND", "link": "", "note": ""}, user=user("canbo.binhgiang"))
    stp = inspection.targets.get(unit__code="37.STP")
    services.record_visit(stp, date=D(YEAR, 7, 2))
    # A department's inspection of its own office: the department's figure, not the province's 3.x.
    own = services.create_plan(unit=unit("37.SNV"), year=YEAR)
    offices = services.candidates(unit("37.SNV"))
    services.choose_targets(own, [o.pk for o in offices[:2]])
    v = services.record_visit(own.targets.first(), date=D(YEAR, 5, 5))
    services.add_finding(v, unit=v.target.unit, text="Văn phòng chưa số hóa", remedy="Số hóa", due_date=D(YEAR, 6, 1))
    period = reports.open_period(load_shipped_form_set(YEAR), PeriodKind.YEAR, YEAR, unit_due=D(2099, 1, 1),
                                 locked_on=D(2099, 1, 1))
    report = Report.objects.get(period=period, unit=unit(BINH_GIANG))
    reports.submit_report(report)
    reports.approve_report(report)
    province = compile_report(period, unit("37"))
    values = {f"{v.indicator.form.number}/{v.indicator.code}": v for v in province.values.select_related("indicator__form")}
    assert values["1/3.1"].value == 1 and values["1/3.2"].value == 1
    assert values["1/3.3.1"].value == 2 and values["1/3.3.2"].value == 1
    assert sorted(values["1/3.3.1"].records) == sorted([one.pk, two.pk]) and values["1/3.3.2"].records == [one.pk]
    from cchc.reports import live
    from cchc.reports.form_sets import indicators_of

    indicators = list(indicators_of(period.form_set))
    cells = live.cells(province, indicators)
    ratio = next(i for i in indicators if i.form.number == 1 and i.code == "3.3")
    assert cells[ratio.pk].value == 50
    # The commune's own report: its remedies are not plan tasks (2.1) and it inspected no one (3.2).
    bg = {f"{v.indicator.form.number}/{v.indicator.code}": v.value for v in report.values.select_related("indicator__form")}
    assert bg.get("1/2.1") in (None, 0) and bg.get("1/3.2") in (None, 0)
    client.force_login(user("dieuphoi"))
    url = records.list_url("findings", D(YEAR, 1, 1), D(YEAR, 12, 31), {"measure": "handled", "on": "departments_communes"},
                           unit=unit("37"), subtree=True)
    html = client.get(url).content.decode()
    assert '<strong class="records-count">1</strong>' in html and one.text in html and "12/BC-UBND" in html


def test_par_1_3_1_and_1_3_2_are_suggested_by_each_sets_rule():
    from cchc.scoring import criteria, prefill
    from cchc.scoring.models import CriteriaSet

    criteria.load_shipped_sets()
    inspection = province_plan()
    province = unit("37")
    sets = {slug: CriteriaSet.objects.get(slug=slug) for slug in ("2025-tinh-1187", "2025-so-nganh")}
    node131 = sets["2025-tinh-1187"].nodes.get(code="1.3.1")
    node132 = sets["2025-tinh-1187"].nodes.get(code="1.3.2")
    spec = prefill.PREFILL_MAP["province"]
    nothing = prefill.suggestion_for(spec["1.3.1"], node131, unit("37.SNV"), YEAR)
    assert nothing.text == prefill.NO_DATA and not nothing.available  # no plan of its own: no figure
    visits = [services.record_visit(t, date=D(YEAR, 6, 1)) for t in inspection.targets.all()]
    found = prefill.suggestion_for(spec["1.3.1"], node131, province, YEAR)
    a = len(services.candidates(province, services.in_force_day(YEAR)))
    assert found.inputs == {"a": str(a), "b": str(len(visits))} and found.points == 1
    assert len(visits) * 100 >= 20 * a and all(f.url for f in found.figures)
    bg = next(v for v in visits if v.target.unit.code == BINH_GIANG)
    one = services.add_finding(bg, unit=bg.target.unit, text="A", remedy="B", due_date=D(YEAR, 7, 1))
    two = services.add_finding(bg, unit=bg.target.unit, text="C", remedy="D", due_date=D(YEAR, 7, 1))
    assignment_set_progress(assignment=one.assignment, progress=Progress.DONE, completed_on=D(YEAR, 6, 20),
                            evidence={"document_number": "1/BC", "link": "", "note": ""}, user=user("canbo.binhgiang"))
    assignment_set_progress(assignment=two.assignment, progress=Progress.IN_PROGRESS)
    handled = prefill.suggestion_for(spec["1.3.2"], node132, province, YEAR)
    assert handled.inputs == {"a": "2", "b": "1", "c": "1"} and handled.points == pytest.approx(0.75)
    assert "1/2 vấn đề đã xử lý xong, 1 đang xử lý" in handled.text
    # A department's own plan of its offices: ≥ 30% → 0,5 (Lâm Đồng SN 1.3.1).
    dept = unit("37.SNV")
    own = services.create_plan(unit=dept, year=YEAR)
    offices = services.candidates(dept, services.in_force_day(YEAR))
    services.choose_targets(own, [o.pk for o in offices[:3]])
    for t in own.targets.all():
        services.record_visit(t, date=D(YEAR, 4, 1))
    sn = prefill.suggestion_for(prefill.PREFILL_MAP["department"]["1.3.1"], sets["2025-so-nganh"].nodes.get(code="1.3.1"), dept, YEAR)
    assert sn.inputs == {"a": str(len(offices)), "b": "3"}
    assert sn.points == (pytest.approx(0.5) if 3 * 100 >= 30 * len(offices) else 0)
