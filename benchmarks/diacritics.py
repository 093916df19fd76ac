"""Measure the diacritics restorer (issue 13, item 4): share of words restored exactly.

    .venv/bin/python benchmarks/diacritics.py

1. Leave-one-out on the seed plans that carry diacritics (000, 001, 003, 004): strip the marks,
   restore with a model built in memory from every other source (the other seeds, the product's
   text, the lexicon), count the words that come back exactly (case-insensitive: the stripped text
   keeps the case). "baseline" is the most frequent form of each base, without context.
2. The shipped model on the text of shared/realdocs/plans/*.docx (never trained on; skipped when the
   folder is absent).
3. Seed 002's OCR title, garbled marks and all.
Speed: restoring the longest text. The last line is the main figure: the leave-one-out share of
words restored exactly over the four seeds.
"""

import difflib
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc.lib import diacritics  # noqa: E402
from cchc.lib.build_diacritics_model import SEED_CODES, SEEDS, build  # noqa: E402
from cchc.lib.text import strip_accents  # noqa: E402

REALDOCS = ROOT.parent / "shared" / "realdocs" / "plans"
TITLE_002 = ("Théng tin, tuyén truyén cai cach hanh chinh 6 thang cudi nim 2025",
             "Thông tin, tuyên truyền cải cách hành chính 6 tháng cuối năm 2025")


def words(text: str) -> list[str]:
    return [w.lower() for w in diacritics._WORD.findall(unicodedata.normalize("NFC", text))]


def score(truth: str, restored: str) -> tuple[int, int, int, int]:
    """(words right, words, marked words right, marked words)."""
    a, b = words(truth), words(restored)
    pairs = list(zip(a, b, strict=True)) if len(a) == len(b) else _aligned(a, b)
    right = sum(1 for x, y in pairs if x == y)
    marked = [(x, y) for x, y in pairs if diacritics.base_of(x) != x]
    return right, len(a), sum(1 for x, y in marked if x == y), len(marked)


def _aligned(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=[strip_accents(w) for w in a], b=[strip_accents(w) for w in b],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            pairs.append((a[i1 + k], b[j1 + k] if tag == "equal" else ""))
    return pairs


def baseline(text: str, model: diacritics.Model) -> str:
    def pick(match):
        word = match.group()
        forms = model.forms.get(diacritics.base_of(word))
        return diacritics._recase(forms[0], word) if forms else word
    return diacritics._WORD.sub(pick, text)


def docx_text(path: Path) -> str:
    import docx  # python-docx

    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    parts.append(cell.text)
    return "\n".join(parts)


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:6.1f}%" if b else "    - "


def measure(truth: str, model) -> tuple[str, tuple, tuple, float]:
    """Strip a text's marks, restore them; (stripped text, score, baseline score, seconds)."""
    stripped = strip_accents(truth)
    start = time.perf_counter()
    restored = diacritics.restore(stripped, model)
    seconds = time.perf_counter() - start
    return stripped, score(truth, restored), score(truth, baseline(stripped, model)), seconds


def main() -> None:
    print(f"{'document':<44}{'words':>7}{'exact':>9}{'marked':>9}{'baseline':>10}{'lacks':>7}{'s':>7}")
    total = [0, 0, 0, 0]
    slowest = (0.0, 0, "")
    for code in SEED_CODES:
        (path,) = SEEDS.glob(f"{code}_*.txt")
        truth = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        model = build(exclude={f"seed:{code}"})
        stripped, r, base, seconds = measure(truth, model)
        total = [t + x for t, x in zip(total, r, strict=True)]
        slowest = max(slowest, (seconds, r[1], path.name))
        print(f"{'seed ' + code + ' (leave-one-out)':<44}{r[1]:>7}{pct(r[0], r[1]):>9}{pct(r[2], r[3]):>9}"
              f"{pct(base[0], base[1]):>10}{'yes' if diacritics.lacks_diacritics(stripped) else 'no':>7}"
              f"{seconds:>7.2f}")

    shipped = diacritics.get_model()
    if REALDOCS.is_dir():
        real = [0, 0, 0, 0]
        for path in sorted(REALDOCS.glob("*.docx")):
            truth = unicodedata.normalize("NFC", docx_text(path))
            stripped, r, base, seconds = measure(truth, shipped)
            real = [t + x for t, x in zip(real, r, strict=True)]
            slowest = max(slowest, (seconds, r[1], path.name))
            unchanged = diacritics.restore(truth, shipped) == truth
            print(f"{'real ' + path.stem[:39]:<44}{r[1]:>7}{pct(r[0], r[1]):>9}{pct(r[2], r[3]):>9}"
                  f"{pct(base[0], base[1]):>10}{'yes' if diacritics.lacks_diacritics(stripped) else 'no':>7}"
                  f"{seconds:>7.2f}" + ("" if unchanged else "  (accented original changed)"))
        print(f"{'realdocs overall (shipped model)':<44}{real[1]:>7}{pct(real[0], real[1]):>9}"
              f"{pct(real[2], real[3]):>9}")
    else:
        print(f"realdocs: {REALDOCS} absent, skipped")

    ocr, truth = TITLE_002
    restored = diacritics.restore(ocr, shipped)
    r = score(truth, restored)
    print(f"seed 002 title: {ocr!r} → {restored!r}: {r[0]}/{r[1]} words")
    (path,) = SEEDS.glob("002_*.txt")
    print(f"seed 002 lacks diacritics: {diacritics.lacks_diacritics(path.read_text(encoding='utf-8'))}")
    print(f"slowest restore: {slowest[0]:.2f} s for {slowest[1]} words ({slowest[2]})")
    print(f"leave-one-out over the seeds: {pct(total[0], total[1]).strip()} of {total[1]} words exact, "
          f"{pct(total[2], total[3]).strip()} of words with diacritics")


if __name__ == "__main__":
    main()
