"""Results of a round: points, maximum, index, rank, rating, and the highest / mean / lowest rows.

The formula, checked on all 139 units of Lâm Đồng's 2025 round (BC 36/BC-HĐTĐ 02/02/2026 and the
published Phụ lục I/II):

- Điểm đạt được = Part 1 (the appraised points: the last appraisal pass that scored a node, else the
  self-assessed points where the node is not appraisal-only) + ĐTXHH + SIPAS, the latter "only if
  evaluated": "tỷ lệ khảo sát tối thiểu (10%) và số lượng phiếu khảo sát tối thiểu (50 phiếu)";
- Điểm chuẩn tối đa = (Part 1 maximum − not-applicable nodes − nodes left out for the whole round)
  + the ĐTXHH maximum (+ the SIPAS maximum when SIPAS is evaluated);
- Chỉ số chung = Điểm đạt được / Điểm chuẩn tối đa × 100, never rounded before ranking;
- rank by that index among the scorecards that are ranked, per unit type: equal indices share a rank
  and the next is skipped (79, 79, 81); rating by the set's bands (Tốt ≥ 80, Khá ≥ 65, …).

Everything is Decimal; ranking compares exact fractions. A round is computed with a handful of
queries whatever its size (one for all its node scores) and one bulk update.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, IntegerField
from django.db.models.functions import Cast
from django.db.models.functions import Round as RoundTo

from cchc.orgs.models import UnitKind

from . import ranking_sql
from .models import CriteriaSet, Node, NodeScore, NodeSource, Round, Scorecard
from .rules import format_points

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
INDEX_PLACES = Decimal("1e-10")

# Which criteria set a unit is scored by (wards and the đặc khu are scored with the communes).
UNIT_TYPE_OF_KIND = {
    UnitKind.PROVINCE: "province",
    UnitKind.DEPARTMENT: "department",
    UnitKind.COMMUNE: "commune",
    UnitKind.WARD: "commune",
}

RESULT_FIELDS = ["self_points", "appraised_points", "max_points", "part1_points", "points", "maximum", "index",
                 "rating"]


class ScoreRow(NamedTuple):
    """What the engine needs of one NodeScore, points in integer hundredths (points are stored with 2
    decimals, so cents are exact and integer sums are much faster than Decimal ones). A tuple, made
    straight from the database row: the flags are whatever the driver gives (bool, or 0/1 on SQLite)
    and are only ever tested for truth."""

    node_id: int
    applicable: bool
    self_points: int | None
    appraised_1: int | None
    appraised_2: int | None
    deduction_applied: bool
    deduction_waived: bool
    scorecard_id: int | None = None


SCORE_FIELDS = ("scorecard_id", "node_id", "applicable", "self_points", "appraised_points_1",
                "appraised_points_2", "deduction_applied", "deduction_waived")


class Tree:
    """A criteria set's nodes in an order where every child comes before its parent."""

    def __init__(self, nodes: Iterable[Node], excluded: Iterable[int] = ()):
        self.nodes = sorted(nodes, key=lambda n: (n.position, n.pk))
        self.by_id = {n.pk: n for n in self.nodes}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for n in self.nodes:
            self.children[n.parent_id].append(n.pk)
        self.bottom_up = list(reversed(self.nodes))
        self.areas = self.children[None]
        self.excluded = set(excluded)
        # Bottom-up, as plain tuples for the inner loop: (id, children summed (or None for a node
        # scored on its own), maximum in hundredths, appraisal-only, deduction share, excluded).
        self.plan = [
            (n.pk, (self.children.get(n.pk) or None) if not n.rule else None, _cents(n.max_points),
             n.source == NodeSource.APPRAISAL, _share(n), n.pk in self.excluded)
            for n in self.bottom_up
        ]

    def excluded_max(self) -> Decimal:
        """The maximum taken out by the round's exclusions (a node under an excluded one counts once)."""
        total = ZERO
        for pk in self.excluded:
            node = self.by_id.get(pk)
            if node is None:
                continue
            parent, inside = node.parent_id, False
            while parent is not None:
                if parent in self.excluded:
                    inside = True
                    break
                parent = self.by_id[parent].parent_id
            if not inside:
                total += node.max_points
        return total

    @classmethod
    def for_round(cls, round_: Round) -> Tree:
        nodes = Node.objects.filter(criteria_set_id=round_.criteria_set_id).only(
            "id", "parent_id", "position", "max_points", "source", "rule", "deduction", "code")
        return cls(nodes, round_.excluded_nodes.values_list("id", flat=True))


def _share(node: Node) -> Decimal | None:
    return Decimal(str(node.deduction.get("share", 0))) if node.deduction else None


def _cents(value: Decimal) -> int:
    return int(value.scaleb(2).to_integral_value(rounding=ROUND_HALF_UP))


def _points(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


# Positions in a score row (ScoreRow's layout; the engine reads plain database rows by position).
_APPLICABLE, _SELF, _A1, _A2, _APPLIED, _WAIVED = 1, 2, 3, 4, 5, 6


def _final_value(appraisal_only: bool, share: Decimal | None, s: tuple) -> int | None:
    """The points a node ends with, in hundredths: đợt 2 over đợt 1 over the self-score (not for
    appraisal-only nodes), less a deduction that was applied and not waived ("TRỪ 50% điểm đạt được")."""
    value = s[_A2] if s[_A2] is not None else s[_A1]
    if value is None and not appraisal_only:
        value = s[_SELF]
    if value is not None and share and s[_APPLIED] and not s[_WAIVED]:
        points = _points(value)
        value = _cents(points - points * share)
    return value


def part1_from_scores(tree: Tree, scores: dict[int, tuple]) -> tuple[Decimal, Decimal, Decimal, bool]:
    """(self total, final total, the unit's own Part 1 maximum, whether any node was appraised).

    `scores` holds rows laid out as ScoreRow (a ScoreRow or the plain database row).
    Not-applicable nodes and nodes left out of the round are removed, with their subtree, from the
    maximum. A node without a rule of its own is the sum of its children, capped at its maximum.
    """
    final: dict[int, int] = {}
    own: dict[int, int] = {}
    maximum: dict[int, int] = {}
    appraised = False
    get = scores.get
    for pk, kids, node_max, appraisal_only, share, excluded in tree.plan:
        s = get(pk)
        if excluded or (s is not None and not s[_APPLICABLE]):
            final[pk] = own[pk] = maximum[pk] = 0
            continue
        if kids:
            cap = sum([maximum[k] for k in kids])
            if cap > node_max:
                cap = node_max
            maximum[pk] = cap
            got = sum([final[k] for k in kids])
            final[pk] = got if got < cap else cap
            mine = sum([own[k] for k in kids])
            own[pk] = mine if mine < cap else cap
            if s is not None and share and s[_APPLIED] and not s[_WAIVED]:
                # A deduction on a subtotal (1187 6.2.2: "trừ 10% điểm đạt được") takes its share
                # of what the children achieved.
                points = _points(final[pk])
                final[pk] = _cents(points - points * share)
                if s[_A1] is not None or s[_A2] is not None:
                    appraised = True
            continue
        maximum[pk] = node_max
        if s is None:
            final[pk] = own[pk] = 0
            continue
        _, _, mine, a1, a2, applied, waived, _ = s
        if a1 is not None or a2 is not None:
            appraised = True
        if share and applied and not waived:
            value = _final_value(appraisal_only, share, s) or 0
        else:  # _final_value without a deduction, inline: đợt 2 over đợt 1 over the self-score
            value = a2 if a2 is not None else a1
            if value is None:
                value = 0 if appraisal_only or mine is None else mine
        final[pk] = value if value < node_max else node_max
        if appraisal_only or mine is None:
            mine = 0
        own[pk] = mine if mine < node_max else node_max
    return (
        _points(sum([own[a] for a in tree.areas])),
        _points(sum([final[a] for a in tree.areas])),
        _points(sum([maximum[a] for a in tree.areas])),
        appraised,
    )


def sipas_evaluated(scorecard: Scorecard, criteria_set: CriteriaSet) -> bool:
    """SIPAS counts only where it was evaluated: a score, and (when known) a response rate and a number
    of forms at or above the set's minimums (TĐ p.30–31: 10 % and 50 forms)."""
    if scorecard.sipas_points is None or not criteria_set.sipas_max:
        return False
    if scorecard.sipas_rate is not None and scorecard.sipas_rate < criteria_set.sipas_min_rate:
        return False
    return not (scorecard.sipas_forms is not None and scorecard.sipas_forms < criteria_set.sipas_min_forms)


def rating_for(index: Decimal | None, bands: list) -> str:
    """The first band whose lower bound (inclusive) the unrounded index reaches."""
    if index is None:
        return ""
    for label, lower in sorted(bands, key=lambda b: Decimal(str(b[1])), reverse=True):
        if index >= Decimal(str(lower)):
            return str(label)
    return ""


def _apply(scorecard: Scorecard, criteria_set: CriteriaSet, tree: Tree, scores: dict[int, tuple]) -> None:
    """Fill the scorecard's result fields in memory (no query)."""
    if scorecard.totals_only:
        part1 = scorecard.appraised_points if scorecard.appraised_points is not None else scorecard.self_points
        part1_max = scorecard.max_points
        if part1_max is None:
            part1_max = criteria_set.part1_max - tree.excluded_max()
    else:
        own, final, part1_max, appraised = part1_from_scores(tree, scores)
        scorecard.self_points = own
        scorecard.appraised_points = final if appraised else None
        scorecard.max_points = part1_max
        part1 = final
    scorecard.part1_points = part1
    if part1 is None:
        scorecard.points = scorecard.maximum = scorecard.index = None
        scorecard.rating = ""
        return
    points = part1 + (scorecard.survey_points or ZERO)
    maximum = part1_max + criteria_set.survey_max
    if sipas_evaluated(scorecard, criteria_set):
        points += scorecard.sipas_points
        maximum += criteria_set.sipas_max
    scorecard.points = points
    scorecard.maximum = maximum
    scorecard.index = (points / maximum * HUNDRED).quantize(INDEX_PLACES) if maximum > 0 else None
    scorecard.rating = rating_for(scorecard.index, criteria_set.rating_bands)


def _score_rows(queryset) -> dict[int, dict[int, tuple]]:
    """Node scores by scorecard and node, read straight from the cursor with the points already in
    integer hundredths (the database multiplies and casts: no Decimal is built per value, and the
    ORM's per-value converters are skipped — they cost more than the whole computation)."""
    cents = {f"c_{name}": Cast(RoundTo(F(name) * 100), IntegerField())
             for name in ("self_points", "appraised_points_1", "appraised_points_2")}
    sql, params = (queryset.annotate(**cents)
                   .values_list("node_id", "applicable", *cents, "deduction_applied", "deduction_waived", "scorecard_id")
                   .query.sql_with_params())
    by_card: dict[int, dict[int, tuple]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(20_000):
            for row in chunk:  # laid out as ScoreRow, kept as the driver's tuple
                by_card[row[7]][row[0]] = row
    return by_card


def compute_scorecard(scorecard: Scorecard, *, save: bool = True) -> Scorecard:
    """Recompute one scorecard's Part 1 totals, points, maximum, index and rating (not its rank,
    which depends on the whole round: `compute_round`)."""
    round_ = scorecard.round
    criteria_set = round_.criteria_set
    tree = Tree.for_round(round_)
    scores = {} if scorecard.totals_only else _score_rows(
        NodeScore.objects.filter(scorecard=scorecard)).get(scorecard.pk, {})
    _apply(scorecard, criteria_set, tree, scores)
    if save and scorecard.pk:
        Scorecard.objects.filter(pk=scorecard.pk).update(**{f: getattr(scorecard, f) for f in RESULT_FIELDS})
    return scorecard


def unit_type_of(scorecard: Scorecard, default: str) -> str:
    return UNIT_TYPE_OF_KIND.get(scorecard.unit.kind, default)


def _exact(card: Scorecard) -> Fraction:
    return Fraction(card.points) / Fraction(card.maximum)


def assign_ranks(cards: list[Scorecard]) -> None:
    """Competition ranking on the exact index among ranked scorecards: 1, 2, 2, 4."""
    ranked = sorted((c for c in cards if c.ranked and c.index is not None), key=_exact, reverse=True)
    previous, rank = None, 0
    for position, card in enumerate(ranked, start=1):
        value = _exact(card)
        if value != previous:
            rank, previous = position, value
        card.rank = rank
    for card in cards:
        if not card.ranked or card.index is None:
            card.rank = None


@transaction.atomic
def compute_round(round_: Round) -> list[Scorecard]:
    """Compute every scorecard of a round, rank them per unit type, and save (bulk).

    Queries: the set, the nodes, the exclusions, the scorecards with their units, all node scores of
    the round in one go, then bulk updates — the same number for 15 or 3,500 units.
    """
    criteria_set = CriteriaSet.objects.get(pk=round_.criteria_set_id)
    tree = Tree.for_round(round_)
    cards = list(Scorecard.objects.filter(round=round_).select_related("unit").order_by("pk").only(
        "id", "round_id", "unit_id", "ranked", "totals_only", *RESULT_FIELDS, "rank", "survey_points", "sipas_points",
        "sipas_rate", "sipas_forms", "unit__kind", "unit__code", "unit__name", "unit__short_name"))
    scores = _score_rows(NodeScore.objects.filter(scorecard__round=round_))
    for card in cards:
        _apply(card, criteria_set, tree, scores.get(card.pk, {}))
    groups: dict[str, list[Scorecard]] = defaultdict(list)
    for card in cards:
        groups[unit_type_of(card, criteria_set.unit_type)].append(card)
    for group in groups.values():
        assign_ranks(group)
    _save_results(cards)
    return cards


def _save_results(cards: list[Scorecard]) -> None:
    """One parametrised UPDATE run for every scorecard (executemany): Django's bulk_update builds a
    CASE expression per field and row, which takes tens of seconds at 3,500 scorecards."""
    if not cards:
        return
    fields = [Scorecard._meta.get_field(name) for name in (*RESULT_FIELDS, "rank")]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(Scorecard._meta.db_table)} SET "
           + ", ".join(f"{quote(f.column)} = %s" for f in fields) + f" WHERE {quote(Scorecard._meta.pk.column)} = %s")
    if ranking_sql.available():
        names = [f.attname for f in fields]
        ranking_sql.update(Scorecard, names, [(card.pk, *(getattr(card, n) for n in names)) for card in cards])
        return
    params = [[f.get_db_prep_save(getattr(card, f.attname), connection) for f in fields] + [card.pk] for card in cards]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# ------------------------------------------------------------------------------------------------
# Totals scored elsewhere


def _check_total(value: Decimal | None, limit: Decimal, what: str, unit) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError(f"{unit}: {what} không được âm.")
    if value > limit:
        raise ValidationError(f"{unit}: {what} {format_points(value, 3)} vượt điểm tối đa {format_points(limit)}.")


@transaction.atomic
def enter_totals(*, round_: Round, unit, part1_appraised: Decimal | None, part1_max: Decimal | None = None,
                 part1_self: Decimal | None = None, survey: Decimal | None = None, sipas: Decimal | None = None,
                 sipas_rate: Decimal | None = None, sipas_forms: int | None = None, ranked: bool = True) -> Scorecard:
    """Create or update a totals-only scorecard: the Part 1 totals of a round scored elsewhere (e.g. the
    figures of BC 36/BC-HĐTĐ), with its ĐTXHH and SIPAS scores. It then goes through the same
    `compute_round` as any scorecard.

    The appraised total may not pass the unit's Part 1 maximum; the self-score is kept as printed even
    above it (TĐ: "Bảo Thuận «75,00»" self-scored above the commune maximum of 74).
    """
    if round_.is_published:
        raise ValidationError("Kỳ đánh giá đã công bố: không sửa kết quả được.")
    criteria_set = round_.criteria_set
    limit = part1_max if part1_max is not None else criteria_set.part1_max
    if part1_max is not None and not (0 < part1_max <= criteria_set.part1_max):
        raise ValidationError(
            f"{unit}: điểm chuẩn tối đa phần tiêu chí {format_points(part1_max)} phải lớn hơn 0 và không quá "
            f"{format_points(criteria_set.part1_max)}.")
    _check_total(part1_appraised, limit, "điểm thẩm định", unit)
    _check_total(part1_self, Decimal("999999.99"), "điểm tự đánh giá", unit)
    _check_total(survey, criteria_set.survey_max, "điểm ĐTXHH", unit)
    _check_total(sipas, criteria_set.sipas_max, "điểm SIPAS", unit)
    card, _ = Scorecard.objects.update_or_create(
        round=round_, unit=unit,
        defaults={"totals_only": True, "max_points": part1_max, "self_points": part1_self,
                  "appraised_points": part1_appraised, "survey_points": survey, "sipas_points": sipas,
                  "sipas_rate": sipas_rate, "sipas_forms": sipas_forms, "ranked": ranked},
    )
    return card


# ------------------------------------------------------------------------------------------------
# Reading results: ranking rows and the summary


@dataclass
class RankingRow:
    scorecard_id: int
    unit_id: int
    unit_code: str
    name: str
    rank: int | None
    ranked: bool
    maximum: Decimal
    points: Decimal
    index: Decimal
    rating: str
    part1_points: Decimal | None
    self_points: Decimal | None
    survey_points: Decimal | None
    sipas_points: Decimal | None


def _cards(round_: Round, unit_type: str | None):
    cards = (Scorecard.objects.filter(round=round_, index__isnull=False).select_related("unit")
             .only("id", "unit_id", "unit__name", "unit__code", "unit__kind", "rank", "ranked", "maximum", "points",
                   "index", "rating", "part1_points", "self_points", "survey_points", "sipas_points"))
    default = round_.criteria_set.unit_type if unit_type else None
    out = []
    for card in cards:
        if unit_type and unit_type_of(card, default) != unit_type:
            continue
        out.append(card)
    return out


def ranking_rows(round_: Round, unit_type: str | None = None) -> list[RankingRow]:
    """The computed scorecards of a round in published order: ranked ones by rank (then name), then
    the rated-but-unranked ones by index. One query."""
    cards = _cards(round_, unit_type)
    cards.sort(key=lambda c: (not c.ranked, c.rank if c.rank is not None else 0, -c.index, c.unit.name))
    return [
        RankingRow(c.pk, c.unit_id, c.unit.code, c.unit.name, c.rank, c.ranked, c.maximum, c.points, c.index,
                   c.rating, c.part1_points, c.self_points, c.survey_points, c.sipas_points)
        for c in cards
    ]


def round_summary(round_: Round, unit_type: str | None = None, *, ranked_only: bool = True) -> dict:
    """{"highest", "mean", "lowest", "count"} of the unrounded indices ("Chỉ số cao nhất / trung bình /
    thấp nhất"); by default over the ranked units, as the footer of the published Nhóm 1 table."""
    return summarize([r for r in ranking_rows(round_, unit_type) if r.ranked or not ranked_only])


def summarize(rows: list[RankingRow]) -> dict:
    indices = [r.index for r in rows]
    if not indices:
        return {"highest": None, "mean": None, "lowest": None, "count": 0}
    return {"highest": max(indices), "mean": sum(indices, ZERO) / len(indices), "lowest": min(indices),
            "count": len(indices)}
