"""A small criteria set with one node of each kind the round workflow meets, and a round over two communes.

    1     Công tác chỉ đạo điều hành                      5.50 (sum)
    1.1   Ban hành văn bản                                4.00 (sum)
    1.1.1 Ban hành kế hoạch CCHC (choice Có 2 / Không 0)  2.00
    1.1.2 Nhiệm vụ hoàn thành (bands on b/a 100/90)       2.00
    1.2   Báo cáo đúng hạn (ratio, floor 0.8)             1.50
    2     Cải cách thể chế                                3.50 (sum)
    2.1   Tỷ lệ (percent, may be not applicable)          1.00
    2.2   Do Hội đồng chấm (appraisal only)               1.00
    2.3   Tài sản công (points, deduction 50 %, waivable) 1.00
    2.4   Tuyển dụng (points; excluded in 2025)           0.50
"""

import datetime
import json

from django.utils import timezone

from cchc.scoring import criteria, workflow
from cchc.test import BINH_GIANG, PHU_LY, unit, user

ROWS = [
    ("1", "Công tác chỉ đạo điều hành", "5.50", "self", "", "0", ""),
    ("1.1", "Ban hành văn bản", "4.00", "self", "", "0", ""),
    ("1.1.1", "Ban hành kế hoạch CCHC", "2.00", "self", {"type": "choice", "options": [["Có", 2.0], ["Không", 0]]}, "0", ""),
    ("1.1.2", "Kết quả thực hiện nhiệm vụ", "2.00", "self",
     {"type": "bands", "on": "ratio", "bands": [[100, 2.0], [90, 1.0], [0, 0]]}, "0", ""),
    ("1.2", "Thực hiện chế độ báo cáo", "1.50", "self", {"type": "ratio", "floor": 0.8}, "0", ""),
    ("2", "Cải cách thể chế", "3.50", "self", "", "0", ""),
    ("2.1", "Tỷ lệ văn bản được kiểm tra", "1.00", "self", {"type": "percent"}, "1", ""),
    ("2.2", "Chất lượng văn bản (Hội đồng chấm)", "1.00", "appraisal", {"type": "points"}, "0", ""),
    ("2.3", "Quản lý tài sản công", "1.00", "self", {"type": "points"}, "0",
     {"share": 0.5, "label": "HĐTĐ trừ 50% điểm đạt được", "waivable": True}),
    ("2.4", "Tuyển dụng công chức", "0.50", "self", {"type": "points"}, "0", ""),
]


def make_set(slug: str = "2025-xa-thu", year: int = 2025, exclusions=("2.4",)):
    rows = [
        {"code": c, "title": t, "max_points": m, "source": s,
         "rule": json.dumps(r, ensure_ascii=False) if r else "", "na_allowed": na,
         "deduction": json.dumps(d, ensure_ascii=False) if d else "", "evidence": "Kế hoạch, báo cáo.", "guidance": ""}
        for c, t, m, s, r, na, d in ROWS
    ]
    meta = {"slug": slug, "year": year, "unit_type": "commune", "title": f"Bộ tiêu chí thử {year}",
            "document": "1234/QĐ-UBND ngày 08/9/2025", "version": 1, "part1_max": "9", "survey_max": "15",
            "sipas_max": "10", "sipas_min_rate": "10", "sipas_min_forms": 50,
            f"round_exclusions_{year}": list(exclusions)}
    cset, _ = criteria.load_set(meta, rows)
    return cset


def days(n: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


def open_test_round(cset=None, **kwargs):
    cset = cset or make_set()
    values = {"self_deadline": days(10), "appraisal_1_deadline": days(20), "appraisal_2_deadline": days(30)}
    values.update(kwargs)
    return workflow.open_round(criteria_set=cset, units=[unit(BINH_GIANG), unit(PHU_LY)], by=user("dieuphoi"),
                               **values)


def node(round_, code: str):
    return round_.criteria_set.nodes.get(code=code)


def card(round_, code: str = BINH_GIANG):
    return round_.scorecards.select_related("round__criteria_set", "unit").get(unit__code=code)


FULL_INPUTS = {
    "1.1.1": {"choice": "Có"},
    "1.1.2": {"a": "20", "b": "19"},
    "1.2": {"a": "193.457", "b": "190.000"},
    "2.1": {"value": "82,78"},
    "2.3": {"points": "1"},
}


def fill_all(round_, code: str = BINH_GIANG, who: str = "canbo.binhgiang", evidence: bool = True):
    sc = card(round_, code)
    officer = user(who)
    for node_code, inputs in FULL_INPUTS.items():
        n = node(round_, node_code)
        workflow.save_inputs(scorecard=sc, node=n, inputs=inputs, explanation="Đã thực hiện.", by=officer)
        if evidence:
            workflow.add_evidence(scorecard=sc, node=n, document_number="12/KH-UBND",
                                  document_date=datetime.date(2025, 1, 15), by=officer)
    return sc
