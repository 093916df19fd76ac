"""Demo data for the PAR Index: the shipped 2025 sets, copied to 2026, and a 2026 round for Ninh Bình.

`load_demo()` is idempotent: a second run finds what the first made and changes nothing. It opens
one round for the departments and one for the communes and wards, fills a few scorecards (Sở Tư
pháp and three communes submitted; xã Bình Giang half done, so its officer has work to show), and
assigns canbo.stp (Sở Tư pháp) to appraise area 2 "Cải cách thể chế", as in the real council where
the Tư pháp member scored that area.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import criteria, workflow
from .forms import units_for
from .models import CriteriaSet, Node, Round, Scorecard, ScorecardStatus, UnitType

YEAR = 2026
SUBMITTED = {UnitType.DEPARTMENT: ["37.STP"], UnitType.COMMUNE: ["13285"]}
HALF_DONE = {UnitType.COMMUNE: ["13531"]}  # xã Bình Giang: its officer carries on in the demo
EXTRA_SUBMITTED = 3  # more communes, the first by code after those above
APPRAISER = ("canbo.stp", ["2"])


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def sample_inputs(node: Node, rng: random.Random) -> dict | None:
    """Plausible figures for a node's rule (a demo unit does well, but not perfectly)."""
    rule = node.rule or {}
    kind = rule.get("type")
    good = rng.random() < 0.8
    if kind == "choice":
        options = rule.get("options", [])
        return {"choice": options[0][0] if good or len(options) < 2 else options[-1][0]} if options else None
    if kind == "bands":
        on = rule.get("on", "percent")
        if on == "ratio":
            a = rng.randint(8, 40)
            return {"a": str(a), "b": str(a if good else a - rng.randint(1, max(1, a // 5)))}
        if on == "percent":
            return {"value": str(rng.choice([100, 98, 96, 92, 85]) if good else rng.randint(60, 90))}
        return {"value": str(rng.randint(1, 4) if good else 0)}
    if kind == "ratio":
        a = rng.randint(50, 2000)
        return {"a": str(a), "b": str(a if good else int(a * rng.uniform(0.75, 0.99)))}
    if kind == "weighted":
        a = rng.randint(5, 30)
        names = [name for name, _ in rule.get("terms", [])]
        values = {"a": str(a)}
        left = a
        for i, name in enumerate(names):
            take = left if (i == 0 and good) else rng.randint(0, left)
            values[name] = str(take)
            left -= take
        return values
    if kind == "percent":
        return {"value": str(Decimal(rng.randint(700, 1000)) / 10).replace(".", ",")}
    if kind == "change":
        previous = rng.randint(60, 90)
        return {"current": str(previous + (rng.randint(0, 5) if good else -2)), "previous": str(previous)}
    if kind == "rank":
        return {"rank": str(rng.randint(1, 30))}
    if kind == "points":
        share = Decimal("1") if good else Decimal("0.5")
        return {"points": str((node.max_points * share).quantize(Decimal("0.01")))}
    return None


def fill_scorecard(scorecard: Scorecard, *, share: float = 1.0, seed: str = "", submit: bool = False) -> int:
    """Fill a share of the unit's nodes with sample figures and evidence; submit when asked. Returns nodes saved."""
    round_ = scorecard.round
    tree = workflow.load_tree(round_.criteria_set, round_)
    rng = random.Random(seed or scorecard.unit.code)
    leaves = tree.self_leaves()
    leaves = leaves[: max(1, int(len(leaves) * share))]
    saved = 0
    for number, node in enumerate(leaves, start=1):
        inputs = sample_inputs(node, rng)
        if inputs is None:
            continue
        try:
            score = workflow.save_inputs(scorecard=scorecard, node=node, inputs=inputs, tree=tree, refresh=False,
                                         explanation="Đã thực hiện theo kế hoạch; chi tiết tại phụ lục kèm theo.")
        except ValidationError:
            continue
        saved += 1
        if score.self_points and score.self_points > 0:
            workflow.add_evidence(
                scorecard=scorecard, node=node, document_number=f"{number}/BC-UBND",
                document_date=datetime.date(YEAR, 11, 1) + datetime.timedelta(days=number % 20),
                note=f"Báo cáo kết quả thực hiện tiêu chí {node.code}.",
            )
    workflow.refresh_self_total(scorecard, tree)
    if submit:
        try:
            workflow.submit_scorecard(scorecard=scorecard)
        except ValidationError:
            pass
    return saved


def _set_for(unit_type: str) -> CriteriaSet | None:
    current = CriteriaSet.objects.filter(unit_type=unit_type, year=YEAR).order_by("-version").first()
    if current is not None:
        return current
    source = CriteriaSet.objects.filter(unit_type=unit_type, year=YEAR - 1).order_by("-version").first()
    if source is None:
        return None
    return criteria.copy_set(source, YEAR)


@transaction.atomic
def load_demo() -> str:
    from django.contrib.auth import get_user_model

    lines = []
    sets = criteria.load_shipped_sets()
    lines.append(f"Bộ tiêu chí Chỉ số CCHC: {len(sets)} bộ năm {YEAR - 1}.")
    for unit_type in (UnitType.DEPARTMENT, UnitType.COMMUNE):
        cset = _set_for(unit_type)
        if cset is None:
            continue
        round_ = Round.objects.filter(criteria_set=cset, year=YEAR).first()
        if round_ is None:
            units = list(units_for(cset))
            if not units:
                continue
            round_ = workflow.open_round(
                criteria_set=cset, units=units, year=YEAR,
                title=f"Chỉ số CCHC năm {YEAR} — {cset.get_unit_type_display()}",
                self_deadline=_at(datetime.date(YEAR, 12, 15)),
                appraisal_1_deadline=_at(datetime.date(YEAR, 12, 25)),
                appraisal_2_deadline=_at(datetime.date(YEAR + 1, 1, 10)),
                excluded_nodes=[],
            )
            cards = {c.unit.code: c for c in round_.scorecards.select_related("unit", "round__criteria_set")}
            submitted = list(SUBMITTED.get(unit_type, []))
            others = sorted(code for code in cards if code not in submitted and code not in HALF_DONE.get(unit_type, []))
            if unit_type == UnitType.COMMUNE:
                submitted += others[:EXTRA_SUBMITTED]
            for code in submitted:
                if code in cards:
                    fill_scorecard(cards[code], submit=True)
            for code in HALF_DONE.get(unit_type, []):
                if code in cards:
                    fill_scorecard(cards[code], share=0.5)
            appraiser = get_user_model().objects.filter(username=APPRAISER[0]).first()
            areas = list(cset.nodes.filter(parent__isnull=True, code__in=APPRAISER[1]))
            if appraiser is not None and areas:
                workflow.assign_appraiser(round_=round_, user=appraiser, areas=areas)
        n_sub = round_.scorecards.filter(status=ScorecardStatus.SUBMITTED).count()
        lines.append(f"{round_.title}: {round_.scorecards.count()} đơn vị, {n_sub} đã gửi tự đánh giá.")
    return "\n".join(lines)

