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


class _BaseLetters(dict):
    """str.translate table filled on first use: each character's letter without its marks."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in "đĐ":
            base = "d" if char == "đ" else "D"
        else:
            base = unicodedata.normalize("NFD", char)[0]
            if unicodedata.category(base) == "Mn":
                base = char
        self[code] = base
        return base


_BASE_LETTERS = _BaseLetters()


def strip_accents(text: str) -> str:
    """Remove diacritics but keep case, punctuation and length: "Số: 21/KH-UBND" → "So: 21/KH-UBND".

    One character in, one character out (after NFC), so a match found in the stripped text can be
    cut from the original at the same positions.
    """
    return unicodedata.normalize("NFC", text or "").translate(_BASE_LETTERS)
