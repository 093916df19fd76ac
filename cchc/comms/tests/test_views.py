"""The pages over HTTP: who sees and changes what, quick entry, bad input, query counts."""

import datetime
import re

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cchc.comms.models import Activity, ActivityFile
from cchc.test import BINH_GIANG, PHU_LY, count_queries, unit, user

from .conftest import make_activities

pytestmark = pytest.mark.django_db
QUICK = reverse("comms:quick")


@pytest.fixture
def officer(client, plans):
    client.force_login(user("canbo.binhgiang"))
    return client


def quick_data(plans, **overrides):
    province, commune, _ = plans
    data = {
        "don_vi": BINH_GIANG, "token": "t-" + overrides.pop("token", "1"),
        "date": timezone.localdate().strftime("%d/%m/%Y"), "channel": "village_meeting",
        "title": "Tuyên truyền dịch vụ công trực tuyến tại họp thôn Đông", "quantity": "2", "reach": "85",
        "audience": ["citizens"],
        "topics": [province.topics.get(code="f").pk, commune.topics.get(code="a").pk],
    }
    data.update(overrides)
    return data


def test_index_offers_quick_entry_with_todays_date_and_the_units_plans(officer, plans):
    page = officer.get(reverse("comms:index")).content.decode()
    assert "Ghi nhận nhanh — Xã Bình Giang" in page or "Ghi nhận nhanh" in page
    assert timezone.localdate().strftime("%d/%m/%Y") in page
    assert "Chuyển đổi số; dịch vụ công trực tuyến" in page  # the province plan's topic f
    assert "Tuyên truyền dịch vụ công trực tuyến tại xã." in page  # the commune's own plan
    assert "Chỉ số SIPAS của Sở" not in page  # Sở Nội vụ's plan is not Bình Giang's


def test_quick_entry_records_once_even_when_sent_twice(officer, plans):
    data = quick_data(plans)
    first = officer.post(QUICK, data, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    body = first.content.decode()
    assert "Đã ghi nhận: Họp thôn, tổ dân phố" in body
    assert 'hx-swap-oob="true"' in body and "tại họp thôn Đông" in body  # the recent list refreshed
    activity = Activity.objects.get(unit__code=BINH_GIANG)
    assert (activity.quantity, activity.reach, activity.for_citizens, activity.for_officials) == (2, 85, True, False)
    assert sorted(t.code for t in activity.topics.all()) == ["a", "f"]
    assert activity.created_by.username == "canbo.binhgiang"
    second = officer.post(QUICK, data, HTTP_HX_REQUEST="true")  # a double click, a resend
    assert "đã được ghi nhận trước đó" in second.content.decode()
    assert Activity.objects.filter(unit__code=BINH_GIANG).count() == 1
    # The next form remembers: the last channel and this person's topics.
    page = officer.get(reverse("comms:index")).content.decode()
    assert re.search(r'<option value="village_meeting" selected', page)
    assert re.search(rf'value="{data["topics"][0]}"[^>]*checked', page)


def test_quick_entry_without_htmx_redirects_with_a_message(officer, plans):
    response = officer.post(QUICK, quick_data(plans, token="plain"), follow=True)
    assert "Đã ghi nhận" in response.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("date", "31/02/2026", "Ngày “31/02/2026” không có thật"),
    ("date", "15/03/1999", "phải từ 01/01/2000"),
    ("date", "", "Hãy nhập ngày thực hiện"),
    ("quantity", "-3", "Số lượng phải là số nguyên dương"),
    ("quantity", "abc", "Số lượng phải là một số nguyên"),
    ("reach", "-1", "không được âm"),
    ("channel", "telepathy", "Hình thức không có trong danh mục"),
    ("title", "", "Hãy ghi nội dung hoạt động"),
])
def test_bad_input_is_named_and_nothing_saved(officer, plans, field, value, message):
    response = officer.post(QUICK, quick_data(plans, **{field: value}), HTTP_HX_REQUEST="true")
    assert message in response.content.decode()
    assert not Activity.objects.exists()


def test_a_date_after_today_is_refused(officer, plans):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    body = officer.post(QUICK, quick_data(plans, date=tomorrow), HTTP_HX_REQUEST="true").content.decode()
    assert "ở sau hôm nay" in body and not Activity.objects.exists()


def test_a_topic_from_another_units_plan_is_refused(officer, plans):
    foreign = plans[2].topics.first().pk  # Sở Nội vụ's plan
    body = officer.post(QUICK, quick_data(plans, topics=[foreign]), HTTP_HX_REQUEST="true").content.decode()
    assert "không thuộc kế hoạch tuyên truyền của đơn vị hoặc cấp trên" in body
    assert not Activity.objects.exists()


def test_another_units_activity_is_404_and_a_sub_units_is_read_only(client, plans):
    bg, office = unit(BINH_GIANG), unit(BINH_GIANG).children.order_by("code").first()
    own, = make_activities(bg, 1)
    below, = make_activities(office, 1)
    other, = make_activities(unit(PHU_LY), 1)
    client.force_login(user("canbo.binhgiang"))
    assert client.get(reverse("comms:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("comms:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("comms:delete", args=[other.pk])).status_code == 404
    assert client.get(reverse("comms:detail", args=[below.pk])).status_code == 200
    assert "Chỉ xem" in client.get(reverse("comms:detail", args=[below.pk])).content.decode()
    assert client.get(reverse("comms:edit", args=[below.pk])).status_code == 403
    assert client.post(reverse("comms:delete", args=[below.pk])).status_code == 403
    assert client.get(reverse("comms:edit", args=[own.pk])).status_code == 200
    listing = client.get(reverse("comms:list")).content.decode()
    assert f'href="/tuyen-truyen/hoat-dong/{own.pk}/"' in listing and f"/hoat-dong/{below.pk}/" in listing
    assert f"/hoat-dong/{other.pk}/" not in listing
    # A coordinator sees and changes all.
    client.force_login(user("dieuphoi"))
    assert client.get(reverse("comms:edit", args=[other.pk])).status_code == 200
    # A collaborator sees their unit but records nothing.
    client.force_login(user("ctv.bao"))
    assert client.post(QUICK, {"don_vi": "37.BAO"}).status_code == 403
    assert client.get(reverse("comms:detail", args=[own.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, plans):
    response = client.get(reverse("comms:list"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_edit_delete_and_every_change_is_audited(officer, plans):
    officer.post(QUICK, quick_data(plans), HTTP_HX_REQUEST="true")
    activity = Activity.objects.get()
    data = quick_data(plans, title="Họp thôn Đông (sửa)", quantity="3", link="https://binhgiang.ninhbinh.gov.vn/tin/1")
    data["files"] = SimpleUploadedFile("danh-sach.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf")
    response = officer.post(reverse("comms:edit", args=[activity.pk]), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.quantity) == ("Họp thôn Đông (sửa)", 3)
    evidence = ActivityFile.objects.get(activity=activity)
    download = officer.get(reverse("comms:file", args=[activity.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    entries = LogEntry.objects.get_for_object(activity)
    assert entries.count() >= 2 and any("title" in (e.changes_dict or {}) for e in entries)
    assert LogEntry.objects.get_for_object(evidence).exists()
    assert officer.post(reverse("comms:delete", args=[activity.pk])).status_code == 302
    assert not Activity.objects.exists()
    assert LogEntry.objects.filter(object_pk=str(activity.pk), action=LogEntry.Action.DELETE).exists()


def test_evidence_of_the_wrong_type_is_refused(officer, plans):
    data = quick_data(plans)
    data["files"] = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    body = officer.post(reverse("comms:create"), data).content.decode()
    assert "không đúng loại" in body and not Activity.objects.exists()


def test_list_filters_by_period_channel_and_text(officer, plans):
    bg = unit(BINH_GIANG)
    make_activities(bg, 2, channel="radio", day=datetime.date(2026, 2, 1))
    make_activities(bg, 3, channel="banner", day=datetime.date(2026, 8, 1))
    url = reverse("comms:list")
    assert officer.get(url, {"nam": 2026, "ky": "q1"}).context["page"].paginator.count == 2
    assert officer.get(url, {"nam": 2026, "ky": "6t-cuoi"}).context["page"].paginator.count == 3
    assert officer.get(url, {"hinh_thuc": "banner"}).context["page"].paginator.count == 3
    custom = {"ky": "tuy-chon", "tu": "01/01/2026", "den": "31/07/2026"}
    assert officer.get(url, custom).context["page"].paginator.count == 2
    bad = officer.get(url, {"ky": "tuy-chon", "tu": "31/02/2026", "den": "01/03/2026"}).content.decode()
    assert "không có thật" in bad
    assert "01/02/2026" in officer.get(url).content.decode()  # dd/mm/yyyy


def test_list_and_matrices_cost_the_same_queries_with_more_data(client, plans):
    client.force_login(user("dieuphoi"))
    bg = unit(BINH_GIANG)
    topics = list(plans[0].topics.all()[:2])
    make_activities(bg, 3, topics=topics)
    urls = [reverse("comms:list"), reverse("comms:index"), reverse("comms:coverage"),
            reverse("comms:units") + "?nam=2026", reverse("comms:requirements") + f"?ke_hoach={plans[0].pk}"]
    for u in urls:  # the first visit derives and saves the plan's requirements
        count_queries(client, u)
    small = [count_queries(client, u) for u in urls]
    for code in (BINH_GIANG, PHU_LY):
        make_activities(unit(code), 40, topics=topics, channel="radio")
        make_activities(unit(code).children.first(), 20, channel="contest", topics=topics)
    large = [count_queries(client, u) for u in urls]
    assert large == small
    client.force_login(user("canbo.binhgiang"))
    assert count_queries(client, reverse("comms:list")) == count_queries(client, reverse("comms:list"), trang=2)


def test_matrix_pages_show_counts_and_who_falls_short(client, plans):
    province = plans[0]
    make_activities(unit(BINH_GIANG), 2, channel="contest", topics=[province.topics.get(code="g")])
    make_activities(unit(PHU_LY), 1, channel="radio")
    client.force_login(user("dieuphoi"))
    response = client.get(reverse("comms:units"), {"nam": 2026, "nhom": "ubnd-cap-xa"})
    units = response.content.decode()
    assert "Xã Bình Giang" in units and "Sở Nội vụ" not in units  # the group filter
    kinds = client.get(reverse("comms:units"), {"nam": 2026, "loai": "department"}).content.decode()
    assert "Sở Nội vụ" in kinds and "Xã Bình Giang" not in kinds
    coverage = client.get(reverse("comms:coverage"), {"don_vi": BINH_GIANG, "ke_hoach": province.pk, "nam": 2026})
    assert coverage.context["matrix"]["covered"] == 1
    checks = client.get(reverse("comms:requirements"), {"ke_hoach": province.pk}).content.decode()
    assert "Chưa đạt (0)" in checks and "đơn vị chưa đạt" in checks  # the short come first
    last = client.get(reverse("comms:requirements"), {"ke_hoach": province.pk, "trang": 99}).content.decode()
    assert "Đạt (2)" in last  # Bình Giang: two contests, on the last page
    summary = client.get(reverse("comms:requirements"), {"ke_hoach": province.pk}).context["result"]["summary"]
    assert summary[0]["met"] == 2 and summary[1]["met"] == 1


def test_a_unit_officer_sees_only_their_own_part(client, plans):
    make_activities(unit(PHU_LY), 2, channel="radio")
    client.force_login(user("canbo.binhgiang"))
    assert client.get(reverse("comms:coverage"), {"don_vi": PHU_LY}).status_code == 404
    assert client.get(reverse("comms:units"), {"don_vi": PHU_LY}).status_code == 404
    mine = client.get(reverse("comms:requirements"), {"ke_hoach": plans[0].pk}).context["result"]
    assert [r["unit"].code for r in mine["rows"]] == [BINH_GIANG]
    assert client.get(reverse("comms:requirements"), {"ke_hoach": plans[2].pk}).status_code == 404


def test_a_coordinator_corrects_a_requirement_and_the_check_follows(client, plans):
    province = plans[0]
    make_activities(unit(PHU_LY), 1, channel="radio")
    client.force_login(user("dieuphoi"))
    client.get(reverse("comms:requirements"), {"ke_hoach": province.pk})  # derived and saved
    new_forms = province.comm_requirements.get(kind="any_channel")
    url = reverse("comms:requirement_edit", args=[new_forms.pk])
    refused = client.post(url, {"kind": "any_channel", "text": "x", "min_activities": 1, "order": 1})
    assert "Hãy chọn ít nhất một hình thức" in refused.content.decode()
    saved = client.post(url, {"kind": "any_channel", "text": new_forms.text, "source": "Sửa tay", "order": 1,
                              "channels": ["radio"], "unit_kinds": ["commune", "ward"], "min_activities": 1})
    assert saved.status_code == 302
    rows = {r["unit"].code: r for r in client.get(reverse("comms:requirements"), {"ke_hoach": province.pk})
            .context["result"]["rows"]}
    assert rows[PHU_LY]["all_met"]  # its one radio broadcast now meets both rules
    assert rows[PHU_LY]["checks"][1]["met"]
    assert not rows["37.SNV"]["checks"][1]["applies"]  # a department: the rule is now for communes, wards
    assert LogEntry.objects.get_for_object(new_forms).filter(action=LogEntry.Action.UPDATE).exists()
    added = client.post(reverse("comms:requirement_add", args=[province.pk]),
                        {"kind": "implement", "text": "Ít nhất 4 hoạt động mỗi năm", "min_activities": 4, "order": 3})
    assert added.status_code == 302 and province.comm_requirements.count() == 3


def test_a_commune_officer_cannot_change_the_provinces_requirements(client, plans):
    client.force_login(user("dieuphoi"))
    client.get(reverse("comms:requirements"), {"ke_hoach": plans[0].pk})
    requirement = plans[0].comm_requirements.first()
    client.force_login(user("canbo.binhgiang"))
    assert client.get(reverse("comms:requirement_edit", args=[requirement.pk])).status_code == 403
    assert client.post(reverse("comms:requirement_add", args=[plans[0].pk]), {}).status_code == 403
    assert client.get(reverse("comms:requirement_add", args=[plans[2].pk])).status_code == 404  # Sở Nội vụ's plan
    client.force_login(user("canbo.phuly"))
    assert client.get(reverse("comms:requirement_edit", args=[requirement.pk])).status_code == 403


def test_list_filters_by_unit_group_and_kind(client, plans):
    make_activities(unit(BINH_GIANG).children.first(), 2)
    make_activities(unit("37.SNV"), 3)
    client.force_login(user("dieuphoi"))
    url = reverse("comms:list")
    assert client.get(url, {"nhom": "ubnd-cap-xa"}).context["page"].paginator.count == 2  # offices included
    assert client.get(url, {"loai": "department"}).context["page"].paginator.count == 3


def test_the_requirement_check_exports_to_xlsx(client, plans):
    import io

    from openpyxl import load_workbook

    make_activities(unit(BINH_GIANG), 1, channel="staging")
    client.force_login(user("dieuphoi"))
    response = client.get(reverse("comms:requirements"), {"ke_hoach": plans[0].pk, "xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[BINH_GIANG][-1] == "Đạt" and rows[PHU_LY][-1] == "Chưa đạt"
    assert len(rows) == len(client.get(reverse("comms:requirements"), {"ke_hoach": plans[0].pk}).context["result"]["rows"])
