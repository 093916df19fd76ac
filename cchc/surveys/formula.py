"""The index of a survey, computed from the raw answers by a formula that is data.

A questionnaire's `formula` (the national default in `data/sipas.json`):

    {"questions": ["satisfaction"],          # which questions count (by kind)
     "method": "share_at_least", "threshold": 4,   # or "mean_scaled"
     "factor": "mean", "overall": "weighted_mean"}

- ``share_at_least``: a question's index is the % of its answers at or above `threshold`
  ("Hài lòng" or "Rất hài lòng" on 1–5).
- ``mean_scaled``: a question's index is its mean answer scaled to 0–100 over its scale
  ((mean − min) / (max − min) × 100).
- A factor's index is the mean of its counted questions' indices; the overall index is the mean of
  the factors weighted by `Factor.weight` ("mean" ignores the weights).
- Points in the PAR Index = overall index × the part's maximum / 100 (SIPAS 86,80 % → 8,68/10),
  rounded to two decimals.

Everything is computed from a distribution {question id: {value: count}} that one GROUP BY
gives, whatever the number of answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

METHODS = ("share_at_least", "mean_scaled")
DEFAULT = {"questions": ["satisfaction"], "method": "share_at_least", "threshold": 4, "factor": "mean", "overall": "weighted_mean"}
HUNDRED = Decimal(100)


def check(formula: dict) -> list[str]:
    """What is wrong with a formula, in words (empty: it is usable)."""
    errors = []
    method = formula.get("method", DEFAULT["method"])
    if method not in METHODS:
        errors.append(f"Phương pháp “{method}” không có; chọn một trong: {', '.join(METHODS)}.")
    if method == "share_at_least" and not isinstance(formula.get("threshold", DEFAULT["threshold"]), int):
        errors.append("Ngưỡng “threshold” phải là số nguyên (mức thấp nhất được tính là hài lòng).")
    if formula.get("overall", "weighted_mean") not in ("mean", "weighted_mean"):
        errors.append("Cách tính chỉ số chung “overall” phải là “mean” hoặc “weighted_mean”.")
    kinds = formula.get("questions", DEFAULT["questions"])
    if not isinstance(kinds, list) or not kinds:
        errors.append("Danh sách loại câu hỏi được tính “questions” không được trống.")
    return errors


def q2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class QuestionResult:
    question: object
    counts: dict[int, int]
    n: int
    index: Decimal | None
    mean: Decimal | None

    def bars(self) -> list[tuple[int, str, int, Decimal]]:
        """(value, label, count, % of answers) for a bar chart."""
        return [
            (v, label, self.counts.get(v, 0), (Decimal(self.counts.get(v, 0)) * HUNDRED / self.n) if self.n else Decimal(0))
            for v, label in self.question.choices()
        ]


@dataclass
class FactorResult:
    factor: object
    index: Decimal | None
    questions: list[QuestionResult] = field(default_factory=list)


@dataclass
class Result:
    forms: int
    factors: list[FactorResult]
    index: Decimal | None  # overall, %
    others: list[QuestionResult] = field(default_factory=list)  # questions the formula does not count

    def points(self, maximum: Decimal) -> Decimal | None:
        return None if self.index is None else q2(self.index * Decimal(maximum) / HUNDRED)


def _question_index(question, counts: dict[int, int], formula: dict) -> tuple[int, Decimal | None, Decimal | None]:
    n = sum(counts.values())
    if not n:
        return 0, None, None
    mean = Decimal(sum(v * c for v, c in counts.items())) / n
    if formula.get("method", DEFAULT["method"]) == "mean_scaled":
        span = question.scale_max - question.scale_min
        return n, (mean - question.scale_min) * HUNDRED / span, mean
    threshold = formula.get("threshold", DEFAULT["threshold"])
    good = sum(c for v, c in counts.items() if v >= threshold)
    return n, Decimal(good) * HUNDRED / n, mean


def compute(questionnaire, factors, questions, distribution: dict[int, dict[int, int]], forms: int) -> Result:
    formula = {**DEFAULT, **(questionnaire.formula or {})}
    kinds = set(formula["questions"])
    by_factor: dict[int | None, list[QuestionResult]] = {}
    others = []
    for question in questions:
        n, index, mean = _question_index(question, distribution.get(question.pk, {}), formula)
        result = QuestionResult(question, distribution.get(question.pk, {}), n, index, mean)
        if question.kind in kinds and question.factor_id is not None:
            by_factor.setdefault(question.factor_id, []).append(result)
        else:
            others.append(result)
    factor_results = []
    for factor in factors:
        rows = by_factor.get(factor.pk, [])
        indices = [r.index for r in rows if r.index is not None]
        index = sum(indices) / len(indices) if indices else None
        factor_results.append(FactorResult(factor, index, rows))
    scored = [f for f in factor_results if f.index is not None]
    if not scored:
        overall = None
    elif formula["overall"] == "mean":
        overall = sum(f.index for f in scored) / len(scored)
    else:
        weight = sum(Decimal(f.factor.weight) for f in scored)
        overall = sum(f.index * Decimal(f.factor.weight) for f in scored) / weight if weight else None
    # Questions the formula does not count (perception, expectation) still show their answers.
    return Result(forms, factor_results, overall, others)
