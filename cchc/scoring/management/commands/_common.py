"""Shared by the scoring_* commands: find a set by slug (latest version unless told)."""

from __future__ import annotations

from django.core.management.base import CommandError

from cchc.scoring.models import CriteriaSet


def find_set(slug: str, version: int | None = None, year: int | None = None) -> CriteriaSet:
    sets = CriteriaSet.objects.filter(slug=slug)
    if year:
        sets = sets.filter(year=year)
    if version:
        sets = sets.filter(version=version)
    criteria_set = sets.order_by("-year", "-version").first()
    if criteria_set is None:
        raise CommandError(f"Không có bộ tiêu chí «{slug}»" + (f" phiên bản {version}" if version else "") + ".")
    return criteria_set
