"""Demo data for the surveys: the national SIPAS and ĐTXHH questionnaires of 2025 and 2026, a SIPAS
survey open at the one-stop desks of a few Ninh Bình units (xã Bình Giang, phường Phủ Lý, Sở Tư
pháp, Văn phòng UBND tỉnh) with answers (online and paper), a 2025 survey of xã Bình Giang to compare
with, and a civil-servant survey of Sở Tư pháp. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from cchc.orgs.models import Unit

from . import services
from .models import Answer, Channel, Questionnaire, QuestionnaireKind, Response, Survey

UNITS = {  # unit code: (desk, files handled, answers, satisfied share)
    "13531": ("Bộ phận Một cửa xã Bình Giang", 1200, 140, 0.86),
    "13285": ("Bộ phận Một cửa phường Phủ Lý", 2600, 230, 0.82),
    "37.STP": ("Bộ phận Một cửa Sở Tư pháp", 900, 40, 0.9),
    "37.VPUB": ("Trung tâm Phục vụ hành chính công tỉnh", 3000, 320, 0.88),
}
YEARS = (2025, 2026)


def _questionnaire(kind: str, year: int) -> Questionnaire:
    q = Questionnaire.objects.filter(kind=kind, year=year, owner__isnull=True).order_by("version").first()
    return q or services.load_questionnaire(services.national(kind), year=year)


def _answers(survey: Survey, n: int, share: float, rng: random.Random, start: datetime.date) -> None:
    questions = services.questions_of(survey)
    responses = []
    for i in range(n):
        paper = i % 5 == 0
        responses.append(Response(
            survey=survey, channel=Channel.PAPER if paper else Channel.ONLINE,
            day=start + datetime.timedelta(days=i % 60), device="" if paper else f"demo-{survey.pk}-{i}",
        ))
    responses = Response.objects.bulk_create(responses)
    answers = []
    for r in responses:
        for q in questions:
            if rng.random() < share:
                value = rng.choice((4, 4, 5))
            else:
                value = rng.choice((1, 2, 3))
            answers.append(Answer(response=r, question=q, value=value))
    Answer.objects.bulk_create(answers, batch_size=5000)


@transaction.atomic
def load_demo() -> str:
    rng = random.Random(2026)
    made = 0
    qs = {(k, y): _questionnaire(k, y) for k in (QuestionnaireKind.SIPAS, QuestionnaireKind.STAFF) for y in YEARS}
    for year in YEARS:
        for code, (desk, files, n, share) in UNITS.items():
            unit = Unit.objects.filter(code=code).first()
            if unit is None or (year == 2025 and code != "13531"):
                continue
            start = datetime.date(year, 1, 5)
            survey, created = Survey.objects.get_or_create(
                questionnaire=qs[(QuestionnaireKind.SIPAS, year)], unit=unit, desk=desk,
                defaults={"opens_on": start, "closes_on": datetime.date(year, 12, 31), "files_handled": files,
                          "published": year == 2025},
            )
            if created:
                made += 1
                _answers(survey, n if year == 2026 else 120, share if year == 2026 else share - 0.08, rng, start)
    unit = Unit.objects.filter(code="37.STP").first()
    if unit is not None:
        survey, created = Survey.objects.get_or_create(
            questionnaire=qs[(QuestionnaireKind.STAFF, 2026)], unit=unit, desk="",
            defaults={"opens_on": datetime.date(2026, 1, 5), "closes_on": datetime.date(2026, 12, 31)},
        )
        if created:
            made += 1
            _answers(survey, 60, 0.8, rng, datetime.date(2026, 1, 5))
    total = Response.objects.count()
    return f"Khảo sát: {Questionnaire.objects.count()} phiếu khảo sát, {Survey.objects.count()} đợt ({made} mới), {total} phiếu trả lời"
