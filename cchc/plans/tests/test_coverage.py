"""Coverage of a parent plan by a child plan, on the seed plans.

Every expectation below comes from reading the documents side by side; the comment next to it says
where the child says the parent's item (or that it says it nowhere). Items a reader cannot decide
from the words, or decides otherwise than the method, are listed as such and not asserted.
"""

from pathlib import Path

import pytest

from cchc.lib.text import fold
from cchc.orgs.models import Unit
from cchc.plans import services
from cchc.plans.coverage import THRESHOLD, compare_items, parsed_coverage, plan_coverage
from cchc.plans.reader import ParsedPlan

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"


def parse(name: str, context: str):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return services.plan_parse(path.read_bytes(), path.name, context=Unit.objects.get(code=context))


@pytest.fixture(scope="module")
def seeds(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # 001: the province's communication plan for 2026 (topics a–k, channels a–f).
        # 000: Sở Nội vụ's plan for H2 2025; 002: xã Bình Giang's, an OCR scan without diacritics.
        # Both derive from the province's H2-2025 plan 21/KH-UBND, which has 001's structure.
        return {"000": parse("000", "37.SNV"), "001": parse("001", "37"), "002": parse("002", "13531")}


def covered(rows) -> list[str]:
    return [r.code for r in rows if r.covered]


def omitted(rows) -> list[str]:
    return [r.code for r in rows if not r.covered]


# --- seed 000 (Sở Nội vụ) against seed 001 ------------------------------------------------------


def test_000_topics(seeds):
    rows = parsed_coverage(seeds["001"], seeds["000"]).topics
    # a: 000 II.1.a) is 001's a) without "các chương trình, kế hoạch CCHC của Trung ương và tỉnh".
    # b: 000 II.1.b) word for word.
    # c: 000 II.1.c), second dash ("đổi mới, sắp xếp, kiện toàn hệ thống tổ chức…") and fifth dash
    #    ("phân cấp, phân quyền theo văn bản số 48/CV-BCĐTKNQ18…").
    # d: 000 II.1.c), fourth dash: "Kết quả cải cách chế độ công vụ; … quản lý, tuyển dụng, sử dụng,
    #    khen thưởng, kỷ luật…" is d)'s second half word for word (d's "đạo đức công vụ" only in 000 I.2.d).
    # đ: 000 II.1.c), third dash: TTHC, Trung tâm Phục vụ hành chính công, QĐ 1588, NĐ 118, QĐ 539.
    # e: 000 II.1.c), sixth dash, word for word (tự chủ biên chế và kinh phí).
    # f: 000 II.1.c), seventh dash: chuyển đổi số, Chính phủ số, dữ liệu dân cư, định danh và xác thực.
    # h: 000 II.1.c), last dash: PAR INDEX, SIPAS, PCI, PAPI, DTI.
    # i: 000 II.1.e): "sáng kiến kinh nghiệm, mô hình mới, cách làm hay…; các tấm gương…".
    # k: 000 II.1.h) word for word.
    assert covered(rows) == ["a", "b", "c", "d", "đ", "e", "f", "h", "i", "k"]
    # g: the 2026 key targets (Kế hoạch 148/KH-UBND) and the slogan "lấy người dân, doanh nghiệp làm
    #    trung tâm": 000 has neither. Its nearest, c)'s "tiến độ thực hiện … Kế hoạch số 08/KH-UBND",
    #    is the progress of the province's CCHC plan, not its targets.
    assert omitted(rows) == ["g"]
    assert next(r for r in rows if r.code == "g").score < 0.3


def test_000_channels(seeds):
    rows = parsed_coverage(seeds["001"], seeds["000"]).channels
    # 000 II.2 is one sentence: "Tuyên truyền thông qua Cổng thông tin điện tử của cơ quan; các lớp
    # tập huấn, bồi dưỡng; các buổi họp giao ban, các buổi sinh hoạt đoàn thể, sinh hoạt chi bộ...".
    # a: its "Cổng thông tin điện tử của cơ quan" is one of a)'s means ("… Trang thông tin điện tử của
    #    các cơ quan").
    # c: "các lớp tập huấn, bồi dưỡng" opens c).
    # đ: 000 III.3 "Lồng ghép tuyên truyền CCHC … thông qua các buổi họp giao ban, các buổi sinh hoạt"
    #    is đ) (lồng ghép … trong các hội nghị, cuộc họp, sinh hoạt chuyên đề).
    # f: a catch-all ("các hình thức khác phù hợp với đối tượng, nhóm đối tượng"); 000 I.1.b) "Xác định
    #    cụ thể nội dung, hình thức … phù hợp với từng nhóm đối tượng" says as much. The weakest call
    #    of the four, but a reader would not count a catch-all as omitted by a plan that says that.
    assert covered(rows) == ["a", "c", "đ", "f"]
    # b: no pano, băng rôn or áp phích anywhere in 000.
    # d: no tài liệu, infographic, video or chuyên mục (000 V.1 posts documents on the Sở's website:
    #    that is channel a).
    # e: no cuộc thi, hội thảo/tọa đàm or sân khấu hóa.
    assert omitted(rows) == ["b", "d", "e"]


def test_000_tasks(seeds):
    rows = parsed_coverage(seeds["001"], seeds["000"]).tasks
    # Sở Nội vụ is one of "Các sở, ban, ngành thuộc tỉnh" (001 IV.2.a, tasks 1.1–1.5) and has its own
    # duties (IV.2.b, tasks 2.1–2.5); no other duty of 001 names it as lead.
    assert [r.code for r in rows] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5"]
    result = {r.code: r.covered for r in rows}
    # 1.2: 000 III.3 "Lồng ghép tuyên truyền CCHC với … phổ biến giáo dục pháp luật" is its second
    #      sentence, III.2 (information to the mass media on CCHC results) its first.
    # 1.4: 000 V.1: Văn phòng Sở is the focal point that guides, checks and "Tổng hợp báo cáo kết quả
    #      công tác tuyên truyền cải cách hành chính của Sở".
    # 1.5: the same V.1 report.
    assert all(result[code] for code in ("1.2", "1.4", "1.5"))
    # 2.1: pano, băng rôn, tờ rơi across the province; 2.2: the Cuộc thi tìm hiểu; 2.4: checking the
    # communication work together with the CCHC inspections (000 V.1 checks its own content only);
    # 2.5: the scientific seminar on the CCHC index (its score comes from the Ban Chỉ đạo's name,
    # "… khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số", which 000 II.1.c) also has).
    assert not any(result[code] for code in ("2.1", "2.2", "2.4", "2.5"))
    # Not asserted:
    # 1.1 (build and fund the unit's own plan): 000 is that plan (for H2 2025, 001 asks for 2026);
    #     nothing in its words says so, the method gives "omitted".
    # 1.3 (work with Báo và Phát thanh, Truyền hình and the mass media): 000 III.2 supplies the mass
    #     media with information, which a reader counts; the two share only "đại chúng": "omitted".
    # 2.3 (guide and check every agency's plan, compile their reports): 000 compiles only the Sở's
    #     own report; the method counts that sentence ("covered"), a reader would call it partial.


# --- seed 002 (xã Bình Giang, OCR without diacritics) against seed 001 --------------------------


def test_002_topics(seeds):
    rows = parsed_coverage(seeds["001"], seeds["002"]).topics
    # 002 copies 21/KH-UBND's list as 000 does, under the letters a b c d e g h (its d is 000's đ).
    # a: 002 a); b: b) word for word; c: c)'s dashes on tổ chức bộ máy and phân cấp, phân quyền (48/CV);
    # d: c)'s "Két qua cai cach ché do cong vu" dash; đ: c)'s TTHC dash (Trung tâm Phục vụ hành chính
    # công cấp xã, 1588, 118, 539); e: c)'s tự chủ dash; f: c)'s chuyển đổi số dash (dữ liệu dân cư,
    # định danh và xác thực điện tử); h: c)'s Chỉ số dash (PAR INDEX, SIPAS, DTI); i: e) (sáng kiến
    # kinh nghiệm, mô hình mới, cách làm hay); k: h) word for word.
    assert covered(rows) == ["a", "b", "c", "d", "đ", "e", "f", "h", "i", "k"]
    # g: as for 000: neither the 2026 key targets nor the slogan.
    assert omitted(rows) == ["g"]


def test_002_channels(seeds):
    rows = parsed_coverage(seeds["001"], seeds["002"]).channels
    # a: 002 II.2.a) "co quan bao chi … Dai truyen thanh xa; Trang thong tin dien tu cua xa; mang xa hoi".
    # b: 002 b) "… pa nô áp phích, khẩu hiệu" (OCR "pa nd ap phich").
    # c: 002 c) word for word (lớp tập huấn, họp thôn, tổ dân phố, hội nghị).
    # d: 002 d) "phóng sự, video clip, chuyên mục về CCHC trên các phương tiện thông tin, truyền thông",
    #    and Phòng Văn hóa – Xã hội publishes "tài liệu, ấn phẩm, video".
    # đ: 002 III.3 "Thường xuyên lồng ghép … vào các cuộc giao ban định kỳ".
    # e: asks for at least one of cuộc thi, hội thảo/tọa đàm, sân khấu hóa: 002 b) has "sân khấu hóa".
    # f: 002's last item (OCR "d)") is f) word for word.
    assert covered(rows) == ["a", "b", "c", "d", "đ", "e", "f"]


def test_002_tasks(seeds):
    rows = parsed_coverage(seeds["001"], seeds["002"]).tasks
    # The commune is one of "Ủy ban nhân dân các xã, phường" (001 IV.2.a): tasks 1.1–1.5, nothing else.
    assert [r.code for r in rows] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    result = {r.code: r for r in rows}
    # 1.1, 1.2: 002 IV.2.a), first and second dashes, the same sentences (OCR, its own period).
    # 1.3: its third dash keeps the duty and names the commune's Phòng Văn hóa – Xã hội (which runs the
    #      commune radio) instead of the provincial broadcaster; a near copy, adapted to the commune.
    # 1.5: its fourth dash "Định kỳ tổng hợp báo cáo UBND xã (qua Phòng Văn hóa – Xã hội) …", and the
    #      Phòng's "Định kỳ hàng quý và năm tổng hợp báo cáo".
    assert all(result[code].covered for code in ("1.1", "1.2", "1.3", "1.5"))
    # The OCR text without diacritics is read with them restored.
    assert result["1.1"].match.startswith("Xây dựng và triển khai thực hiện Kế hoạch")
    # Not asserted: 1.4 (assign staff to follow, guide and report). A reader finds it in Phòng Văn hóa
    # – Xã hội's duty ("hướng dẫn, theo dõi, đôn đốc, kiểm tra …; tổng hợp báo cáo"); the words
    # "bố trí cán bộ, công chức" are not there and OCR garbles the rest: the method gives "omitted".


# --- where the match is, and the bounds ---------------------------------------------------------


def test_matches_point_at_the_child_text(seeds):
    by_code = {r.code: r for r in parsed_coverage(seeds["001"], seeds["000"]).channels}
    assert by_code["a"].match == "Tuyên truyền thông qua Cổng thông tin điện tử của cơ quan"
    assert by_code["c"].match == "các lớp tập huấn, bồi dưỡng"
    assert by_code["b"].match == "" and by_code["b"].score < THRESHOLD
    topics = {r.code: r for r in parsed_coverage(seeds["001"], seeds["002"]).topics}
    assert topics["i"].match.startswith("Các sáng kiến kinh nghị")
    assert fold(topics["d"].match).startswith("ket qua cai cach che do cong vu")


def test_the_parent_itself_covers_everything(seeds):
    snv = Unit.objects.get(code="37.SNV")
    coverage = parsed_coverage(seeds["001"], seeds["001"], unit=snv)
    assert len(coverage.topics) == 11 and len(coverage.channels) == 7 and len(coverage.tasks) == 10
    assert coverage.ratio == 1.0 and coverage.omitted == []
    assert all(r.match == r.text for r in coverage.topics)
    assert parsed_coverage(seeds["002"], seeds["002"]).ratio == 1.0  # OCR text against itself


def test_an_empty_child_covers_nothing(seeds):
    coverage = parsed_coverage(seeds["001"], ParsedPlan(), unit=Unit.objects.get(code="37.SNV"))
    assert coverage.ratio == 0.0
    assert coverage.omitted == coverage.rows and len(coverage.rows) == 28
    assert {(r.match, r.score) for r in coverage.rows} == {("", 0.0)}


def test_compare_items_reads_meaning_not_wording():
    parent = [
        ("b", "Treo pano, băng rôn, áp phích tại trụ sở cơ quan hành chính, nơi công cộng."),
        ("c", "Thông qua hình thức tổ chức các lớp tập huấn, bồi dưỡng, các buổi họp thôn, tổ dân phố."),
        ("e", "Tổ chức Cuộc thi tìm hiểu về cải cách hành chính; Hội thảo/Tọa đàm về cải cách hành chính."),
    ]
    child = [
        "Treo băng rôn tuyên truyền tại trụ sở UBND xã.",  # one of b's means, at another place
        "To chirc cac 1op tap hyan cho can bo, cong chirc",  # c, shorter and OCR-garbled
        "Tham mưu tổ chức hội nghị sơ kết công tác cải cách hành chính.",  # no contest, no seminar
    ]
    rows = compare_items(parent, child, kind="channel")
    assert [(r.code, r.covered) for r in rows] == [("b", True), ("c", True), ("e", False)]
    assert rows[0].match == child[0] and rows[1].match == child[1]
    assert compare_items(parent, [], kind="channel")[0].score == 0.0


# --- saved plans --------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "unit"), [("002", "13531"), ("000", "37.SNV")])
def test_saved_plans_give_the_same_rows(seeds, name, unit):
    parent = services.plan_save(parsed=seeds["001"], unit=Unit.objects.get(code="37"))
    child = services.plan_save(parsed=seeds[name], unit=Unit.objects.get(code=unit))
    saved = plan_coverage(parent, child)
    # Tasks come from the parent's assignments to the child's unit, the rest from what was saved.
    assert saved.rows == parsed_coverage(seeds["001"], seeds[name]).rows
    group_a = ["1.1", "1.2", "1.3", "1.4", "1.5"]  # "Các sở, ban, ngành …; Ủy ban nhân dân các xã, phường"
    snv_own = ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert [r.code for r in saved.tasks] == (group_a if name == "002" else group_a + snv_own)
