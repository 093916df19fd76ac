"""Numbers as Vietnamese offices write them, read and written the same way by every area.

"193.457" → 193457 (a dot groups thousands), "82,78" → 82.78 (decimal comma), "1.234,5" → 1234.5,
"17.715.000" → 17715000, "99,1%" → 99.1. A lone dot followed by anything but exactly three digits
is a decimal point, as in the Bộ Nội vụ's "1.50" and "0.8"; "1.000" is one thousand, as Vietnamese
readers take it. English grouping "1,234.5" is understood too.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_GROUPED = re.compile(r"^\d{1,3}(?:[.]\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(?:,\d{3}){2,}$")
_ENGLISH_WHOLE = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_PLAIN = re.compile(r"^\d+(?:[.,]\d+)?$")


class BlankNumber(ValueError):
    """Nothing but spaces, a sign or a percent sign was written."""


def _clean(text: str) -> str:
    text = str(text or "").strip().replace("\u00a0", "").replace(" ", "").replace("\u202f", "")
    return text[:-1] if text.endswith("%") else text


def parse_vn_number(text: str) -> Decimal:
    """The number `text` stands for; ValueError when it is not one (BlankNumber when blank)."""
    text = _clean(text)
    sign = ""
    if text[:1] in ("-", "−", "–"):
        sign, text = "-", text[1:]
    elif text[:1] == "+":
        text = text[1:]
    if not text:
        raise BlankNumber("blank")
    if "." in text and "," in text:
        if text.rfind(",") > text.rfind("."):  # 1.234,5
            whole, _, frac = text.rpartition(",")
            if not _GROUPED.match(whole) or not frac.isdigit():
                raise ValueError(text)
        else:  # 1,234.5
            whole, _, frac = text.rpartition(".")
            if not _ENGLISH_WHOLE.match(whole) or not frac.isdigit():
                raise ValueError(text)
        normal = whole.replace(".", "").replace(",", "") + "." + frac
    elif _GROUPED.match(text) and not text.startswith("0"):
        normal = text.replace(".", "")  # 193.457, 17.715.000
    elif _GROUPED_COMMA.match(text):
        normal = text.replace(",", "")  # 1,234,567
    elif _PLAIN.match(text):
        normal = text.replace(",", ".")  # 82,78 / 1.50 / 0.8
    else:
        raise ValueError(text)
    try:
        return Decimal(sign + normal)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise ValueError(text) from None


def printed_decimals(text: str) -> int:
    """How many decimals `text` was written with ("99,10" → 2, "25.898" → 0, "51.8" → 1)."""
    value = parse_vn_number(text)
    return max(0, -value.as_tuple().exponent)


def format_vn_number(value: Decimal | None, places: int | None = None) -> str:
    """25898 → "25.898", Decimal("99.10") → "99,10", 110.0000 as stored → "110"; None → ""."""
    if value is None:
        return ""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
