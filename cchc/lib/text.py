"""Vietnamese text helpers shared by every app: folding for diacritic-insensitive matching."""

import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")

def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d), turn punctuation into spaces, squeeze spaces.

    "Ủy ban nhân dân các xã, phường" → "uy ban nhan dan cac xa phuong".
    """
    text = unicodedata.normalize("NFKC", text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = _PUNCT.sub(" ", stripped)
    return _SPACE.sub(" ", stripped).strip()


def squeeze(text: str) -> str:
    """Collapse whitespace (including no-break spaces from Word) without touching letters."""
    return _SPACE.sub(" ", (text or "").replace("\xa0", " ")).strip()


def strip_accents(text: str) -> str:
    """Remove diacritics but keep case, punctuation and length: "Số: 21/KH-UBND" → "So: 21/KH-UBND".

    One character in, one character out (after NFC), so a match found in the stripped text can be
    cut from the original at the same positions.
    """
    out = []
    for char in unicodedata.normalize("NFC", text or ""):
        if char in "đĐ":
            out.append("d" if char == "đ" else "D")
            continue
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base if unicodedata.category(base) != "Mn" else char)
    return "".join(out)
