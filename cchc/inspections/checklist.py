"""The checklist per area, as data (`data/checklist.json`): the seven CCHC areas and what is checked in each."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

RESULTS = {"dat": "Đạt", "chua_dat": "Chưa đạt", "": "Chưa kiểm tra"}


@cache
def areas() -> list[dict]:
    return json.loads((Path(__file__).parent / "data" / "checklist.json").read_text(encoding="utf-8"))["areas"]


def area_names() -> dict[str, str]:
    return {a["code"]: a["name"] for a in areas()}


def items_of(codes: list[str] | None = None) -> list[dict]:
    """The checklist items of these areas (all areas when none is given), each with its area."""
    chosen = set(codes or [a["code"] for a in areas()])
    return [{**item, "area": a["code"], "area_name": a["name"]} for a in areas() if a["code"] in chosen for item in a["items"]]
