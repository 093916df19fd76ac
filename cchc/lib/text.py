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
