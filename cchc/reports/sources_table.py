"""Where each figure comes from — every indicator of the shipped forms and every PAR Index criterion
the system can feed — generated from the mapping data, so the README's table and the coordinator's
page cannot drift from what the code does."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from cchc.reports import live
from cchc.reports.form_sets import SHIPPED

ORIGINS = {
    "records": "Dữ liệu hệ thống",
    "ratio": "Tính từ tử số, mẫu số",
    "typed": "Nhập tay",
    "other_system": "Nhập tay hoặc nhập tệp xuất của hệ thống khác",
    "group": "—",
}
START, END = "<!-- nguon-so-lieu:bat-dau -->", "<!-- nguon-so-lieu:ket-thuc -->"


@dataclass(frozen=True)
class Row:
    key: str  # "1/2.1"
    name: str
    origin: str  # a key of ORIGINS
    how: str  # the named query and its words, or what the ratio divides

    @property
    def label(self) -> str:
        return ORIGINS[self.origin]


def indicator_rows() -> list[Row]:
    text = SHIPPED.read_bytes().decode("utf-8-sig")
    sources, imported = live.sources(), live.imported_keys()
    out = []
    for r in csv.DictReader(io.StringIO(text)):
        key = f"{r['Biểu mẫu']}/{r['STT']}"
        kind = r["Loại"]
        source = sources.get(key)
        if source is not None:
            scope = "; báo cáo của tỉnh: toàn tỉnh" if source.province else ""
            scope += "; chỉ báo cáo của tỉnh" if not source.units else ""
            window = "lũy kế từ 01/01" if source.window == "year" else "trong kỳ"
            how = f"`{source.query}` — {source.describe()} ({window}{scope})"
            out.append(Row(key, r["Chỉ tiêu thống kê"], "records", how))
        elif kind.startswith("Nhóm"):
            out.append(Row(key, r["Chỉ tiêu thống kê"], "group", ""))
        elif r["Tử số"] and r["Mẫu số"]:
            out.append(Row(key, r["Chỉ tiêu thống kê"], "ratio", f"{r['Tử số']} / {r['Mẫu số']} × 100"))
        else:
            out.append(Row(key, r["Chỉ tiêu thống kê"], "other_system" if key in imported else "typed", ""))
    return out


def par_rows() -> list[Row]:
    """The PAR Index criteria the self-assessment feeds from the records, by unit type."""
    from cchc.scoring import prefill

    out = []
    for unit_type, mapping in prefill.PREFILL_MAP.items():
        for code, source in mapping.items():
            out.append(Row(f"{unit_type} {code}", "", "records", prefill.describe_source(source)))
    return out


def markdown() -> str:
    rows = indicator_rows()
    counts = {o: sum(1 for r in rows if r.origin == o) for o in ORIGINS}
    lines = [
        START,
        f"{len(rows)} chỉ tiêu của bộ biểu mẫu 4625/BNV-CCHC: {counts['records']} từ dữ liệu hệ thống, "
        f"{counts['ratio']} tính từ tử số và mẫu số, {counts['typed'] + counts['other_system']} nhập tay "
        f"({counts['other_system']} trong đó là số liệu của hệ thống khác, nhập được từ tệp CSV/XLSX xuất ra), {counts['group']} dòng nhóm. "
        "Sinh từ `cchc/reports/data/4625.json` bằng `python manage.py sources_table --write`.",
        "",
        "| Biểu mẫu/STT | Chỉ tiêu | Nguồn | Cách tính |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        name = r.name.replace("|", "/")
        lines.append(f"| {r.key} | {name} | {ORIGINS[r.origin]} | {r.how.replace('|', '/')} |")
    par = par_rows()
    if par:
        lines += ["", "Chỉ số CCHC (PAR Index): tiêu chí được gợi ý từ dữ liệu hệ thống, theo loại đơn vị; "
                  "các tiêu chí khác do đơn vị tự chấm và thẩm định.", "",
                  "| Loại đơn vị, tiêu chí | Nguồn | Cách tính |", "| --- | --- | --- |"]
        lines += [f"| {r.key} | {ORIGINS[r.origin]} | {r.how.replace('|', '/')} |" for r in par]
    lines.append(END)
    return "\n".join(lines)


def replace_in(text: str) -> str:
    """`text` (the README) with its generated block replaced by the current one."""
    if START not in text or END not in text:
        return text.rstrip("\n") + "\n\n" + markdown() + "\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return head + markdown() + tail
