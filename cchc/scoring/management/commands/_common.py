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


def find_round(round_id: int):
    from cchc.scoring.models import Round

    round_ = Round.objects.select_related("criteria_set").filter(pk=round_id).first()
    if round_ is None:
        raise CommandError(f"Không có kỳ đánh giá số {round_id}.")
    return round_


def report(command, result, done: str) -> None:
    """Print a BulkResult: the notes, then either what changed or every row error (nothing saved)."""
    for note in result.notes:
        command.stdout.write(note)
    if not result.ok:
        raise CommandError("Không ghi gì. " + "\n".join(str(e) for e in result.errors))
    command.stdout.write(done.format(changed=result.changed))
