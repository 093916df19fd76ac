"""A small contest for the tests: 12 questions (2 of them multiple choice), one open round."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cchc.contest.models import Choice, Contest, Question, QuestionKind, Round
from cchc.test import SO_NOI_VU, unit


def make_contest(*, questions: int = 12, slug: str = "thu-nghiem", **round_fields) -> tuple[Contest, Round]:
    contest = Contest.objects.create(title="Cuộc thi thử nghiệm về CCHC", slug=slug, unit=unit(SO_NOI_VU))
    for i in range(questions):
        multiple = i % 6 == 5
        q = Question.objects.create(contest=contest, code=f"T{i:03d}", text=f"Câu hỏi số {i} về cải cách hành chính?",
                                    kind=QuestionKind.MULTIPLE if multiple else QuestionKind.SINGLE, topic="Chung")
        Choice.objects.bulk_create([Choice(question=q, text=f"Phương án {x} của câu {i}", correct=(x == "A" or (multiple and x == "C")), order=n)
                                    for n, x in enumerate("ABCD")])
    now = timezone.now()
    fields = {"number": 1, "opens_at": now - datetime.timedelta(days=1), "closes_at": now + datetime.timedelta(days=6),
              "questions_count": 5, "time_limit_minutes": 10, **round_fields}
    return contest, Round.objects.create(contest=contest, **fields)


def right_answers(attempt) -> dict[str, list[str]]:
    correct = set(Choice.objects.filter(question_id__in=[q for q, _ in attempt.questions], correct=True).values_list("pk", flat=True))
    return {str(q): [str(c) for c in cs if c in correct] for q, cs in attempt.questions}


def wrong_answers(attempt, wrong: int) -> dict[str, list[str]]:
    """All right except the first `wrong` questions, answered with a wrong choice."""
    answers = right_answers(attempt)
    correct = set(Choice.objects.filter(question_id__in=[q for q, _ in attempt.questions], correct=True).values_list("pk", flat=True))
    for q, cs in attempt.questions[:wrong]:
        answers[str(q)] = [str(next(c for c in cs if c not in correct))]
    return answers
