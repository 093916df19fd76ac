"""Results: Part 1 from node scores, surveys, the unit's own maximum, index, rank, rating, summary."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.orgs.models import Unit, UnitKind
from cchc.scoring import criteria, results
from cchc.scoring.models import NodeScore, Round, Scorecard

from .test_criteria import META, rows

pytestmark = pytest.mark.django_db


def make_units(n: int, kind: str = UnitKind.DEPARTMENT, prefix: str = "S") -> list[Unit]:
    province = Unit.objects.get_or_create(code="T.S1R", defaults={"name": "Tỉnh thử kết quả", "kind": UnitKind.PROVINCE})[0]
    return Unit.objects.bulk_create(
        Unit(code=f"T.S1R.{prefix}{i:04d}", name=f"Đơn vị {prefix} {i:04d}", kind=kind, parent=province)
        for i in range(n)
    )


@pytest.fixture
def cset():
    criteria_set, _ = criteria.load_set(META, rows())
    return criteria_set


@pytest.fixture
def round_(cset):
    return Round.objects.create(title="Kỳ thử", year=2025, criteria_set=cset)


def score(card, cset, code, **values):
    return NodeScore.objects.create(scorecard=card, node=cset.nodes.get(code=code), **values)


def test_part1_uses_the_last_appraisal_pass_then_the_self_score(cset, round_):
    """TĐ: "Điểm thẩm định" replaces "Điểm tự đánh giá"; đợt 2 (29–31/12/2025, "Sau khi các sở, ngành,
    địa phương bổ sung tài liệu kiểm chứng") replaces đợt 1."""
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit, survey_points=D("12.231"))
    score(card, cset, "1.1", self_points=D("2.00"), appraised_points_1=D("1.60"), appraised_points_2=D("1.80"))
    score(card, cset, "1.2.1", self_points=D("2.00"), appraised_points_1=D("1.00"))
    score(card, cset, "1.2.2", self_points=D("2.00"))  # appraisal-only, not yet appraised: counts 0
    score(card, cset, "2.1", self_points=D("3.00"))  # not appraised: the self score stands
    score(card, cset, "2.2", self_points=D("0.90"))
    results.compute_scorecard(card)
    card.refresh_from_db()
    assert card.self_points == D("7.90")  # 2 + 2 + (1.2.2 is not self-assessed) + 3 + 0.9
    assert card.appraised_points == card.part1_points == D("6.70")  # 1.8 + 1.0 + 0 + 3 + 0.9
    assert card.max_points == D("10.00")
    assert (card.points, card.maximum) == (D("18.931"), D("25.00"))  # no SIPAS: 10 + 15
    assert card.index == D("75.7240000000")
    assert card.rating == "Khá"
    assert card.rank is None  # ranks come from compute_round


def test_not_applicable_and_round_exclusions_leave_the_maximum(cset, round_):
    """SN 1.7: "Không đánh giá, tính điểm nội dung này vào tổng điểm"; communes 2025: "không đánh giá
    … tiêu chí về thực hiện tuyển dụng công chức (giảm 1,0 điểm)" (TĐ p.2 fn 4)."""
    round_.excluded_nodes.set([cset.nodes.get(code="2.2")])
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit, survey_points=D("10"))
    score(card, cset, "1.1", self_points=D("2.00"))
    score(card, cset, "2.1", applicable=False, self_points=D("3.00"))
    score(card, cset, "2.2", self_points=D("1.00"))  # excluded for the round: ignored
    results.compute_scorecard(card)
    assert card.max_points == D("6.00")  # 10 − 3 (N/A) − 1 (excluded)
    assert (card.part1_points, card.points, card.maximum) == (D("2.00"), D("12.00"), D("21.00"))


def test_a_parent_left_out_takes_its_whole_subtree(cset, round_):
    round_.excluded_nodes.set([cset.nodes.get(code="1.2"), cset.nodes.get(code="1.2.1")])
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit)
    score(card, cset, "1.2.1", self_points=D("2.00"))
    results.compute_scorecard(card)
    assert card.max_points == D("6.00")
    # Totals-only cards get the same maximum from the exclusions (1.2 counted once).
    totals = Scorecard(round=round_, unit=unit, totals_only=True, appraised_points=D("5"))
    results.compute_scorecard(totals, save=False)
    assert totals.maximum == D("21.00")


def test_deductions_apply_to_the_appraised_points_unless_waived(cset, round_):
    """SN 6.2.2: "HĐTĐ xem xét TRỪ 50% điểm đạt được của Tiêu chí thành phần này"."""
    a, b = make_units(2)
    card = Scorecard.objects.create(round=round_, unit=a)
    score(card, cset, "2.1", self_points=D("3.00"), appraised_points_1=D("2.50"), deduction_applied=True)
    waived = Scorecard.objects.create(round=round_, unit=b)
    score(waived, cset, "2.1", self_points=D("3.00"), appraised_points_1=D("2.50"), deduction_applied=True,
          deduction_waived=True)
    assert results.compute_scorecard(card).part1_points == D("1.25")
    assert results.compute_scorecard(waived).part1_points == D("2.50")


def test_children_are_summed_and_capped():
    """12094 3.3.1: "CỘNG THÊM" sub-items never push a criterion above its maximum; 1187 3.1 prints three
    0.5 items under a 1.00 criterion — loaded as printed (with a warning), scored with the cap."""
    extra = rows()
    extra.insert(5, {"code": "1.2.3", "title": "Cộng thêm", "max_points": "0.50", "source": "self",
                     "rule": '{"type": "choice", "options": [["Có", 0.5], ["Không", 0]]}'})
    criteria_set, loaded = criteria.load_set({**META, "slug": "2025-cap"}, extra)
    assert [w.code for w in loaded.warnings] == ["1.2"]
    round_ = Round.objects.create(title="Kỳ cộng thêm", year=2025, criteria_set=criteria_set)
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit)
    score(card, criteria_set, "1.1", self_points=D("2.00"))
    score(card, criteria_set, "1.2.1", self_points=D("2.00"))
    score(card, criteria_set, "1.2.2", appraised_points_1=D("2.00"))
    score(card, criteria_set, "1.2.3", self_points=D("0.50"))
    score(card, criteria_set, "2.1", self_points=D("9.00"))  # a corrupt figure above 2.1's 3.00: held at 3.00
    results.compute_scorecard(card)
    assert card.max_points == D("10.00")
    assert card.part1_points == D("9.00")  # 2 + min(4, 4.5) + 3


@pytest.mark.parametrize(
    ("rate", "forms", "counted"),
    [(D("12.5"), 120, True), (D("10"), 50, True), (D("9.99"), 400, False), (D("35"), 49, False), (None, None, True)],
)
def test_sipas_counts_only_above_the_minimum_rate_and_forms(cset, round_, rate, forms, counted):
    """TĐ p.30–31: SIPAS counts where the unit reached "tỷ lệ khảo sát tối thiểu (10%) và số lượng
    phiếu khảo sát tối thiểu (50 phiếu)"; otherwise "Không đánh giá Chỉ số SIPAS trong năm 2025"."""
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit, totals_only=True, appraised_points=D("8"),
                                    max_points=D("10"), survey_points=D("12"), sipas_points=D("8.68"),
                                    sipas_rate=rate, sipas_forms=forms)
    results.compute_scorecard(card)
    assert card.maximum == (D("35") if counted else D("25"))
    assert card.points == (D("28.68") if counted else D("20"))


def test_totals_only_reproduces_the_printed_examples():
    """PAR_INDEX.md §2: "VP UBND 62,48 + 12,231 + 8,68 = 83,39 / 97 = 85,97%; Sở Tư pháp (no SIPAS)
    70,50 + 12,281 = 82,78 / 89 = 93,01%"."""
    criteria_set, _ = criteria.load_set({**META, "slug": "2025-75", "part1_max": "75"},
                                        _scaled_rows())
    round_ = Round.objects.create(title="Kỳ 2025", year=2025, criteria_set=criteria_set)
    vp, tp = make_units(2)
    a = Scorecard.objects.create(round=round_, unit=vp, totals_only=True, max_points=D("72"), self_points=D("70"),
                                 appraised_points=D("62.48"), survey_points=D("12.231"), sipas_points=D("8.68"))
    b = Scorecard.objects.create(round=round_, unit=tp, totals_only=True, max_points=D("74"), self_points=D("70.52"),
                                 appraised_points=D("70.50"), survey_points=D("12.281"))
    results.compute_round(round_)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.points, a.maximum, round(a.index, 2)) == (D("83.391"), D("97.00"), D("85.97"))
    assert (b.points, b.maximum, round(b.index, 2)) == (D("82.781"), D("89.00"), D("93.01"))
    assert (b.rank, a.rank) == (1, 2)
    assert a.rating == b.rating == "Tốt"


def _scaled_rows():
    """MINI scaled to 75 points (area 1 gets 65 more on 1.1)."""
    out = rows()
    out[0] = {**out[0], "max_points": "71.00"}
    out[1] = {**out[1], "max_points": "67.00"}
    return out


def test_ranks_share_on_equal_indices_and_skip_the_next(cset, round_):
    """QĐ-CB Phụ lục II: "79 | UBND xã Liên Hương | 99,00 | 71,69 | 72,41%", "79 | UBND xã Nam Hà Lâm Hà |
    99,00 | 71,69 | 72,41%", "81 | UBND xã Tuy Đức". Near ties are kept apart: "79,885%" vs "79,882%"."""
    units = make_units(6)
    data = [  # appraised part 1 of 10, survey of 15, no SIPAS → maximum 25
        ("a", D("9.00"), D("12.000"), True),
        ("b", D("8.00"), D("11.000"), True),  # 19/25 = 76 %
        ("c", D("8.00"), D("11.000"), True),  # tie with b
        ("d", D("8.00"), D("10.999"), True),  # a hair below: its own rank
        ("e", D("10.00"), D("15.000"), False),  # rated but not ranked ("TT")
        ("f", D("3.00"), D("4.000"), True),
    ]
    cards = {}
    for unit, (key, part1, survey, ranked) in zip(units, data, strict=True):
        cards[key] = Scorecard.objects.create(round=round_, unit=unit, totals_only=True, appraised_points=part1,
                                              max_points=D("10"), survey_points=survey, ranked=ranked)
    results.compute_round(round_)
    got = {k: Scorecard.objects.get(pk=c.pk) for k, c in cards.items()}
    assert {k: c.rank for k, c in got.items()} == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None, "f": 5}
    assert got["d"].index < got["b"].index
    assert {k: c.rating for k, c in got.items()} == {
        "a": "Tốt", "b": "Khá", "c": "Khá", "d": "Khá", "e": "Tốt", "f": "Kém"}
    rows_ = results.ranking_rows(round_)
    assert [r.rank for r in rows_] == [1, 2, 2, 4, 5, None]
    assert rows_[-1].name == got["e"].unit.name and not rows_[-1].ranked
    summary = results.round_summary(round_)
    assert summary["count"] == 5 and summary["highest"] == D("84") and summary["lowest"] == D("28")
    assert summary["mean"] == (D("84") + D("76") * 2 + got["d"].index + D("28")) / 5
    assert results.round_summary(round_, ranked_only=False)["highest"] == D("100")


@pytest.mark.parametrize(("points", "rating"), [
    ("20.000", "Tốt"), ("19.999", "Khá"), ("16.250", "Khá"), ("16.249", "Trung bình"), ("12.500", "Trung bình"),
    ("12.499", "Kém"), ("0", "Kém"),
])
def test_ratings_follow_the_bands_on_the_unrounded_index(cset, round_, points, rating):
    """TĐ p.3: "Tốt ≥80%; Khá 65% đến <80%; Trung bình 50% đến <65%; Kém <50%"."""
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit, totals_only=True, appraised_points=D(points),
                                    max_points=D("10"), survey_points=D("0"))
    results.compute_scorecard(card)
    assert card.rating == rating


def test_a_card_without_any_part1_figure_has_no_result(cset, round_):
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit, totals_only=True)
    results.compute_round(round_)
    card.refresh_from_db()
    assert (card.points, card.index, card.rank, card.rating) == (None, None, None, "")
    assert results.ranking_rows(round_) == []
    assert results.round_summary(round_)["count"] == 0


def _fill(round_, cset, units):
    nodes = list(cset.nodes.filter(rule__isnull=False).exclude(rule={}))
    cards = Scorecard.objects.bulk_create(Scorecard(round=round_, unit=u, survey_points=D("10")) for u in units)
    NodeScore.objects.bulk_create(
        NodeScore(scorecard=c, node=n, self_points=n.max_points, appraised_points_1=n.max_points - D("0.5") * (i % 2))
        for i, c in enumerate(cards) for n in nodes
    )


def test_computing_a_round_costs_the_same_queries_for_more_units(cset, round_):
    _fill(round_, cset, make_units(10, prefix="A"))
    with CaptureQueriesContext(connection) as small:
        results.compute_round(round_)
    _fill(round_, cset, make_units(60, prefix="B"))
    with CaptureQueriesContext(connection) as large:
        cards = results.compute_round(round_)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 10
    assert sorted({c.rank for c in cards}) == [1, 36]
    with CaptureQueriesContext(connection) as reading:
        results.ranking_rows(round_)
    assert len(reading.captured_queries) <= 2


def test_a_deduction_on_a_subtotal_takes_its_share_of_the_children(cset, round_):
    """1187 6.2.2 (version 1): the 10 % deduction sits on a criterion whose score is the sum of its
    components ("trừ 10% điểm đạt được")."""
    cset.nodes.filter(code="1.2").update(deduction={"share": 0.1, "label": "trừ 10% điểm đạt được", "waivable": True})
    (unit,) = make_units(1)
    card = Scorecard.objects.create(round=round_, unit=unit)
    score(card, cset, "1.2.1", self_points=D("2.00"), appraised_points_1=D("2.00"))
    score(card, cset, "1.2.2", self_points=D("2.00"), appraised_points_1=D("1.00"))
    parent = score(card, cset, "1.2", deduction_applied=True)
    assert results.compute_scorecard(card).part1_points == D("2.70")  # (2 + 1) − 10 %
    parent.deduction_waived = True
    parent.save()
    assert results.compute_scorecard(card).part1_points == D("3.00")
