"""The scoring pages over HTTP: who sees what, bad input refused with a message, query counts flat."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.documents.tables import write_xlsx
from cchc.orgs.models import Unit
from cchc.scoring import workflow
from cchc.scoring.models import NodeEvidence, NodeScore, RoundStatus, ScorecardStatus
from cchc.test import BINH_GIANG, PHU_LY, count_queries, user

from .scoring_cast import card, days, fill_all, make_set, node, open_test_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    return open_test_round()


def login(client, username):
    client.force_login(user(username))
    return client


def save_url(round_, code, unit_code=BINH_GIANG):
    return reverse("scoring:node_save", args=[card(round_, unit_code).pk, node(round_, code).pk])


def self_points(round_, code, unit_code=BINH_GIANG):
    score = NodeScore.objects.filter(scorecard=card(round_, unit_code), node__code=code).first()
    return score.self_points if score else None


def advance(round_, *stages):
    for stage in stages:
        workflow.advance_round(round_=round_, status=stage, by=user("dieuphoi"))
    round_.refresh_from_db()


# --- who sees what ---------------------------------------------------------------------------------


def test_the_unit_sees_its_scorecard_on_the_index(client, round_):
    login(client, "canbo.binhgiang")
    page = client.get(reverse("scoring:index")).content.decode()
    assert "Phiếu chấm điểm của đơn vị" in page and round_.title in page
    assert reverse("scoring:scorecard", args=[card(round_).pk]) in page
    assert reverse("scoring:scorecard", args=[card(round_, PHU_LY).pk]) not in page


def test_another_units_scorecard_is_not_found(client, round_):
    login(client, "canbo.phuly")
    assert client.get(reverse("scoring:scorecard", args=[card(round_).pk])).status_code == 404
    assert client.post(save_url(round_, "2.3"), {"in_points": "1"}).status_code == 404
    assert client.get(reverse("scoring:scorecard_history", args=[card(round_).pk])).status_code == 404
    assert self_points(round_, "2.3") is None
    login(client, "ctv.bao")
    assert client.get(reverse("scoring:scorecard", args=[card(round_).pk])).status_code == 404


def test_an_appraiser_sees_the_unit_but_cannot_fill_it(client, round_):
    workflow.assign_appraiser(round_=round_, user=user("canbo.stp"), areas=[node(round_, "2")], by=user("dieuphoi"))
    login(client, "canbo.stp")
    assert client.get(reverse("scoring:scorecard", args=[card(round_).pk])).status_code == 200
    assert client.post(save_url(round_, "2.3"), {"in_points": "1"}).status_code == 403
    assert self_points(round_, "2.3") is None


def test_the_unit_cannot_appraise_itself(client, round_):
    fill_all(round_)
    advance(round_, RoundStatus.APPRAISAL_1)
    login(client, "canbo.binhgiang")
    url = reverse("scoring:node_appraise", args=[card(round_).pk, node(round_, "1.2").pk])
    assert client.post(url, {"pass_no": "1", "points": "1.5"}).status_code == 403
    assert NodeScore.objects.get(scorecard=card(round_), node__code="1.2").appraised_points_1 is None


def test_only_coordinators_open_rounds_and_import_surveys(client, round_):
    login(client, "canbo.binhgiang")
    assert client.get(reverse("scoring:round_open")).status_code == 403
    data = write_xlsx(workflow.SURVEY_COLUMNS, [[BINH_GIANG, "", "15", "", "", ""]], title="x")
    response = client.post(reverse("scoring:survey_import", args=[round_.pk]),
                           {"file": SimpleUploadedFile("k.xlsx", data)})
    assert response.status_code == 403
    assert card(round_).survey_points is None


def test_results_are_hidden_from_units_until_published(client, round_):
    login(client, "canbo.binhgiang")
    assert client.get(reverse("scoring:results", args=[round_.pk])).status_code == 403


# --- filling ---------------------------------------------------------------------------------------


def test_htmx_save_returns_the_row_with_its_points(client, round_):
    login(client, "canbo.binhgiang")
    response = client.post(save_url(round_, "1.2"), {"in_a": "193.457", "in_b": "190.000", "explanation": "Báo cáo đủ."},
                           HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<strong data-self>1,47</strong>" in text  # Vietnamese decimal comma
    assert 'id="sheet-totals"' in text and 'hx-swap-oob="true"' in text
    assert self_points(round_, "1.2") == Decimal("1.47")


def test_live_preview_computes_without_saving(client, round_):
    login(client, "canbo.binhgiang")
    url = reverse("scoring:node_preview", args=[card(round_).pk, node(round_, "2.1").pk])
    assert "<strong>0,83</strong>" in client.post(url, {"in_value": "82,78"}).content.decode()
    assert "100" in client.post(url, {"in_value": "120"}).content.decode()
    assert self_points(round_, "2.1") is None


@pytest.mark.parametrize(("code", "data", "message"), [
    ("1.2", {"in_a": "10", "in_b": "12"}, "b"),
    ("2.1", {"in_value": "100,5"}, "100"),
    ("2.3", {"in_points": "2"}, "vượt"),
    ("1.2", {"in_a": "", "in_b": "1"}, "Chưa nhập"),
])
def test_bad_figures_come_back_with_a_message_and_change_nothing(client, round_, code, data, message):
    login(client, "canbo.binhgiang")
    response = client.post(save_url(round_, code), data, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'role="alert"' in text and message in text
    assert self_points(round_, code) is None


def test_edits_after_the_deadline_are_refused_with_a_message(client, round_):
    login(client, "canbo.binhgiang")
    client.post(save_url(round_, "2.3"), {"in_points": "1"})
    round_.self_deadline = days(-1)
    round_.save()
    response = client.post(save_url(round_, "2.3"), {"in_points": "0,5"}, follow=True)
    assert "Đã hết hạn tự đánh giá" in response.content.decode()
    assert self_points(round_, "2.3") == Decimal("1.00")


def test_evidence_upload_checks_type_and_size(client, round_, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    login(client, "canbo.binhgiang")
    url = reverse("scoring:evidence_add", args=[card(round_).pk, node(round_, "1.2").pk])
    text = client.post(url, {"file": SimpleUploadedFile("bao-cao.exe", b"MZ" * 10)}, follow=True).content.decode()
    assert "Loại tệp không được nhận" in text
    text = client.post(url, {"file": SimpleUploadedFile("bao-cao.pdf", b"%PDF" + b"0" * 2000)}, follow=True).content.decode()
    assert "Tệp quá lớn" in text
    assert not NodeEvidence.objects.exists()
    text = client.post(url, {"document_number": "12/BC-UBND", "document_date": "15/12/2025",
                             "file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 ok")}, follow=True).content.decode()
    assert "Đã thêm tài liệu kiểm chứng" in text and "Văn bản 12/BC-UBND ngày 15/12/2025" in text
    evidence = NodeEvidence.objects.get()
    assert evidence.document_date == datetime.date(2025, 12, 15) and evidence.file.name.endswith(".pdf")
    # The file opens from the scorecard for those who see it, and for no one else.
    file_url = reverse("scoring:evidence_file", args=[card(round_).pk, evidence.pk])
    assert file_url in client.get(reverse("scoring:scorecard", args=[card(round_).pk])).content.decode()
    got = client.get(file_url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 ok"
    login(client, "canbo.phuly")
    assert client.get(file_url).status_code == 404


def test_submit_lists_what_is_missing(client, round_):
    login(client, "canbo.binhgiang")
    text = client.post(reverse("scoring:scorecard_submit", args=[card(round_).pk]), follow=True).content.decode()
    assert "Chưa gửi được phiếu" in text and "Chưa chấm điểm: 1.1.1, 1.1.2, 1.2, 2.1, 2.3." in text
    assert card(round_).status == ScorecardStatus.OPEN


# --- appraisal and what the unit sees ------------------------------------------------------------------


def test_the_unit_sees_the_appraised_score_and_its_reason(client, round_):
    sc = fill_all(round_)
    workflow.submit_scorecard(scorecard=sc, by=user("canbo.binhgiang"))
    advance(round_, RoundStatus.APPRAISAL_1)
    login(client, "dieuphoi")
    url = reverse("scoring:node_appraise", args=[sc.pk, node(round_, "1.2").pk])
    text = client.post(url, {"pass_no": "1", "points": "0,75"}, HTTP_HX_REQUEST="true").content.decode()
    assert "hãy ghi lý do" in text
    client.post(url, {"pass_no": "1", "points": "0,75", "reason": "Báo cáo quý III gửi trễ hạn."})
    login(client, "canbo.binhgiang")
    page = client.get(reverse("scoring:scorecard", args=[sc.pk])).content.decode()
    assert "Thẩm định đợt 1: 0,75" in page and "Báo cáo quý III gửi trễ hạn." in page
    history = client.get(reverse("scoring:scorecard_history", args=[sc.pk])).content.decode()
    assert "Điểm thẩm định đợt 1" in history and "Báo cáo quý III gửi trễ hạn." in history


def test_a_stale_appraisal_form_does_not_overwrite(client, round_):
    sc = fill_all(round_)
    advance(round_, RoundStatus.APPRAISAL_1)
    stamp = NodeScore.objects.get(scorecard=sc, node__code="1.2").updated_at.isoformat()
    login(client, "dieuphoi")
    url = reverse("scoring:node_appraise", args=[sc.pk, node(round_, "1.2").pk])
    client.post(url, {"pass_no": "1", "points": "1", "reason": "Thiếu phụ lục.", "updated_at": stamp})
    text = client.post(url, {"pass_no": "1", "points": "0", "reason": "Không có.", "updated_at": stamp},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Điểm tiêu chí 1.2 vừa được" in text and "hãy xem lại trước khi lưu." in text
    assert NodeScore.objects.get(scorecard=sc, node__code="1.2").appraised_points_1 == Decimal("1.00")


def test_an_appraisal_form_that_saw_no_score_shows_the_score_saved_since(client, round_):
    """The form carries "not scored yet"; another appraiser scores the node first; the save is
    refused on the page with who did it, and the other appraiser's score stands."""
    sc = card(round_)
    advance(round_, RoundStatus.APPRAISAL_1)
    login(client, "dieuphoi")
    target = node(round_, "2.2")  # appraisal only: no score yet
    page = client.get(reverse("scoring:scorecard", args=[sc.pk])).content.decode()
    assert f'action="{reverse("scoring:node_appraise", args=[sc.pk, target.pk])}"' in page
    assert f'name="updated_at" value="{workflow.NOT_SCORED}"' in page
    workflow.appraise(scorecard=sc, node=target, pass_no=1, points="0,5", by=user("dieuphoi"),
                      expected_updated_at=workflow.NOT_SCORED)
    url = reverse("scoring:node_appraise", args=[sc.pk, target.pk])
    text = client.post(url, {"pass_no": "1", "points": "1", "reason": "", "updated_at": workflow.NOT_SCORED},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Điểm tiêu chí 2.2 vừa được" in text and "hãy xem lại trước khi lưu." in text
    response = client.post(url, {"pass_no": "1", "points": "1", "updated_at": workflow.NOT_SCORED}, follow=True)
    assert "Điểm tiêu chí 2.2 vừa được" in response.content.decode()
    assert NodeScore.objects.get(scorecard=sc, node=target).appraised_points_1 == Decimal("0.50")
    assert NodeScore.objects.filter(scorecard=sc, node=target).count() == 1
    # A form posted with a garbled version is refused the same way, not a server error.
    text = client.post(url, {"pass_no": "1", "points": "1", "updated_at": "hôm qua"}, HTTP_HX_REQUEST="true")
    assert text.status_code == 200 and "hãy tải lại trang" in text.content.decode()


# --- publication and results ---------------------------------------------------------------------------


def test_after_publication_results_are_public_and_nothing_changes(client, round_):
    for code, who in [(BINH_GIANG, "canbo.binhgiang"), (PHU_LY, "canbo.phuly")]:
        fill_all(round_, code, who)
    advance(round_, RoundStatus.APPRAISAL_1)
    login(client, "dieuphoi")
    response = client.post(reverse("scoring:round_publish", args=[round_.pk]), {"decision": "350/QĐ-UBND ngày 20/02/2026"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    login(client, "canbo.phuly")
    page = client.get(reverse("scoring:results", args=[round_.pk])).content.decode()
    assert "Bảng xếp hạng" in page and "Bình Giang" in page and "Chỉ số trung bình" in page
    assert client.get(reverse("scoring:scorecard", args=[card(round_).pk])).status_code == 200
    assert client.post(save_url(round_, "2.3"), {"in_points": "0"}).status_code == 403
    for fmt in ("docx", "xlsx"):
        response = client.get(reverse("scoring:annex", args=[round_.pk, fmt]))
        assert response.status_code == 200 and response.content[:2] == b"PK"
    login(client, "canbo.binhgiang")
    text = client.post(save_url(round_, "2.3"), {"in_points": "0"}, follow=True).content.decode()
    assert "đã được công bố theo 350/QĐ-UBND" in text
    assert self_points(round_, "2.3") == Decimal("1.00")


def test_set_pages_show_the_tree_and_the_rules_in_words(client):
    cset = make_set()
    login(client, "canbo.binhgiang")
    assert reverse("scoring:set_detail", args=[cset.pk]) in client.get(reverse("scoring:set_list")).content.decode()
    page = client.get(reverse("scoring:set_detail", args=[cset.pk])).content.decode()
    assert "b/a × 1,50 điểm; dưới 80 % → 0." in page
    assert "tỷ lệ b/a từ 100 % → 2,00; tỷ lệ b/a từ 90 % → 1,00; thấp hơn → 0,00." in page
    assert "HĐTĐ trừ 50% điểm đạt được (có thể miễn trừ)" in page
    assert "Sao chép sang năm mới" not in page  # read-only for units
    login(client, "dieuphoi")
    response = client.get(reverse("scoring:set_export", args=[cset.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    response = client.post(reverse("scoring:set_copy", args=[cset.pk]), {"year": "2026"}, follow=True)
    assert "Đã sao chép sang năm 2026" in response.content.decode()


def test_opening_a_round_over_http(client):
    cset = make_set()
    login(client, "dieuphoi")
    response = client.post(reverse("scoring:round_open"), {
        "criteria_set": cset.pk, "title": "Chỉ số CCHC cấp xã năm 2025", "self_deadline": "15/12/2025",
        "appraisal_1_deadline": "20/12/2025", "appraisal_2_deadline": "31/12/2025", "excluded": "2.4",
    }, follow=True)
    text = response.content.decode()
    n = Unit.objects.filter(kind__in=["commune", "ward"], valid_to__isnull=True).count()
    assert f"Đã mở kỳ đánh giá với {n} đơn vị" in text
    assert "2.4 Tuyển dụng công chức" in text


def results_queries(client, n_units: int) -> int:
    cset = make_set(slug=f"2025-xa-{n_units}")
    units = list(Unit.objects.filter(kind__in=["commune", "ward"]).order_by("pk")[:n_units])
    round_ = workflow.open_round(criteria_set=cset, units=units, by=user("dieuphoi"),
                                 self_deadline=days(5), appraisal_1_deadline=days(6), appraisal_2_deadline=days(7))
    rows = [{"unit": u.code, "node": "2.2", "points": str(i % 3 * 0.5), "reason": ""} for i, u in enumerate(units)]
    advance(round_, RoundStatus.APPRAISAL_1)
    assert workflow.apply_appraisal_pass(round_=round_, pass_no=1, rows=rows, by=user("dieuphoi")).ok
    workflow.compute(round_=round_, by=user("dieuphoi"))
    login(client, "dieuphoi")
    return count_queries(client, reverse("scoring:results", args=[round_.pk]))


def test_the_ranking_page_costs_the_same_queries_for_3_or_100_units(client):
    assert results_queries(client, 3) == results_queries(client, 100)


def test_the_round_page_costs_the_same_queries_whatever_its_size(client, round_):
    login(client, "dieuphoi")
    small = count_queries(client, reverse("scoring:round_detail", args=[round_.pk]))
    big = workflow.open_round(criteria_set=round_.criteria_set, units=list(Unit.objects.filter(kind="commune")[:60]),
                              by=user("dieuphoi"))
    assert count_queries(client, reverse("scoring:round_detail", args=[big.pk])) == small


def test_the_scorecard_page_costs_the_same_queries_filled_or_empty(client, round_):
    login(client, "canbo.binhgiang")
    url = reverse("scoring:scorecard", args=[card(round_).pk])
    empty = count_queries(client, url)
    fill_all(round_)
    assert count_queries(client, url) == empty


def test_the_coordinators_dashboard_costs_the_same_queries_for_one_or_three_rounds(client, round_):
    login(client, "dieuphoi")
    one = count_queries(client, reverse("scoring:index"))
    open_test_round(make_set(slug="2025-xa-hai"))
    open_test_round(make_set(slug="2025-xa-ba"))
    assert count_queries(client, reverse("scoring:index")) == one
    page = client.get(reverse("scoring:index")).content.decode()
    assert page.count("0/2</td>") == 3  # nothing submitted yet in any of the three rounds


def test_the_round_page_lists_only_the_scorecards_each_person_may_open(client, round_):
    workflow.assign_appraiser(round_=round_, user=user("canbo.stp"), areas=[node(round_, "1")], by=user("dieuphoi"))
    bg = reverse("scoring:scorecard", args=[card(round_).pk])
    pl = reverse("scoring:scorecard", args=[card(round_, PHU_LY).pk])
    login(client, "canbo.binhgiang")
    page = client.get(reverse("scoring:round_detail", args=[round_.pk])).content.decode()
    assert bg in page and pl not in page and "Phân công thẩm định" not in page
    login(client, "canbo.stp")  # an appraiser sees every unit of the round
    page = client.get(reverse("scoring:round_detail", args=[round_.pk])).content.decode()
    assert bg in page and pl in page and "Nhập điểm thẩm định cả đợt" in page
    login(client, "bientap")  # neither a unit of the round nor an appraiser
    assert client.get(reverse("scoring:round_detail", args=[round_.pk])).status_code == 404
