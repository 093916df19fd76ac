"""The reader measured on real plans: answer keys written by reading each document by hand.

The keys (`tests/keys/seeds.json`, `tests/keys/realdocs.json`) use the format of
`shared/tools/score_import.py` and that scorer decides what counts. This module runs our reader in
process on each document a key names and hands its JSON to the scorer, so a benchmark and a test
share one measurement; the seeds ship with the product, the real documents are read in place from
`../shared/realdocs/plans` and skipped when absent (they are not ours to copy).
"""

from __future__ import annotations

import importlib.util
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from .services import PlanImportError, plan_parse

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
KEYS = Path(__file__).resolve().parent / "tests" / "keys"
FOLDERS = {"seeds": Path(__file__).resolve().parent / "demo", "realdocs": SHARED / "realdocs" / "plans"}


@dataclass
class DocumentScore:
    corpus: str
    name: str
    held: int
    total: int
    seconds: float
    misses: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.held / max(self.total, 1)

    @property
    def format(self) -> str:
        if self.name.endswith("_scan.pdf"):
            return "pdf (ảnh quét)"
        return self.name.rsplit(".", 1)[-1]


def scorer():
    """The shared scorer's module, or None when ../shared is not here."""
    path = SHARED / "tools" / "score_import.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("score_import", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_corpus(names: tuple[str, ...] = ("seeds", "realdocs")) -> list[DocumentScore]:
    score = scorer()
    if score is None:
        return []
    out = []
    for corpus in names:
        key_file, folder = KEYS / f"{corpus}.json", FOLDERS[corpus]
        if not key_file.is_file() or not folder.is_dir():
            continue
        for name, gold in json.loads(key_file.read_text(encoding="utf-8")).items():
            if name.startswith("_"):
                continue
            data = (folder / name).read_bytes()
            if data.startswith(b"# source:"):  # as the scorer does: the document only
                data = data.split(b"\n", 1)[1]
            start = time.perf_counter()
            try:
                parsed = json.loads(json.dumps(plan_parse(data, name).to_json(), default=str))
            except PlanImportError as exc:
                parsed, error = None, str(exc)
            seconds = time.perf_counter() - start
            if parsed is None:
                held, total, misses = 0, score.score(gold, {})[1], [f"importer failed: {error}"]
            else:
                held, total, misses = score.score(gold, parsed)
            out.append(DocumentScore(corpus, name, held, total, seconds, misses))
    return out
