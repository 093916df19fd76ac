"""Named record queries of the inspections (registered in `cchc.records`, like every figure):

- ``inspected_units`` — units inspected in the window (a target with its visit dated in the window),
  by the inspecting unit (owner = the plan's unit): ``kind`` department (form 1 item 3.1 "Số sở, ngành
  đã kiểm tra"), commune (3.2, communes and wards), office (a department's or commune's own offices
  and units, its PAR 1.3.1), any.
- ``findings`` — issues found at visits dated in the window, by the inspecting unit: ``measure`` found
  (3.3.1), handled (3.3.2: the remedy's task done by the window's end), in_progress (being handled,
  not done: 1187 1.3.2 "c"); ``on`` departments_communes (found at departments, communes, wards: the
  province's own inspections, what the province's report counts across its subtree) or any.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from cchc.records import register

_KIND_WORDS = {
    "department": "Sở, ban, ngành đã được kiểm tra CCHC",
    "commune": "UBND cấp xã đã được kiểm tra CCHC",
    "office": "Phòng, đơn vị trực thuộc đã được kiểm tra CCHC",
    "any": "Đơn vị đã được kiểm tra CCHC",
}
_KINDS = {"department": ("department",), "commune": ("commune", "ward"), "office": None, "any": None}


@register(
    "inspected_units", kind="inspection_target", owner="inspection__unit_id", params={"kind": tuple(_KIND_WORDS)},
    describe=lambda p: _KIND_WORDS[p["kind"]] + " trong kỳ",
)
def _inspected_units(start, end, p):
    from .models import Target

    qs = Target.objects.filter(unit__isnull=False, visit__date__gte=start, visit__date__lte=end)
    # A unit visited twice by the same inspector in the window (two plans, a follow-up) is one unit
    # inspected: keep its first target only.
    earlier = Target.objects.filter(inspection__unit_id=OuterRef("inspection__unit_id"), unit_id=OuterRef("unit_id"),
                                    visit__date__gte=start, visit__date__lte=end, pk__lt=OuterRef("pk"))
    qs = qs.filter(~Exists(earlier))
    if p["kind"] == "office":
        return qs.exclude(unit__kind__in=("department", "commune", "ward"))
    kinds = _KINDS[p["kind"]]
    return qs if kinds is None else qs.filter(unit__kind__in=kinds)


_FINDING_WORDS = {
    "found": "Vấn đề phát hiện qua kiểm tra CCHC",
    "handled": "Vấn đề phát hiện qua kiểm tra đã xử lý xong",
    "in_progress": "Vấn đề phát hiện qua kiểm tra đang xử lý, chưa xong",
}


def handled_q(end) -> Q:
    return Q(assignment__progress="done", assignment__completed_on__lte=end)


@register(
    "findings", kind="finding", owner="visit__target__inspection__unit_id",
    params={"measure": tuple(_FINDING_WORDS), "on": ("any", "departments_communes")},
    describe=lambda p: _FINDING_WORDS[p["measure"]]
    + (" tại sở, ngành và UBND cấp xã" if p["on"] == "departments_communes" else "") + " trong kỳ",
)
def _findings(start, end, p):
    from .models import Finding

    qs = Finding.objects.filter(visit__date__gte=start, visit__date__lte=end)
    if p["on"] == "departments_communes":
        qs = qs.filter(visit__target__unit__kind__in=("department", "commune", "ward"))
    if p["measure"] == "handled":
        return qs.filter(handled_q(end))
    if p["measure"] == "in_progress":
        return qs.exclude(handled_q(end)).filter(assignment__progress__in=("in_progress", "done"))
    return qs
