"""The rule engine: how one node's points follow from the raw inputs a unit or appraiser enters.

Every scoring rule found in the real 2025 criteria (BNV 1187/12094, Lâm Đồng's sets for departments
"SN" and communes "CX", see `/work/shared/PAR_INDEX.md` §2) is one of eight JSON rule types; no
point value, threshold or band is written in code:

1. ``choice``   — yes/no and graded choices: "Có thực hiện kiểm tra: 1 / Không thực hiện kiểm tra: 0".
2. ``bands``    — bands on a percentage, a count or b/a: "từ 98% trở lên … 2; từ 95%- dưới 98% … 1".
3. ``ratio``    — "(b/a)*điểm tối đa … Nếu tỷ lệ b/a <0.8 thì điểm đánh giá là 0"; "b/a >=0.7 thì đạt
   điểm tối đa"; "Trường hợp a = 0 thì đạt điểm tối đa".
4. ``weighted`` — "(b/a)*1.00 + (c/a)*0.50".
5. ``percent``  — "a* điểm tối đa", a being a percentage.
6. ``change``   — "Tăng … 0.5 / Bằng … 0.25 / Giảm … 0" against the previous year.
7. ``rank``     — "nhóm 10 địa phương cao nhất: 1 … từ vị trí thứ 11 đến 20 … 0.75".
8. ``points``   — the scorer types the points where nothing above fits.

A node with an empty rule is the sum of its children, capped at its maximum ("CỘNG THÊM" sub-items
never push a score above the maximum). Deductions ("HĐTĐ xem xét TRỪ 50% điểm đạt được") and their
waivers ("tự kiểm tra phát hiện, đã xử lý, khắc phục thì không trừ điểm") are node-level, applied by
appraisers: `apply_deduction`.

Leaf points are rounded to 2 decimals (ROUND_HALF_UP) as the documents print them (TỰĐG 3.4.1:
"193.457/195.197" × 1.50 = 1.49). Everything is Decimal. Errors are `ValidationError`s with a
Vietnamese message keyed by the input they concern.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cchc.lib.numbers import BlankNumber, format_vn_number, parse_vn_number
from cchc.lib.text import fold

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

RULE_TYPES = ("choice", "bands", "ratio", "weighted", "percent", "change", "rank", "points")
BAND_ON = ("percent", "count", "ratio")
CHANGE_KEYS = ("up", "same", "down")


class NodeLike(Protocol):
    code: str
    max_points: Decimal
    rule: dict
    deduction: dict


# ------------------------------------------------------------------------------------------------
# Numbers as Vietnamese offices write them


def parse_number(value: Any, *, label: str = "") -> Decimal:
    """A number typed the Vietnamese way, as a Decimal (`cchc.lib.numbers`: "193.457" → 193457,
    "82,78" → 82.78, "1.50" → 1.5); anything else is refused with a message naming the text."""
    if isinstance(value, bool):
        raise ValidationError(_bad_number(str(value), label))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    try:
        return parse_vn_number(str(value or ""))
    except BlankNumber:
        raise ValidationError(f"Chưa nhập {label}." if label else "Chưa nhập số.") from None
    except ValueError:
        raise ValidationError(_bad_number(str(value), label)) from None


def _bad_number(text: str, label: str) -> str:
    where = f"{label}: " if label else ""
    return f"{where}«{text}» không phải là số hợp lệ (ví dụ đúng: 193.457; 82,78; 99,1%)."


def quantize(value: Decimal) -> Decimal:
    """Points to 2 decimals, ROUND_HALF_UP (0.718… × 1.00 → 0.72; 0.99108… × 1.50 → 1.49)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_points(value: Decimal | None, places: int = 2) -> str:
    """"1,49" — points printed with a decimal comma, as the Lâm Đồng documents do."""
    if value is None:
        return ""
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:,.{places}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


# ------------------------------------------------------------------------------------------------
# What a rule asks for


INPUT_LABELS = {
    "a": "Tổng số (a)",
    "b": "Số đạt (b)",
    "value": "Giá trị",
    "current": "Năm đánh giá",
    "previous": "Năm trước liền kề",
    "rank": "Thứ hạng",
    "points": "Điểm",
    "choice": "Lựa chọn",
}


def input_fields(rule: Mapping[str, Any]) -> list[dict[str, str]]:
    """The inputs a rule needs, in order, for forms: [{"name": "a", "label": "Tổng số (a)", "kind": …}].

    `kind` is "choice" (with `options`), "number", "percent", "count", "rank" or "points".
    An empty rule (sum of children) needs no input.
    """
    kind = (rule or {}).get("type")
    if not kind:
        return []
    if kind == "choice":
        return [{"name": "choice", "label": INPUT_LABELS["choice"], "kind": "choice",
                 "options": [str(label) for label, _ in rule.get("options", [])]}]
    if kind == "bands":
        if rule.get("on") == "ratio":
            return [_field("a", "count"), _field("b", "count")]
        on = rule.get("on", "percent")
        return [{"name": "value", "label": "Tỷ lệ (%)" if on == "percent" else "Số lượng", "kind": on}]
    if kind == "ratio":
        return [_field("a", "number"), _field("b", "number")]
    if kind == "weighted":
        terms = [{"name": name, "label": f"Số lượng ({name})", "kind": "number"} for name, _ in rule.get("terms", [])]
        return [_field("a", "number"), *terms]
    if kind == "percent":
        return [{"name": "value", "label": "Tỷ lệ (%)", "kind": "percent"}]
    if kind == "change":
        return [_field("current", "number"), _field("previous", "number")]
    if kind == "rank":
        return [_field("rank", "rank")]
    if kind == "points":
        return [_field("points", "points")]
    return []


def _field(name: str, kind: str) -> dict[str, str]:
    return {"name": name, "label": INPUT_LABELS[name], "kind": kind}


# ------------------------------------------------------------------------------------------------
# Checking a rule itself (criteria import)


def rule_errors(rule: Any, max_points: Decimal) -> list[str]:
    """What is wrong with a rule definition, in Vietnamese; [] when it is usable.

    Used when a criteria set is loaded or imported: every threshold must be a number, bands must
    go from high to low, and no option may give more than the node's maximum.
    """
    if rule in (None, "", {}):
        return []
    if not isinstance(rule, dict):
        return ["Cách tính điểm phải là một đối tượng JSON, ví dụ {\"type\": \"points\"}."]
    kind = rule.get("type")
    if kind not in RULE_TYPES:
        return [f"Loại cách tính điểm «{kind}» không có; chỉ dùng: {', '.join(RULE_TYPES)}."]
    errors: list[str] = []
    try:
        if kind == "choice":
            options = rule.get("options")
            if not isinstance(options, list) or not options:
                return ["Cách tính «choice» cần danh sách options [[nhãn, điểm], …]."]
            for option in options:
                if not (isinstance(option, list) and len(option) == 2 and str(option[0]).strip()):
                    errors.append(f"Lựa chọn {option!r} phải có dạng [nhãn, điểm].")
                    continue
                errors += _points_errors(option[1], max_points, f"lựa chọn «{option[0]}»")
        elif kind in ("bands", "rank"):
            if kind == "bands" and rule.get("on", "percent") not in BAND_ON:
                errors.append(f"Bậc điểm «on» phải là một trong: {', '.join(BAND_ON)}.")
            bands = rule.get("bands")
            if not isinstance(bands, list) or not bands:
                return [f"Cách tính «{kind}» cần danh sách bands [[ngưỡng, điểm], …]."]
            bounds = []
            for band in bands:
                if not (isinstance(band, list) and len(band) == 2):
                    errors.append(f"Bậc {band!r} phải có dạng [ngưỡng, điểm].")
                    continue
                bounds.append(_decimal(band[0]))
                errors += _points_errors(band[1], max_points, f"bậc {band[0]}")
            ordered = sorted(bounds, reverse=(kind == "bands"))
            if bounds != ordered or len(set(bounds)) != len(bounds):
                errors.append(
                    "Các bậc phải xếp từ ngưỡng cao xuống thấp." if kind == "bands"
                    else "Các bậc thứ hạng phải xếp từ thứ hạng cao (số nhỏ) xuống thấp."
                )
        elif kind in ("ratio", "weighted"):
            for key in ("floor", "cap"):
                if rule.get(key) is not None and not (ZERO <= _decimal(rule[key]) <= 1):
                    errors.append(f"«{key}» phải là tỷ lệ từ 0 đến 1 (ví dụ 0.8).")
            if rule.get("zero_a") not in (None, "full"):
                errors.append("«zero_a» chỉ nhận \"full\" (a = 0 thì đạt điểm tối đa) hoặc để trống.")
            if kind == "weighted":
                terms = rule.get("terms")
                if not isinstance(terms, list) or not terms:
                    return ["Cách tính «weighted» cần danh sách terms [[\"b\", điểm], …]."]
                names = [t[0] for t in terms if isinstance(t, list) and len(t) == 2]
                if len(names) != len(terms) or len(set(names)) != len(names) or "a" in names:
                    errors.append("Mỗi thành phần của terms phải có dạng [tên, điểm], tên khác nhau và khác «a».")
                for term in terms:
                    if isinstance(term, list) and len(term) == 2:
                        errors += _points_errors(term[1], max_points, f"thành phần «{term[0]}»")
        elif kind == "change":
            points = rule.get("points")
            if not isinstance(points, dict) or set(points) != set(CHANGE_KEYS):
                return ["Cách tính «change» cần points {\"up\": …, \"same\": …, \"down\": …}."]
            for key in CHANGE_KEYS:
                errors += _points_errors(points[key], max_points, key)
    except (InvalidOperation, TypeError, ValueError):
        errors.append("Cách tính điểm có giá trị không phải là số.")
    return errors


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError
    return Decimal(str(value))


def _points_errors(value: Any, max_points: Decimal, what: str) -> list[str]:
    points = _decimal(value)
    if points < 0:
        return [f"Điểm của {what} không được âm."]
    if points > max_points:
        return [f"Điểm của {what} ({format_points(points)}) lớn hơn điểm tối đa {format_points(max_points)}."]
    return []


# ------------------------------------------------------------------------------------------------
# Inputs → points


def validate_inputs(node: NodeLike, inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    """The inputs of a node cleaned to Decimals (and an option index for choices).

    Raises ValidationError keyed by input name: b > a, a = 0 without "zero_a", a percentage above
    100, a negative count, an unknown choice, points above the maximum.
    """
    rule = node.rule or {}
    kind = rule.get("type")
    if not kind:
        return {}
    inputs = dict(inputs or {})
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def number(name: str, *, whole: bool = False, percent: bool = False) -> Decimal | None:
        label = INPUT_LABELS.get(name, f"Số lượng ({name})")
        try:
            value = parse_number(inputs.get(name, ""), label=label)
        except ValidationError as e:
            errors.setdefault(name, []).extend(e.messages)
            return None
        if value < 0:
            errors.setdefault(name, []).append(f"{label} không được âm.")
            return None
        if whole and value != value.to_integral_value():
            errors.setdefault(name, []).append(f"{label} phải là số nguyên.")
            return None
        if percent and value > HUNDRED:
            errors.setdefault(name, []).append(f"{label}: tỷ lệ không được lớn hơn 100%.")
            return None
        clean[name] = value
        return value

    if kind == "choice":
        clean["choice"] = _choice_index(rule, inputs.get("choice"), errors)
    elif kind == "bands":
        on = rule.get("on", "percent")
        if on == "ratio":
            _ratio_inputs(rule, ["b"], number, errors, whole=True)
        else:
            number("value", whole=(on == "count"), percent=(on == "percent"))
    elif kind == "ratio":
        _ratio_inputs(rule, ["b"], number, errors)
    elif kind == "weighted":
        _ratio_inputs(rule, [name for name, _ in rule.get("terms", [])], number, errors)
    elif kind == "percent":
        number("value", percent=True)
    elif kind == "change":
        number("current")
        number("previous")
    elif kind == "rank":
        rank = number("rank", whole=True)
        if rank is not None and rank < 1:
            errors.setdefault("rank", []).append("Thứ hạng phải từ 1 trở lên.")
    elif kind == "points":
        points = number("points")
        if points is not None and points > node.max_points:
            errors.setdefault("points", []).append(
                f"Điểm {format_points(points)} vượt điểm tối đa {format_points(node.max_points)} của tiêu chí {node.code}."
            )
    else:
        errors[NON_FIELD_ERRORS] = [f"Tiêu chí {node.code} có cách tính điểm «{kind}» không hợp lệ."]
    if errors:
        raise ValidationError(errors)
    return clean


def _choice_index(rule: Mapping[str, Any], value: Any, errors: dict[str, list[str]]) -> int | None:
    options = rule.get("options", [])
    if value is None or (isinstance(value, str) and not value.strip()):
        errors["choice"] = ["Chưa chọn mức đánh giá."]
        return None
    if isinstance(value, str):
        wanted = fold(value)
        for i, (label, _) in enumerate(options):
            if fold(str(label)) == wanted:
                return i
        if value.strip().isdigit():
            value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(options):
        return value
    labels = "; ".join(f"«{label}»" for label, _ in options)
    errors["choice"] = [f"Lựa chọn «{value}» không có trong danh sách: {labels}."]
    return None


def _ratio_inputs(rule, parts, number, errors, *, whole: bool = False) -> None:
    a = number("a", whole=whole)
    values = [number(name, whole=whole) for name in parts]
    if a is None or any(v is None for v in values):
        return
    total = sum(values, ZERO)
    if total > a:
        names = " + ".join(parts)
        errors.setdefault(parts[0] if len(parts) == 1 else NON_FIELD_ERRORS, []).append(
            f"{names} không được lớn hơn a ({format_number(total)} > {format_number(a)})."
            if len(parts) > 1
            else f"b không được lớn hơn a ({format_number(total)} > {format_number(a)})."
        )
    if a == 0 and rule.get("zero_a") != "full":
        errors.setdefault("a", []).append("Tổng số (a) phải lớn hơn 0.")


def format_number(value: Decimal) -> str:
    """193457 → "193.457"; 82.78 → "82,78" (for messages)."""
    return format_vn_number(value)


def node_points(node: NodeLike, inputs: Mapping[str, Any] | None) -> Decimal:
    """The points a node earns from its inputs, rounded to 2 decimals; never above its maximum.

    Raises ValidationError for bad inputs (see `validate_inputs`) and for a node without its own
    rule (its points are the sum of its children: `sum_children`).
    """
    rule = node.rule or {}
    kind = rule.get("type")
    if not kind:
        raise ValidationError(
            f"Tiêu chí {node.code} được tính bằng tổng điểm các tiêu chí thành phần, không nhập trực tiếp."
        )
    v = validate_inputs(node, inputs)
    maximum = Decimal(node.max_points)
    if kind == "choice":
        points = _decimal(rule["options"][v["choice"]][1])
    elif kind == "bands":
        if rule.get("on") == "ratio":
            if v["a"] == 0:  # zero_a == "full", checked above
                points = maximum
            else:
                points = _band_points(rule["bands"], v["b"] / v["a"] * HUNDRED)
        else:
            points = _band_points(rule["bands"], v["value"])
    elif kind == "ratio":
        points = _ratio_points(rule, v["a"], v["b"], maximum)
    elif kind == "weighted":
        points = _weighted_points(rule, v, maximum)
    elif kind == "percent":
        points = v["value"] / HUNDRED * maximum
    elif kind == "change":
        key = "up" if v["current"] > v["previous"] else "same" if v["current"] == v["previous"] else "down"
        points = _decimal(rule["points"][key])
    elif kind == "rank":
        points = next((_decimal(p) for upper, p in rule["bands"] if v["rank"] <= _decimal(upper)), ZERO)
    else:  # points
        points = v["points"]
    points = quantize(points)
    if points > maximum:
        raise ValidationError(
            f"Điểm {format_points(points)} vượt điểm tối đa {format_points(maximum)} của tiêu chí {node.code}."
        )
    return points


def _band_points(bands: Iterable, value: Decimal) -> Decimal:
    """The first band whose lower bound (inclusive) ≤ value: "từ 95%- dưới 98%" holds 95 but not 98."""
    for lower, points in bands:
        if value >= _decimal(lower):
            return _decimal(points)
    return ZERO


def _ratio_points(rule: Mapping[str, Any], a: Decimal, b: Decimal, maximum: Decimal) -> Decimal:
    if a == 0:
        return maximum  # zero_a == "full": "Trường hợp a = 0 thì đạt điểm tối đa"
    share = b / a
    if rule.get("floor") is not None and share < _decimal(rule["floor"]):
        return ZERO  # "Nếu tỷ lệ b/a <0.8 thì điểm đánh giá là 0"
    if rule.get("cap") is not None and share >= _decimal(rule["cap"]):
        return maximum  # "Nếu b/a >=0.7 thì đạt điểm tối đa"
    return share * maximum


def _weighted_points(rule: Mapping[str, Any], v: Mapping[str, Decimal], maximum: Decimal) -> Decimal:
    a = v["a"]
    if a == 0:
        return maximum
    terms = rule["terms"]
    share = sum((v[name] for name, _ in terms), ZERO) / a
    if rule.get("floor") is not None and share < _decimal(rule["floor"]):
        return ZERO  # 8.5: "Nếu tỉ lệ (b+c)/a <0.70 thì điểm đánh giá là 0"
    total = sum((v[name] / a * _decimal(weight) for name, weight in terms), ZERO)
    return min(total, maximum)


def sum_children(node: NodeLike, child_points: Iterable[Decimal | None]) -> Decimal:
    """A node without its own rule: the sum of its children's points, capped at its maximum.

    "CỘNG THÊM" sub-items add up but never exceed the parent's maximum (12094 3.3.1: 0.5 +
    "CỘNG THÊM 0.5" + "CỘNG THÊM 0.5"). Children not scored (None) count as 0.
    """
    total = sum((Decimal(p) for p in child_points if p is not None), ZERO)
    return min(total, Decimal(node.max_points))


# ------------------------------------------------------------------------------------------------
# Deductions and not-applicable


def deduction_errors(deduction: Any) -> list[str]:
    """What is wrong with a node's deduction definition ({"share": 0.5, "label": …, "waivable": true})."""
    if deduction in (None, "", {}):
        return []
    if not isinstance(deduction, dict):
        return ["Trừ điểm phải là một đối tượng JSON, ví dụ {\"share\": 0.5, \"label\": \"…\"}."]
    try:
        share = _decimal(deduction.get("share"))
    except (InvalidOperation, TypeError, ValueError):
        return ["Tỷ lệ trừ điểm «share» phải là số từ 0 đến 1 (ví dụ 0.5 là trừ 50%)."]
    if not (ZERO < share <= 1):
        return ["Tỷ lệ trừ điểm «share» phải lớn hơn 0 và không quá 1 (ví dụ 0.5 là trừ 50%)."]
    return []


def apply_deduction(node: NodeLike, points: Decimal | None, *, applied: bool, waived: bool = False) -> Decimal | None:
    """Points after a deduction of a share of the points achieved, unless waived.

    SN 6.2.2: "HĐTĐ xem xét TRỪ 50% điểm đạt được của Tiêu chí thành phần này"; SN 5.4.x:
    "Trường hợp cơ quan, đơn vị tự kiểm tra phát hiện, đã xử lý, khắc phục thì không trừ điểm".
    """
    if points is None or not applied:
        return points
    deduction = node.deduction or {}
    if not deduction:
        raise ValidationError(f"Tiêu chí {node.code} không có quy định trừ điểm.")
    if waived:
        if not deduction.get("waivable", False):
            raise ValidationError(f"Tiêu chí {node.code} không có quy định miễn trừ điểm.")
        return points
    share = _decimal(deduction["share"])
    return quantize(points - points * share)


def check_not_applicable(node: Any) -> None:
    """Refuse "không áp dụng" on a node whose criteria do not allow it (SN 1.7 allows it:
    "không được giao thực hiện thu ngân sách: Không đánh giá, tính điểm nội dung này vào tổng điểm")."""
    if not getattr(node, "na_allowed", False):
        raise ValidationError(f"Tiêu chí {node.code} không được đánh giá là «không áp dụng».")


def check_points(node: NodeLike, points: Any) -> Decimal:
    """Points typed by a scorer or appraiser, parsed and checked against 0 … the node's maximum."""
    value = parse_number(points, label=f"Điểm tiêu chí {node.code}")
    if value < 0:
        raise ValidationError(f"Điểm tiêu chí {node.code} không được âm.")
    if value > node.max_points:
        raise ValidationError(
            f"Điểm {format_points(value)} vượt điểm tối đa {format_points(Decimal(node.max_points))} của tiêu chí {node.code}."
        )
    if value != quantize(value):
        raise ValidationError(f"Điểm tiêu chí {node.code} chỉ lấy tối đa 2 chữ số thập phân.")
    return value
