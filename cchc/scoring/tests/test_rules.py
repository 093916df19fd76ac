"""The rule engine on the real examples each rule type comes from (PAR_INDEX.md §2).

Quotes are from the documents in /work/shared/realdocs/scoring: 1187 = QĐ 1187/QĐ-BNV Bảng 2;
12094 = CV 12094/BNV-CCHC; SN/CX = Lâm Đồng's criteria for departments/communes (CV 2775/SNV);
TỰĐG = the province's self-assessment report. No database needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from cchc.scoring.rules import (
    apply_deduction,
    check_not_applicable,
    check_points,
    format_points,
    input_fields,
    node_points,
    parse_number,
    rule_errors,
    sum_children,
    validate_inputs,
)


@dataclass
class N:
    code: str
    max_points: D
    rule: dict = field(default_factory=dict)
    deduction: dict = field(default_factory=dict)
    na_allowed: bool = False


def messages(exc_info) -> str:
    return " | ".join(exc_info.value.messages)


# ------------------------------------------------------------------------------------------------
# Vietnamese numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("193.457", D("193457")),
        ("195.197", D("195197")),
        ("17.715.000", D("17715000")),
        ("82,78", D("82.78")),
        ("1.234,5", D("1234.5")),
        ("99,1%", D("99.1")),
        ("99,1 %", D("99.1")),
        ("1.50", D("1.50")),
        ("0.8", D("0.8")),
        ("0.800", D("0.800")),
        ("1,234.5", D("1234.5")),
        ("12", D("12")),
        (" 7 ", D("7")),
        ("-3", D("-3")),
        (5, D(5)),
        (0.5, D("0.5")),
    ],
)
def test_it_parses_numbers_written_the_vietnamese_way(text, expected):
    """TỰĐG 3.4.1: "Cấp tỉnh có 193.457/195.197 hồ sơ giải quyết đúng hạn, đạt tỷ lệ 99,1%";
    TĐ: Sở Tư pháp "82,78/89,00"; BNV prints points with a dot ("1.50")."""
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12,3,4", "1..2", "1,2.3", "--1", "1e5", "½", "1.23.456"])
def test_it_refuses_garbage_with_a_vietnamese_message(text):
    with pytest.raises(ValidationError) as e:
        parse_number(text, label="Tổng số (a)")
    assert "không phải là số hợp lệ" in messages(e)
    assert "Tổng số (a)" in messages(e)


def test_it_asks_for_a_missing_number():
    with pytest.raises(ValidationError) as e:
        parse_number("  ", label="Số đạt (b)")
    assert messages(e) == "Chưa nhập Số đạt (b)."


def test_points_are_printed_with_a_decimal_comma():
    assert format_points(D("82.78")) == "82,78"
    assert format_points(D("12.2305"), 3) == "12,231"
    assert format_points(D("1234.5")) == "1.234,50"


# ------------------------------------------------------------------------------------------------
# ratio


RATIO_1187_1_1 = N("1.1", D("1.50"), {"type": "ratio", "floor": 0.8})


def test_ratio_with_a_zero_floor_1187_1_1():
    """1187 1.1 (max 1.50): "Tính điểm theo công thức: (b/a)*điểm tối đa … Nếu tỷ lệ b/a <0.8 thì
    điểm đánh giá là 0"."""
    assert node_points(RATIO_1187_1_1, {"a": "10", "b": "9"}) == D("1.35")
    assert node_points(RATIO_1187_1_1, {"a": "10", "b": "8"}) == D("1.20")  # 0.8 is not below the floor
    assert node_points(RATIO_1187_1_1, {"a": "1000", "b": "799"}) == D("0")
    assert node_points(RATIO_1187_1_1, {"a": "10", "b": "10"}) == D("1.50")


def test_ratio_refuses_b_greater_than_a_and_a_zero():
    """TỰĐG 7.4.7 printed "552.693/513.672 hồ sơ (đạt 92,94%)": a numerator above the denominator
    must be refused, not scored."""
    with pytest.raises(ValidationError) as e:
        node_points(RATIO_1187_1_1, {"a": "513.672", "b": "552.693"})
    assert "b không được lớn hơn a (552.693 > 513.672)" in messages(e)
    assert e.value.message_dict.keys() == {"b"}
    with pytest.raises(ValidationError) as e:
        node_points(RATIO_1187_1_1, {"a": "0", "b": "0"})
    assert "Tổng số (a) phải lớn hơn 0." in messages(e)
    with pytest.raises(ValidationError) as e:
        node_points(RATIO_1187_1_1, {"a": "10", "b": "-1"})
    assert "không được âm" in messages(e)
    with pytest.raises(ValidationError) as e:
        node_points(RATIO_1187_1_1, {"a": "mười", "b": "9"})
    assert "«mười» không phải là số hợp lệ" in messages(e)


def test_ratio_floor_0_9_sn_7_3_4():
    """SN 7.3.4 (1,0): "(b/a) * điểm tối đa … (Nếu b/a < 0,9 thì điểm đánh giá là 0)"."""
    node = N("7.3.4", D("1.0"), {"type": "ratio", "floor": 0.9})
    assert node_points(node, {"a": "200", "b": "180"}) == D("0.90")
    assert node_points(node, {"a": "200", "b": "179"}) == D("0")


def test_ratio_floor_0_7_cx_7_3_6():
    """CX 7.3.6 (3,0): "(b/a) * điểm tối đa" with a 0,7 floor (PAR_INDEX.md §2)."""
    node = N("7.3.6", D("3.0"), {"type": "ratio", "floor": 0.7})
    assert node_points(node, {"a": "1.000", "b": "700"}) == D("2.10")
    assert node_points(node, {"a": "1.000", "b": "699"}) == D("0")


def test_ratio_with_a_cap_1187_7_4_6():
    """1187 7.4.6 (1.50): "(b/a)*điểm tối đa … Nếu b/a >=0.7 thì đạt điểm tối đa"."""
    node = N("7.4.6", D("1.50"), {"type": "ratio", "cap": 0.7})
    assert node_points(node, {"a": "100", "b": "70"}) == D("1.50")
    assert node_points(node, {"a": "100", "b": "69"}) == D("1.04")  # 0.69 × 1.50 = 1.035 → 1.04


def test_worked_figures_of_the_self_assessment_report():
    """TỰĐG 3.4.1: "193.457/195.197 hồ sơ giải quyết đúng hạn, đạt tỷ lệ 99,1%" → 1.49 of 1.50
    (1187 3.4.1 "(b/a)* điểm tối đa … b/a <0.95 thì điểm đánh giá là 0"); 6.1.1: "Tổng kế hoạch vốn …
    17.715.000 triệu đồng; số tiền đã giải ngân … 12.721.668 triệu đồng; đạt tỷ lệ 71,8%" → 0.72 of
    1.00 (floor 0.70)."""
    n341 = N("3.4.1", D("1.50"), {"type": "ratio", "floor": 0.95})
    assert node_points(n341, {"a": "195.197", "b": "193.457"}) == D("1.49")
    n611 = N("6.1.1", D("1.00"), {"type": "ratio", "floor": 0.7})
    assert node_points(n611, {"a": "17.715.000", "b": "12.721.668"}) == D("0.72")
    # Entered as the printed percentage on a percent rule, the same 0.72.
    assert node_points(N("6.1.1", D("1.00"), {"type": "percent"}), {"value": "71,8%"}) == D("0.72")


# ------------------------------------------------------------------------------------------------
# weighted


def test_weighted_1187_1_3_2_and_a_zero():
    """1187 1.3.2 (1.00): "(b/a)*1.00 + (c/a)*0.50 … b là số vấn đề đã hoàn thành việc xử lý, c là số
    vấn đề đã xử lý nhưng chưa hoàn thành … Trường hợp a = 0 thì đạt điểm tối đa"."""
    node = N("1.3.2", D("1.00"), {"type": "weighted", "terms": [["b", 1.0], ["c", 0.5]], "zero_a": "full"})
    assert node_points(node, {"a": "10", "b": "6", "c": "4"}) == D("0.80")
    assert node_points(node, {"a": "10", "b": "10", "c": "0"}) == D("1.00")
    assert node_points(node, {"a": "0", "b": "0", "c": "0"}) == D("1.00")
    with pytest.raises(ValidationError) as e:
        node_points(node, {"a": "10", "b": "6", "c": "5"})
    assert "b + c không được lớn hơn a (11 > 10)" in messages(e)


def test_weighted_three_terms_1187_2_3_2():
    """1187 2.3.2 (1.00): "(b1/a)*điểm tối đa *100% + (b2/a)*điểm tối đa *75% + (b3/a)*điểm tối
    đa*25%" (b1 ≤ 30 days, b2 30–90 days, b3 > 90 days); "Trường hợp a = 0 thì đạt điểm tối đa"."""
    node = N("2.3.2", D("1.00"),
             {"type": "weighted", "terms": [["b1", 1.0], ["b2", 0.75], ["b3", 0.25]], "zero_a": "full"})
    assert [f["name"] for f in input_fields(node.rule)] == ["a", "b1", "b2", "b3"]
    assert node_points(node, {"a": "4", "b1": "1", "b2": "2", "b3": "1"}) == D("0.69")  # .25+.375+.0625
    assert node_points(node, {"a": "0", "b1": "0", "b2": "0", "b3": "0"}) == D("1.00")


def test_weighted_with_a_floor_on_the_sum_1187_8_5():
    """1187 8.5 (1.50): "(b/a)*1.50 + (c/a)*1.00 … b là số chỉ tiêu KT-XH vượt so với kế hoạch, c là
    số chỉ tiêu KT-XH đạt … Nếu tỉ lệ (b+c)/a <0.70 thì điểm đánh giá là 0"."""
    node = N("8.5", D("1.50"), {"type": "weighted", "terms": [["b", 1.5], ["c", 1.0]], "floor": 0.7})
    assert node_points(node, {"a": "20", "b": "10", "c": "8"}) == D("1.15")  # 0.75 + 0.40
    assert node_points(node, {"a": "20", "b": "10", "c": "4"}) == D("0.95")  # (b+c)/a = 0.70 holds: 0.75 + 0.20
    assert node_points(node, {"a": "20", "b": "10", "c": "3"}) == D("0")  # 0.65 < 0.70
    with pytest.raises(ValidationError) as e:
        node_points(node, {"a": "0", "b": "0", "c": "0"})  # no zero_a on 8.5
    assert "Tổng số (a) phải lớn hơn 0." in messages(e)


# ------------------------------------------------------------------------------------------------
# percent, change, rank, choice, points


def test_percent_1187_3_2_3():
    """1187 3.2.3: "Tỷ lệ hồ sơ TTHC được đồng bộ, công khai trên Cổng DVC quốc gia: 0.50. Tính điểm
    theo công thức: a* điểm tối đa. Trong đó: a là tỷ lệ % hồ sơ đã đồng bộ, công khai"."""
    node = N("3.2.3", D("0.50"), {"type": "percent"})
    assert node_points(node, {"value": "96,5"}) == D("0.48")
    assert node_points(node, {"value": "100%"}) == D("0.50")
    with pytest.raises(ValidationError) as e:
        node_points(node, {"value": "100,5"})
    assert "tỷ lệ không được lớn hơn 100%" in messages(e)


def test_change_against_the_previous_year_1187_8_3_1():
    """1187 8.3.1 (0.50): "Tăng so với năm trước liền kề: 0.5 / Bằng so với năm trước liền kề: 0.25 /
    Giảm so với năm trước liền kề: 0"."""
    node = N("8.3.1", D("0.50"), {"type": "change", "points": {"up": 0.5, "same": 0.25, "down": 0}})
    assert node_points(node, {"current": "2.318", "previous": "2.200"}) == D("0.50")
    assert node_points(node, {"current": "2.200", "previous": "2.200"}) == D("0.25")
    assert node_points(node, {"current": "2.100", "previous": "2.200"}) == D("0")


def test_rank_bands_1187_8_4():
    """1187 8.4: "Giá trị thu NSNN thuộc nhóm 10 địa phương cao nhất:1 … từ vị trí thứ 11 đến 20 so
    với 34 tỉnh:0.75 … từ vị trí thứ 21 đến 30 so với 34 tỉnh:0.5 … nhóm 04 địa phương thấp nhất cả
    nước: 0.25"."""
    node = N("8.4.b", D("1.00"), {"type": "rank", "bands": [[10, 1.0], [20, 0.75], [30, 0.5], [34, 0.25]]})
    assert [node_points(node, {"rank": r}) for r in ("1", "10", "11", "20", "21", "30", "31", "34")] == [
        D("1.00"), D("1.00"), D("0.75"), D("0.75"), D("0.50"), D("0.50"), D("0.25"), D("0.25")]
    assert node_points(node, {"rank": "35"}) == D("0")
    with pytest.raises(ValidationError) as e:
        node_points(node, {"rank": "0"})
    assert "Thứ hạng phải từ 1 trở lên." in messages(e)
    with pytest.raises(ValidationError) as e:
        node_points(node, {"rank": "2,5"})
    assert "phải là số nguyên" in messages(e)


def test_bands_on_a_percentage_with_exact_edges_sn_3_4_1():
    """SN 3.4.1 (2,0): "Tỷ lệ từ 98% trở lên thì điểm đánh giá là 2. Tỷ lệ từ 95%- dưới 98% thì điểm
    đánh giá là 1. Tỷ lệ dưới 95% thì điểm đánh giá là 0"."""
    node = N("3.4.1", D("2.0"), {"type": "bands", "on": "percent", "bands": [[98, 2.0], [95, 1.0], [0, 0]]})
    assert node_points(node, {"value": "98"}) == D("2.00")
    assert node_points(node, {"value": "97,99"}) == D("1.00")
    assert node_points(node, {"value": "95.0"}) == D("1.00")
    assert node_points(node, {"value": "95,0"}) == D("1.00")
    assert node_points(node, {"value": "94,99"}) == D("0")
    # The same bands on b/a: 193.457/195.197 = 99,1 % → 2.
    ratio = N("3.4.1", D("2.0"), {"type": "bands", "on": "ratio", "bands": [[98, 2.0], [95, 1.0], [0, 0]]})
    assert node_points(ratio, {"a": "195.197", "b": "193.457"}) == D("2.00")
    assert node_points(ratio, {"a": "100", "b": "95"}) == D("1.00")
    with pytest.raises(ValidationError) as e:
        node_points(ratio, {"a": "0", "b": "0"})
    assert "Tổng số (a) phải lớn hơn 0." in messages(e)


def test_bands_on_b_over_a_with_nothing_to_do_sn_3_4_2():
    """SN 3.4.2: "Trường hợp không có hồ sơ TTHC giải quyết trễ hẹn trong năm thì đạt điểm tối đa"."""
    node = N("x", D("1.0"), {"type": "bands", "on": "ratio", "bands": [[100, 1.0], [0, 0]], "zero_a": "full"})
    assert node_points(node, {"a": "0", "b": "0"}) == D("1.00")


def test_bands_on_a_count_sn_1_5():
    """SN 1.5 (3,0): "Có từ 03 sáng kiến hoặc giải pháp mới trở lên thì điểm đánh giá là 3. Có 02 … 2.
    Có 01 … 1. Không có sáng kiến hoặc giải pháp mới thì điểm đánh giá là 0"."""
    node = N("1.5", D("3.0"), {"type": "bands", "on": "count", "bands": [[3, 3], [2, 2], [1, 1], [0, 0]]})
    assert [node_points(node, {"value": v}) for v in ("0", "1", "2", "3", "7")] == [
        D("0"), D("1.00"), D("2.00"), D("3.00"), D("3.00")]
    with pytest.raises(ValidationError) as e:
        node_points(node, {"value": "-1"})
    assert "không được âm" in messages(e)
    with pytest.raises(ValidationError) as e:
        node_points(node, {"value": "1,5"})
    assert "phải là số nguyên" in messages(e)


def test_choice_1187_2_1_1_and_graded_1187_2_3_1():
    """1187 2.1.1: "Có thực hiện kiểm tra: 1 / Không thực hiện kiểm tra: 0"; 2.3.1 (0.50): "Kiểm tra
    đầy đủ theo quy định: 0.5; Có kiểm tra nhưng chưa đầy đủ theo quy định: 0.25; Không kiểm tra: 0"."""
    yes_no = N("2.1.1", D("1.00"), {"type": "choice", "options": [["Có", 1.0], ["Không", 0]]})
    assert node_points(yes_no, {"choice": "Có"}) == D("1.00")
    assert node_points(yes_no, {"choice": "không"}) == D("0")
    assert node_points(yes_no, {"choice": 0}) == D("1.00")
    graded = N("2.3.1", D("0.50"), {"type": "choice", "options": [
        ["Kiểm tra đầy đủ theo quy định", 0.5], ["Có kiểm tra nhưng chưa đầy đủ theo quy định", 0.25],
        ["Không kiểm tra", 0]]})
    assert node_points(graded, {"choice": "Co kiem tra nhung chua day du theo quy dinh"}) == D("0.25")
    assert node_points(graded, {"choice": "2"}) == D("0")
    with pytest.raises(ValidationError) as e:
        node_points(graded, {"choice": "Kiểm tra một nửa"})
    assert "Lựa chọn «Kiểm tra một nửa» không có trong danh sách" in messages(e)
    with pytest.raises(ValidationError) as e:
        node_points(graded, {"choice": 3})
    assert "không có trong danh sách" in messages(e)
    with pytest.raises(ValidationError) as e:
        node_points(graded, {})
    assert "Chưa chọn mức đánh giá." in messages(e)


def test_points_typed_by_the_scorer_are_kept_within_the_maximum():
    """Partial credit, 1187 7.3.4: "chưa đáp ứng đầy đủ … thì đạt 50%* điểm tối đa" — typed as points."""
    node = N("7.3.4", D("1.00"), {"type": "points"})
    assert node_points(node, {"points": "0,5"}) == D("0.50")
    with pytest.raises(ValidationError) as e:
        node_points(node, {"points": "1,25"})
    assert "Điểm 1,25 vượt điểm tối đa 1,00 của tiêu chí 7.3.4." in messages(e)
    assert check_points(node, "0,75") == D("0.75")
    with pytest.raises(ValidationError) as e:
        check_points(node, "2")
    assert "vượt điểm tối đa" in messages(e)
    with pytest.raises(ValidationError) as e:
        check_points(node, "0,125")
    assert "2 chữ số thập phân" in messages(e)


def test_sum_of_children_is_capped_12094_3_3_1():
    """12094 3.3.1: 0.5 + "CỘNG THÊM 0.5" + "CỘNG THÊM 0.5" can never pass the maximum."""
    parent = N("3.3.1", D("1.00"))
    assert sum_children(parent, [D("0.5"), D("0.5"), D("0.5")]) == D("1.00")
    assert sum_children(parent, [D("0.5"), None, D("0.25")]) == D("0.75")
    with pytest.raises(ValidationError) as e:
        node_points(parent, {})
    assert "tổng điểm các tiêu chí thành phần" in messages(e)


# ------------------------------------------------------------------------------------------------
# deductions, waivers, not applicable


def test_deduction_of_half_the_points_sn_6_2_2():
    """SN 6.2.2 (0,5): "Nếu có Báo cáo về tình hình quản lý, sử dụng tài sản công không đạt yêu cầu về
    nội dung hoặc thời gian thì HĐTĐ xem xét TRỪ 50% điểm đạt được của Tiêu chí thành phần này"."""
    node = N("6.2.2", D("0.5"), {"type": "choice", "options": [["100% cơ quan, đơn vị", 0.5], ["Dưới 100%", 0]]},
             deduction={"share": 0.5, "label": "HĐTĐ trừ 50% điểm đạt được"})
    points = node_points(node, {"choice": 0})
    assert apply_deduction(node, points, applied=True) == D("0.25")
    assert apply_deduction(node, points, applied=False) == D("0.50")
    assert apply_deduction(node, None, applied=True) is None
    with pytest.raises(ValidationError) as e:
        apply_deduction(node, points, applied=True, waived=True)
    assert "không có quy định miễn trừ điểm" in messages(e)


def test_deduction_waived_when_the_unit_found_and_fixed_it_itself_sn_5_4():
    """SN 5.4.1 (0,5): "Có lãnh đạo cấp sở và tương đương bị kỷ luật từ mức khiển trách trở lên thì
    điểm đánh giá là 0. (Trường hợp cơ quan, đơn vị tự kiểm tra phát hiện, đã xử lý, khắc phục thì
    không trừ điểm các nội dung trên)"."""
    node = N("5.4.1", D("0.5"), {"type": "choice", "options": [["Không có lãnh đạo bị kỷ luật", 0.5]]},
             deduction={"share": 1, "label": "Có lãnh đạo bị kỷ luật", "waivable": True})
    points = node_points(node, {"choice": 0})
    assert apply_deduction(node, points, applied=True) == D("0")
    assert apply_deduction(node, points, applied=True, waived=True) == D("0.50")


def test_a_node_without_a_deduction_rule_cannot_be_deducted():
    node = N("1.1", D("1.50"), {"type": "points"})
    with pytest.raises(ValidationError) as e:
        apply_deduction(node, D("1"), applied=True)
    assert "không có quy định trừ điểm" in messages(e)


def test_not_applicable_only_where_the_criteria_allow_it_sn_1_7():
    """SN 1.7: "không được giao thực hiện thu ngân sách: Không đánh giá, tính điểm nội dung này vào
    tổng điểm"."""
    check_not_applicable(N("1.7", D("2.0"), na_allowed=True))
    with pytest.raises(ValidationError) as e:
        check_not_applicable(N("1.1", D("1.5")))
    assert "không được đánh giá là «không áp dụng»" in messages(e)


# ------------------------------------------------------------------------------------------------
# rule definitions


def test_rule_definitions_are_checked():
    assert rule_errors({}, D("1")) == []
    assert rule_errors({"type": "ratio", "floor": 0.8}, D("1")) == []
    assert "không có" in rule_errors({"type": "formula"}, D("1"))[0]
    assert "lớn hơn điểm tối đa" in rule_errors({"type": "choice", "options": [["Có", 2]]}, D("1"))[0]
    assert "từ ngưỡng cao xuống thấp" in rule_errors(
        {"type": "bands", "on": "percent", "bands": [[0, 0], [95, 1]]}, D("1"))[0]
    assert "thứ hạng" in rule_errors({"type": "rank", "bands": [[20, 0.5], [10, 1]]}, D("1"))[0]
    assert rule_errors({"type": "ratio", "floor": 80}, D("1")) == ["«floor» phải là tỷ lệ từ 0 đến 1 (ví dụ 0.8)."]
    assert "không phải là số" in rule_errors({"type": "bands", "bands": [["cao", 1]]}, D("1"))[0]
    assert rule_errors({"type": "change", "points": {"up": 1}}, D("1"))
    assert rule_errors("(b/a)*1.00", D("1"))


def test_validate_inputs_returns_clean_decimals():
    node = N("1.1", D("1.50"), {"type": "ratio", "floor": 0.8})
    assert validate_inputs(node, {"a": "195.197", "b": "193.457"}) == {"a": D("195197"), "b": D("193457")}
    assert validate_inputs(N("1", D("9.5")), {"x": "anything"}) == {}
