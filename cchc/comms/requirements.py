"""What a communication plan requires of its units, derived from its text, and whether units meet it.

Seed 001 (the province's 2026 communication plan) says, in I.2.b, "Triển khai, tổ chức thực hiện
tại 100% các Sở, ban, ngành, các cơ quan ngành dọc Trung ương …, các đơn vị sự nghiệp công lập
thuộc tỉnh, Ủy ban nhân dân các xã, phường" and, in channel II.2.e, "bằng ít nhất một trong số các
hình thức: Tổ chức Cuộc thi …; Hội thảo/Tọa đàm …; Sân khấu hóa hoặc các hình thức tuyên truyền mới,
sáng tạo khác". `derive_requirements` reads such sentences from any plan (folded, no diacritics);
when a communication plan says nothing of the kind, the same two rules are its default. The rules
are saved as `Requirement` rows attached to the plan, so a coordinator can correct them.
"""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.db.models import Q

from cchc.lib.text import fold
from cchc.orgs.models import Unit, UnitKind, active_units_q
from cchc.plans.models import Plan, PlanKind

from .figures import rollup
from .models import ChannelKind, Requirement, RequirementKind

# Phrases naming groups of units (folded) → unit kinds.
_KIND_PHRASES = [
    ("so ban nganh", [UnitKind.DEPARTMENT]),
    ("nganh doc", [UnitKind.CENTRAL_AGENCY]),
    ("trung uong dong tren dia ban", [UnitKind.CENTRAL_AGENCY]),
    ("don vi su nghiep", [UnitKind.SERVICE_UNIT]),
    ("cac xa phuong", [UnitKind.COMMUNE, UnitKind.WARD]),
    ("cap xa", [UnitKind.COMMUNE, UnitKind.WARD]),
    ("cac xa", [UnitKind.COMMUNE]),
    ("cac phuong", [UnitKind.WARD]),
    ("co quan bao chi", [UnitKind.PRESS]),
]
DEFAULT_PROVINCE_KINDS = [UnitKind.DEPARTMENT, UnitKind.CENTRAL_AGENCY, UnitKind.SERVICE_UNIT,
                          UnitKind.COMMUNE, UnitKind.WARD]
# Phrases naming channels (folded) → channel codes; "mới, sáng tạo" → innovative.
_CHANNEL_PHRASES = [
    ("cuoc thi", ChannelKind.CONTEST), ("hoi thao", ChannelKind.SEMINAR), ("toa dam", ChannelKind.SEMINAR),
    ("hoi nghi", ChannelKind.CONFERENCE), ("san khau", ChannelKind.STAGING), ("bieu dien", ChannelKind.STAGING),
    ("video", ChannelKind.VIDEO), ("infographic", ChannelKind.INFOGRAPHIC), ("tap huan", ChannelKind.TRAINING),
    ("pano", ChannelKind.BANNER), ("bang ron", ChannelKind.BANNER), ("ap phich", ChannelKind.POSTER),
    ("to roi", ChannelKind.LEAFLET), ("mang xa hoi", ChannelKind.SOCIAL), ("phat thanh", ChannelKind.RADIO),
    ("truyen hinh", ChannelKind.TV),
]
DEFAULT_NEW_FORMS = [ChannelKind.CONTEST, ChannelKind.SEMINAR, ChannelKind.STAGING]
DEFAULT_NEW_FORMS_TEXT = ("Ngoài các hình thức thường xuyên, tuyên truyền bằng ít nhất một trong số các hình thức: "
                          "cuộc thi tìm hiểu; hội thảo/tọa đàm; sân khấu hóa hoặc các hình thức mới, sáng tạo khác.")


def _unique(items):
    return list(dict.fromkeys(items))


def _kinds_in(text: str) -> list[str]:
    folded = fold(text)
    kinds = []
    for phrase, found in _KIND_PHRASES:
        if phrase in folded:
            kinds.extend(found)
    return _unique(k.value if hasattr(k, "value") else k for k in kinds)


def derive_requirements(plan: Plan) -> list[Requirement]:
    """The requirements the plan's text states (unsaved), or the defaults of a communication plan."""
    found: list[Requirement] = []
    body = plan.body if isinstance(plan.body, dict) else {}
    statements = [("Mục I.2", s) for s in body.get("requirements", []) or []]
    statements += [("Mục I.1", s) for s in body.get("objectives", []) or []]
    statements += [("Chỉ tiêu", t) for t in plan.targets.values_list("text", flat=True)]
    province_level = plan.unit.kind == UnitKind.PROVINCE
    for where, sentence in statements:
        if not isinstance(sentence, str) or not re.search(r"100\s*%", sentence):
            continue
        if "trien khai" not in fold(sentence) and "thuc hien" not in fold(sentence):
            continue
        kinds = _kinds_in(sentence) or (list(DEFAULT_PROVINCE_KINDS) if province_level else [])
        found.append(Requirement(plan=plan, kind=RequirementKind.IMPLEMENT, text=sentence, source=where,
                                 unit_kinds=kinds, min_activities=1))
        break
    for channel in plan.channels.all():
        folded = fold(channel.text)
        if "it nhat" not in folded:
            continue
        tail = folded.split("it nhat", 1)[1]
        codes = _unique(code.value for phrase, code in _CHANNEL_PHRASES if phrase in tail)
        innovative = "sang tao" in tail or "hinh thuc moi" in tail or "tuyen truyen moi" in tail
        if not codes and not innovative:
            continue
        found.append(Requirement(plan=plan, kind=RequirementKind.ANY_CHANNEL, text=channel.text,
                                 source=f"Hình thức {channel.code})", channels=codes, count_innovative=innovative,
                                 min_activities=1))
        break
    if plan.kind != PlanKind.COMMUNICATION:
        return found
    default_kinds = list(DEFAULT_PROVINCE_KINDS) if province_level else []
    if not any(r.kind == RequirementKind.IMPLEMENT for r in found):
        found.insert(0, Requirement(
            plan=plan, kind=RequirementKind.IMPLEMENT, source="Mặc định",
            text="Triển khai, tổ chức thực hiện kế hoạch tại 100% đơn vị thuộc phạm vi kế hoạch.",
            unit_kinds=default_kinds, min_activities=1))
    if not any(r.kind == RequirementKind.ANY_CHANNEL for r in found):
        found.append(Requirement(
            plan=plan, kind=RequirementKind.ANY_CHANNEL, source="Mặc định", text=DEFAULT_NEW_FORMS_TEXT,
            unit_kinds=default_kinds, channels=[c.value for c in DEFAULT_NEW_FORMS], count_innovative=True))
    implement = next(r for r in found if r.kind == RequirementKind.IMPLEMENT)
    for order, requirement in enumerate(found):
        requirement.order = order
        if requirement.kind == RequirementKind.ANY_CHANNEL and not requirement.unit_kinds:
            # The new-forms rule applies to the same units as the plan itself.
            requirement.unit_kinds = list(implement.unit_kinds)
    return found


def ensure_requirements(plan: Plan) -> list[Requirement]:
    """The plan's saved requirements; derived and saved the first time (audited like any change)."""
    saved = list(plan.comm_requirements.all())
    if saved or plan.kind != PlanKind.COMMUNICATION:
        return saved
    with transaction.atomic():
        for requirement in derive_requirements(plan):
            requirement.save()
    return list(plan.comm_requirements.all())


def scope_units(plan: Plan, requirements: list[Requirement], on: datetime.date | None = None):
    """Units the requirements apply to: active units of their kinds under the plan's unit."""
    kinds = _unique(k for r in requirements for k in r.unit_kinds)
    q = Q(pk=plan.unit_id) if any(not r.unit_kinds for r in requirements) else Q(pk__in=[])
    if kinds:
        # "các sở, ban, ngành, đơn vị sự nghiệp thuộc tỉnh, UBND các xã, phường": the plan unit's
        # direct subordinates of those kinds (a commune's own service units are the commune's business).
        q |= Q(kind__in=kinds, parent_id=plan.unit_id)
    return Unit.objects.filter(q).filter(active_units_q(on))


def check_requirements(plan: Plan, start, end, *, units=None) -> dict:
    """Each unit in scope with, for each requirement, its count of matching activities and met or not.

    Two queries for all units and all requirements: the units, and one grouped `rollup` with a
    conditional count per requirement. `units`
    narrows the scope (a unit group or kind filter). Returns {"requirements", "rows", "summary"}:
    rows = [{"unit", "checks": [{"applies", "count", "met"}], "all_met"}], summary per requirement
    = {"applicable", "met", "rate"} (rate in %, None when nothing applies).
    """
    requirements = ensure_requirements(plan)
    qs = scope_units(plan, requirements, on=end)
    if units is not None:
        qs = qs.filter(pk__in=units.values("pk"))
    conditions = {f"req_{i}": (list(r.channels), r.count_innovative)
                  for i, r in enumerate(requirements) if r.kind != RequirementKind.IMPLEMENT}
    sums = rollup(qs, start, end, counts=conditions)
    rows = []
    summary = [{"requirement": r, "applicable": 0, "met": 0} for r in requirements]
    for unit in qs.order_by("path"):
        checks = []
        found = sums.get((unit.pk,), {})
        for i, requirement in enumerate(requirements):
            applies = unit.kind in requirement.unit_kinds if requirement.unit_kinds else unit.pk == plan.unit_id
            count = found.get(f"req_{i}" if f"req_{i}" in conditions else "activities", 0)
            met = count >= requirement.min_activities
            checks.append({"applies": applies, "count": count, "met": met})
            if applies:
                summary[i]["applicable"] += 1
                summary[i]["met"] += met
        rows.append({"unit": unit, "checks": checks,
                     "all_met": all(c["met"] for c in checks if c["applies"])})
    for s in summary:
        s["rate"] = round(100 * s["met"] / s["applicable"], 1) if s["applicable"] else None
        s["short"] = s["applicable"] - s["met"]
    # Those who miss the most first; then by kind (departments, communes, wards…) and name.
    kinds = list(UnitKind.values)
    rows.sort(key=lambda r: (r["all_met"], -sum(1 for c in r["checks"] if c["applies"] and not c["met"]),
                             kinds.index(r["unit"].kind) if r["unit"].kind in kinds else 99, r["unit"].name))
    return {"requirements": requirements, "rows": rows, "summary": summary}
