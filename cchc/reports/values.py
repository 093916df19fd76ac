"""Values of the statistical forms: Vietnamese numbers in, checked against each indicator's kind.

Every rule a provincial office needs to trust the numbers lives here, in plain functions that the
report pages, the import of a filled annex and the compile all call:
- counts are whole and not negative, money is not negative, a typed percentage is 0–100;
- yes/no and coded choices take only their printed codes;
- a ratio is computed from its numerator and denominator, never typed; a typed one that disagrees
  is reported, and a numerator above its denominator is refused;
- a share of units ("Tỷ lệ sở, ngành đã hoàn thành …") must be k of the m units it counts, so a
  count typed into the percentage cell (the real annex's "15" and "124") is caught;
- a component is never larger than its total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cchc.lib.numbers import format_vn_number, parse_vn_number, printed_decimals
from cchc.reports.models import IndicatorKind

NO_DATA = {"", "-", "–", "—", "x", "không có số liệu"}


class InvalidValue(ValueError):
    """A value that its indicator does not accept; the message is for the person who typed it."""


def parse_number(text: str) -> Decimal | None:
    """A number as Vietnamese offices write it (`cchc.lib.numbers`: "25.898", "99,10", "1.234,5",
    "04", "12 %"); blank or "-" is no data (None)."""
    if (text or "").strip().lower() in NO_DATA:
        return None
    try:
        return parse_vn_number(text)
    except ValueError:
        raise InvalidValue(f"“{text.strip()}” không phải là một số.") from None


def format_number(value: Decimal | None, places: int | None = None) -> str:
    """25898 → "25.898", Decimal("99.10") → "99,10"; None → ""."""
    return format_vn_number(value, places)


PERCENT_LIKE = (IndicatorKind.RATIO, IndicatorKind.PERCENT, IndicatorKind.SHARE, IndicatorKind.MONEY)


def shown_value(kind: str, value: Decimal | None) -> str:
    """A value as the forms print it: percentages and money with two decimals when not whole."""
    if value is None:
        return ""
    if kind in PERCENT_LIKE:
        return format_number(value, 2 if value != value.to_integral_value() else 0)
    return format_number(value)


def _decimals(text: str) -> int:
    try:
        return printed_decimals(text)
    except ValueError:
        return 0


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator × 100, unrounded; None when either is missing or the total is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def clean_value(indicator, text: str, *, scope_count: int | None = None) -> Decimal | None:
    """The value `text` stands for under this indicator, or InvalidValue saying what is wrong.

    `scope_count` is, for a share of units, how many units of its scope the report covers (None in
    a single unit's own report, where the unit answers with the yes/no code)."""
    kind = indicator.kind
    if kind == IndicatorKind.GROUP:
        if (text or "").strip() not in NO_DATA:
            raise InvalidValue("Dòng tiêu đề nhóm không nhận số liệu.")
        return None
    value = parse_number(text)
    if value is None:
        return None
    if kind in (IndicatorKind.YESNO, IndicatorKind.CHOICE) or (kind == IndicatorKind.SHARE and scope_count is None):
        codes = [code for code, _ in indicator.options]
        if value not in codes:
            accepted = "; ".join(f"{label} = {code}" for code, label in indicator.options)
            raise InvalidValue(f"Chỉ nhận các mã: {accepted}; không nhận “{text.strip()}”.")
        return value
    if value < 0:
        raise InvalidValue(f"Số liệu không được âm (“{text.strip()}”).")
    if kind == IndicatorKind.COUNT and value != value.to_integral_value():
        raise InvalidValue(f"Chỉ tiêu đếm ({indicator.unit_label or 'số lượng'}) phải là số nguyên, không nhận “{text.strip()}”.")
    if kind in (IndicatorKind.PERCENT, IndicatorKind.RATIO, IndicatorKind.SHARE) and value > 100:
        raise InvalidValue(f"Tỷ lệ phải từ 0 đến 100 %, không nhận “{text.strip()}” — có phải đã nhập số lượng vào ô tỷ lệ?")
    if kind == IndicatorKind.SHARE:
        tolerance = Decimal(1).scaleb(-_decimals(text)) / 2
        if not any(abs(Decimal(k) * 100 / scope_count - value) <= tolerance for k in range(scope_count + 1)):
            raise InvalidValue(
                f"{text.strip()} % của {scope_count} đơn vị không ứng với một số đơn vị nguyên "
                f"({value * scope_count / 100:.2f} đơn vị) — có phải đã nhập số đơn vị vào ô tỷ lệ?"
            )
    return value


@dataclass
class Problem:
    form: int
    code: str
    name: str
    text: str
    message: str

    def __str__(self) -> str:
        shown = f" (“{self.text}”)" if self.text else ""
        return f"Biểu mẫu {self.form}, chỉ tiêu {self.code}{shown}: {self.message}"


def part_over_total(indicator, part: Decimal | None, total: Decimal | None) -> str:
    """The message when a count or an amount is larger than the total it is a part of ("" if not):
    the rule entry refuses and the compile flags."""
    parent = indicator.parent
    if parent is None or indicator.kind not in (IndicatorKind.COUNT, IndicatorKind.MONEY) or parent.kind != indicator.kind:
        return ""
    if part is None or total is None or part <= total:
        return ""
    return f"Số thành phần ({format_number(part)}) lớn hơn tổng ({format_number(total)}) ở chỉ tiêu {parent.code}."


def check_values(indicators, texts: dict[tuple[int, str], str], *, scope_counts: dict[str, int] | None = None):
    """Every value typed for a report, checked: (accepted values, problems).

    `indicators` are the form set's indicators (with `form.number`, `code`, `parent`, `numerator`,
    `denominator` loaded); `texts` maps (form number, code) to what was typed. Accepted values are
    Decimals keyed the same way; ratios are replaced by the value computed from their components.
    Nothing is accepted for a value that has a problem.
    """
    scope_counts = scope_counts or {}
    indicators = list(indicators)
    values: dict[tuple[int, str], Decimal | None] = {}
    problems: list[Problem] = []

    def problem(ind, message):
        key = (ind.form.number, ind.code)
        problems.append(Problem(ind.form.number, ind.code, ind.name, (texts.get(key) or "").strip(), message))
        values.pop(key, None)

    for ind in indicators:
        key = (ind.form.number, ind.code)
        if key not in texts:
            continue
        try:
            scope = scope_counts.get(ind.share_scope) if ind.kind == IndicatorKind.SHARE else None
            values[key] = clean_value(ind, texts[key], scope_count=scope)
        except InvalidValue as exc:
            problem(ind, str(exc))

    for ind in indicators:
        key = (ind.form.number, ind.code)
        if ind.parent:
            message = part_over_total(ind, values.get(key), values.get((ind.form.number, ind.parent.code)))
            if message:
                problem(ind, message)
        if ind.kind != IndicatorKind.RATIO or not (ind.numerator and ind.denominator):
            continue
        numerator = values.get((ind.form.number, ind.numerator.code))
        denominator = values.get((ind.form.number, ind.denominator.code))
        if numerator is not None and denominator is not None and numerator > denominator:
            problem(ind.numerator, f"Tử số ({format_number(numerator)}) lớn hơn mẫu số ({format_number(denominator)}) của tỷ lệ {ind.code}.")
            values.pop(key, None)
            continue
        computed = ratio(numerator, denominator)
        typed = values.get(key)
        if computed is None:
            continue
        if typed is not None and abs(typed - computed) > Decimal(1).scaleb(-_decimals(texts.get(key, ""))):
            problem(
                ind,
                f"Tỷ lệ được tính từ {ind.numerator.code} / {ind.denominator.code} = "
                f"{format_number(computed, 2)} %, khác số đã nhập.",
            )
        values[key] = computed
    return values, problems
