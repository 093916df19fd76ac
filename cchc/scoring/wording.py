"""Rules in words, as people read them on the pages: "b/a × 1,00 điểm; dưới 80 % → 0"."""

from __future__ import annotations

from decimal import Decimal

from .rules import format_points


def _p(value) -> str:
    return format_points(Decimal(str(value)))


def _pct(value) -> str:
    text = f"{Decimal(str(value)).normalize():f}".replace(".", ",")
    return f"{text} %"


def _ratio_pct(value) -> str:
    return _pct(Decimal(str(value)) * 100)


def describe_rule(node) -> str:
    rule = node.rule or {}
    kind = rule.get("type")
    maximum = _p(node.max_points)
    if not kind:
        return f"Tổng điểm các tiêu chí thành phần, tối đa {maximum} điểm."
    if kind == "choice":
        return "; ".join(f"{label}: {_p(points)}" for label, points in rule.get("options", [])) + "."
    if kind == "bands":
        on = rule.get("on", "percent")
        what = {"percent": "tỷ lệ", "ratio": "tỷ lệ b/a", "count": "số lượng"}[on]
        unit = (lambda v: _pct(v)) if on in ("percent", "ratio") else (lambda v: f"{Decimal(str(v)).normalize():f}")
        parts = []
        for lower, points in rule.get("bands", []):
            if Decimal(str(lower)) == 0:
                parts.append(f"thấp hơn → {_p(points)}")
            else:
                parts.append(f"{what} từ {unit(lower)} → {_p(points)}")
        text = "; ".join(parts)
        if rule.get("zero_a") == "full":
            text += "; a = 0 → tối đa"
        return text + "."
    if kind == "ratio":
        text = f"b/a × {maximum} điểm"
        if rule.get("floor") is not None:
            text += f"; dưới {_ratio_pct(rule['floor'])} → 0"
        if rule.get("cap") is not None:
            text += f"; từ {_ratio_pct(rule['cap'])} → tối đa"
        if rule.get("zero_a") == "full":
            text += "; a = 0 → tối đa"
        return text + "."
    if kind == "weighted":
        text = " + ".join(f"({name}/a) × {_p(weight)}" for name, weight in rule.get("terms", []))
        if rule.get("floor") is not None:
            text += f"; tổng tỷ lệ dưới {_ratio_pct(rule['floor'])} → 0"
        if rule.get("zero_a") == "full":
            text += "; a = 0 → tối đa"
        return text + f" (tối đa {maximum})."
    if kind == "percent":
        return f"Tỷ lệ % × {maximum} điểm."
    if kind == "change":
        pts = rule.get("points", {})
        return (f"So với năm trước: tăng → {_p(pts.get('up', 0))}; bằng → {_p(pts.get('same', 0))}; "
                f"giảm → {_p(pts.get('down', 0))}.")
    if kind == "rank":
        return "; ".join(f"hạng ≤ {upper} → {_p(points)}" for upper, points in rule.get("bands", [])) + "; còn lại → 0."
    if kind == "points":
        return f"Chấm trực tiếp từ 0 đến {maximum} điểm."
    return ""


def describe_deduction(node) -> str:
    deduction = node.deduction or {}
    if not deduction:
        return ""
    text = deduction.get("label") or f"Trừ {_pct(Decimal(str(deduction.get('share', 0))) * 100)} điểm đạt được"
    if deduction.get("waivable"):
        text += " (có thể miễn trừ)"
    return text
