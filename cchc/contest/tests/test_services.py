import datetime
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from cchc.contest import services
from cchc.contest.models import Attempt, Choice, CountedRule, Participant, Question, Round
from cchc.test import BINH_GIANG, PHU_LY, unit

from .factories import make_contest, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


# --- people ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678", "(091) 234-5678"])
def test_phone_numbers_are_normalised(raw):
    assert services.normalise_phone(raw) == "0912345678"


def test_landline_is_accepted():
    assert services.normalise_phone("+84 229 3871 234") == "02293871234"


@pytest.mark.parametrize("raw", ["", "12345", "0112345678", "09123456789", "abc0912345678", "+1 912 345 678"])
def test_malformed_phone_is_refused_and_nothing_saved(raw):
    contest, _ = make_contest()
    with pytest.raises(ValidationError) as exc:
        services.register(contest, name="Nguyễn Văn A", phone=raw, unit=unit(BINH_GIANG))
    assert "Số điện thoại" in exc.value.messages[0]
    assert not Participant.objects.filter(contest=contest).exists()


def test_registering_twice_with_the_same_phone_reuses_the_participant():
    contest, _ = make_contest()
    first, created = services.register(contest, name="Nguyễn Thị Hoa", phone="0912 345 678", unit=unit(BINH_GIANG))
    again, created_again = services.register(contest, name="Nguyen Thi Hoa", phone="+84912345678", address="Thôn Đông")
    assert created and not created_again
    assert again.pk == first.pk and again.name == "Nguyễn Thị Hoa"
    assert Participant.objects.filter(contest=contest).count() == 1


def test_registration_needs_a_name_and_a_unit_or_address():
    contest, _ = make_contest()
    with pytest.raises(ValidationError) as exc:
        services.register(contest, name="  ", phone="0912345678")
    assert exc.value.messages == ["Vui lòng nhập họ và tên.", "Vui lòng chọn cơ quan, đơn vị hoặc nhập địa chỉ nơi ở."]
    assert not Participant.objects.exists() or not Participant.objects.filter(contest=contest).exists()


# --- sitting a round --------------------------------------------------------------------------------------


def _person(contest, phone="0912345678", code=BINH_GIANG):
    return services.register(contest, name=f"Người {phone}", phone=phone, unit=unit(code))[0]


def test_attempt_stores_the_drawn_questions_and_shuffled_choices():
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_, rng=random.Random(3))
    assert len(attempt.questions) == 5
    qids = [q for q, _ in attempt.questions]
    assert len(set(qids)) == 5
    for qid, cids in attempt.questions:
        assert sorted(cids) == sorted(Choice.objects.filter(question_id=qid).values_list("pk", flat=True))
    assert any(cids != sorted(cids) for _, cids in attempt.questions)  # shuffled
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=10)
    # The page shows them in the stored order.
    shown = services.drawn(attempt)
    assert [s.question.pk for s in shown] == qids
    assert [c.pk for c in shown[0].choices] == attempt.questions[0][1]


def test_an_attempt_in_progress_is_resumed_not_redrawn():
    contest, round_ = make_contest()
    person = _person(contest)
    first = services.start_attempt(person, round_)
    assert services.start_attempt(person, round_).pk == first.pk


def test_closed_or_not_yet_open_round_refuses_new_attempts():
    now = timezone.now()
    contest, round_ = make_contest(opens_at=now - datetime.timedelta(days=7), closes_at=now - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.start_attempt(_person(contest), round_)
    later = Round.objects.create(contest=contest, number=2, opens_at=now + datetime.timedelta(days=1),
                                 closes_at=now + datetime.timedelta(days=8))
    with pytest.raises(ValidationError, match="chưa mở"):
        services.start_attempt(_person(contest), later)
    assert not Attempt.objects.filter(round__contest=contest).exists()


def test_submission_is_scored_and_counted():
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_)
    result = services.submit(attempt, wrong_answers(attempt, 2), prediction="1.234", key="k-1",
                             now=attempt.started_at + datetime.timedelta(seconds=95))
    a = result.attempt
    assert not result.repeated
    assert (a.score, a.prediction, a.duration_ms, a.counted) == (3, 1234, 95_000, True)
    assert a.submitted_at == attempt.started_at + datetime.timedelta(seconds=95)


def test_multiple_choice_needs_exactly_the_right_set():
    contest, round_ = make_contest(questions=12, questions_count=12)
    attempt = services.start_attempt(_person(contest), round_)
    answers = right_answers(attempt)
    multi = [q for q, _ in attempt.questions if Question.objects.get(pk=q).kind == "multiple"][0]
    answers[str(multi)] = answers[str(multi)][:1]  # only one of the two right choices
    a = services.submit(attempt, answers, prediction=10, key="k-m").attempt
    assert a.score == 11


def test_retry_with_the_same_key_returns_the_same_result_and_counts_once():
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_)
    first = services.submit(attempt, right_answers(attempt), prediction=50, key="same")
    again = services.submit(attempt, {}, prediction=1, key="same")
    assert again.repeated and again.attempt.pk == first.attempt.pk
    assert (again.attempt.score, again.attempt.prediction) == (5, 50)
    assert Attempt.objects.filter(round=round_, counted=True).count() == 1
    assert services.participants_count(round_) == 1


def test_answer_after_the_time_limit_is_refused_and_nothing_saved():
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_)
    late = attempt.deadline + services.GRACE + datetime.timedelta(seconds=1)
    with pytest.raises(ValidationError) as exc:
        services.submit(attempt, right_answers(attempt), prediction=5, key="late", now=late)
    assert "Đã hết thời gian làm bài (10 phút" in exc.value.messages[0]
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.score, attempt.counted, attempt.submission_key) == (None, None, False, None)


def test_answer_after_the_round_closes_is_refused():
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_)
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="đã kết thúc lúc .*không được tính"):
        services.submit(attempt, right_answers(attempt), prediction=5, key="closed")
    assert not Attempt.objects.filter(round=round_, submitted_at__isnull=False).exists()


def test_unknown_question_or_choice_ids_are_refused():
    contest, round_ = make_contest(questions=12, questions_count=5)
    attempt = services.start_attempt(_person(contest), round_)
    drawn_q = {q for q, _ in attempt.questions}
    other_q = Question.objects.filter(contest=contest).exclude(pk__in=drawn_q).first()
    answers = right_answers(attempt)
    with pytest.raises(ValidationError, match="câu hỏi không thuộc bài thi"):
        services.submit(attempt, {**answers, str(other_q.pk): [str(other_q.choices.first().pk)]}, prediction=1, key="x1")
    q0 = str(attempt.questions[0][0])
    with pytest.raises(ValidationError, match="phương án trả lời không thuộc"):
        services.submit(attempt, {**answers, q0: [str(other_q.choices.first().pk)]}, prediction=1, key="x2")
    with pytest.raises(ValidationError, match="không hợp lệ"):
        services.submit(attempt, {**answers, q0: ["abc"]}, prediction=1, key="x3")
    with pytest.raises(ValidationError, match="dự đoán"):
        services.submit(attempt, answers, prediction="", key="x4")
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.counted


def test_first_rule_counts_the_first_attempt():
    contest, round_ = make_contest(counted_rule=CountedRule.FIRST)
    person = _person(contest)
    a1 = services.start_attempt(person, round_)
    services.submit(a1, wrong_answers(a1, 3), prediction=10, key="f1")
    a2 = services.start_attempt(person, round_)
    assert a2.pk != a1.pk
    services.submit(a2, right_answers(a2), prediction=10, key="f2")
    assert list(Attempt.objects.filter(round=round_, counted=True).values_list("pk", "score")) == [(a1.pk, 2)]


def test_best_rule_counts_the_best_attempt():
    contest, round_ = make_contest(counted_rule=CountedRule.BEST)
    person = _person(contest)
    a1 = services.start_attempt(person, round_)
    services.submit(a1, wrong_answers(a1, 3), prediction=10, key="b1")
    a2 = services.start_attempt(person, round_)
    services.submit(a2, right_answers(a2), prediction=10, key="b2")
    a3 = services.start_attempt(person, round_)
    services.submit(a3, wrong_answers(a3, 1), prediction=10, key="b3")
    assert list(Attempt.objects.filter(round=round_, counted=True).values_list("pk", "score")) == [(a2.pk, 5)]
    assert services.participants_count(round_) == 1


def test_attempts_are_limited_per_round():
    contest, round_ = make_contest(max_attempts=1)
    person = _person(contest)
    a1 = services.start_attempt(person, round_)
    services.submit(a1, {}, prediction=0, key="only")
    with pytest.raises(ValidationError, match="tối đa 1 lần"):
        services.start_attempt(person, round_)


# --- ranking ------------------------------------------------------------------------------------------------


def _sit(round_, contest, phone, *, wrong, prediction, seconds, submitted_offset=0.0, code=BINH_GIANG):
    person = _person(contest, phone, code)
    start = timezone.now() - datetime.timedelta(minutes=5)
    attempt = services.start_attempt(person, round_, now=start)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=start - datetime.timedelta(seconds=submitted_offset))
    attempt.refresh_from_db()
    at = attempt.started_at + datetime.timedelta(seconds=seconds)
    return services.submit(attempt, wrong_answers(attempt, wrong), prediction=prediction, key=f"k{phone}", now=at).attempt


def test_ranking_tie_breaks_score_then_prediction_then_duration_then_submission_time():
    contest, round_ = make_contest()
    # 6 participants: the actual number of participants is 6.
    low = _sit(round_, contest, "0900000001", wrong=2, prediction=6, seconds=10)          # lowest score
    far = _sit(round_, contest, "0900000002", wrong=0, prediction=100, seconds=10)        # best score, far prediction
    near_slow = _sit(round_, contest, "0900000003", wrong=0, prediction=7, seconds=90)    # |7-6| = 1, slow
    exact_slow = _sit(round_, contest, "0900000004", wrong=0, prediction=6, seconds=60)   # exact, slower
    # Same score, exact, same duration: the earlier submission wins.
    exact_early = _sit(round_, contest, "0900000005", wrong=0, prediction=6, seconds=30, submitted_offset=20)
    exact_late = _sit(round_, contest, "0900000006", wrong=0, prediction=5, seconds=30)  # |5-6| = 1 …
    Attempt.objects.filter(pk=exact_late.pk).update(prediction=6)  # … make it exact: only the time differs
    with CaptureQueriesContext(connection) as ctx:
        order = [(a.pk, a.distance, a.actual) for a in services.ranking(round_)]
    assert len(ctx.captured_queries) == 1
    assert [pk for pk, _, _ in order] == [exact_early.pk, exact_late.pk, exact_slow.pk, near_slow.pk, far.pk, low.pk]
    assert [d for _, d, _ in order] == [0, 0, 0, 1, 94, 0]
    assert {n for _, _, n in order} == {6}


def test_prizes_follow_the_configured_counts_and_unit_with_most_participants():
    contest, round_ = make_contest(prize_first=1, prize_second=1, prize_third=1, prize_consolation=2)
    for i in range(7):
        _sit(round_, contest, f"09100000{i:02d}", wrong=i % 5, prediction=7, seconds=20 + i,
             code=BINH_GIANG if i < 4 else PHU_LY)
    won = services.prizes(round_)
    assert [(p, r) for p, r, _ in won] == [("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3),
                                           ("Giải Khuyến khích", 4), ("Giải Khuyến khích", 5)]
    assert [a.score for _, _, a in won] == [5, 5, 4, 4, 3]
    top = services.top_units(round_)
    assert (top[0]["participant__unit__name"], top[0]["n"]) == (unit(BINH_GIANG).name, 4)
    book = load_workbook(io.BytesIO(services.winners_xlsx(round_)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["Giải", "Hạng", "Họ và tên", "Số điện thoại"]
    assert sheet.cell(2, 1).value == "Giải Nhất" and sheet.cell(2, 4).value == "0910000000"
    assert sheet.max_row == 6
    assert book.worksheets[1].cell(2, 1).value == unit(BINH_GIANG).name


def test_participation_by_unit_counts_each_person_once_per_round():
    contest, round_ = make_contest()
    for i in range(3):
        _sit(round_, contest, f"09200000{i:02d}", wrong=0, prediction=3, seconds=5, code=PHU_LY)
    rows = services.participation_by_unit(contest)
    assert rows == [{"unit": unit(PHU_LY).name, "counts": [3], "total": 3}]


# --- the question bank ---------------------------------------------------------------------------------------


def _xlsx(rows, header=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or services.BANK_COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    ["Q1", "Một cửa", "Cơ chế một cửa liên thông được quy định tại văn bản nào?", "Một đáp án",
     "Nghị định 61/2018/NĐ-CP", "Nghị định 30/2020/NĐ-CP", "Luật Tổ chức chính quyền địa phương", "", "", "", "A", "NĐ 61/2018."],
    ["Q2", "Dịch vụ công", "Những kênh nào nộp được hồ sơ trực tuyến?", "Nhiều đáp án",
     "Cổng Dịch vụ công quốc gia", "Ứng dụng VNeID", "Gửi thư tay", "", "", "", "A, B", ""],
]


def test_bank_import_adds_then_reimport_changes_nothing():
    contest, _ = make_contest(questions=0)
    assert services.import_bank(contest, _xlsx(GOOD), "bank.xlsx") == {"added": 2, "updated": 0, "total": 2}
    q2 = Question.objects.get(contest=contest, code="Q2")
    assert q2.kind == "multiple" and [c.correct for c in q2.choices.all()] == [True, True, False]
    ids = list(Choice.objects.filter(question__contest=contest).values_list("pk", flat=True))
    assert services.import_bank(contest, _xlsx(GOOD), "bank.xlsx") == {"added": 0, "updated": 0, "total": 2}
    assert list(Choice.objects.filter(question__contest=contest).values_list("pk", flat=True)) == ids
    # Export gives back the same rows.
    sheet = load_workbook(io.BytesIO(services.export_bank(contest))).active
    assert [c.value or "" for c in sheet[3]] == GOOD[1]


def test_bank_import_reports_every_bad_row_and_saves_nothing():
    contest, _ = make_contest(questions=0)
    bad = [
        GOOD[0],
        ["Q3", "", "Câu không có đáp án đúng?", "Một đáp án", "A1", "B1", "", "", "", "", "", ""],
        ["Q4", "", "Một đáp án mà hai đáp án đúng?", "Một đáp án", "A1", "B1", "", "", "", "", "A, B", ""],
        ["Q5", "", "Đáp án trỏ vào phương án trống?", "", "A1", "B1", "", "", "", "", "D", ""],
        ["Q1", "", "Mã lặp", "", "A1", "B1", "", "", "", "", "A", ""],
        ["Q6", "", "Một phương án", "", "A1", "", "", "", "", "", "A", ""],
        ["Q7", "", "Loại lạ", "Tự luận", "A1", "B1", "", "", "", "", "A", ""],
    ]
    with pytest.raises(ValidationError) as exc:
        services.import_bank(contest, _xlsx(bad), "bank.xlsx")
    assert exc.value.messages == [
        "Dòng 3: chưa có đáp án đúng (cột “Đáp án đúng”, ví dụ: B hoặc A, C).",
        "Dòng 4: câu hỏi một đáp án nhưng có 2 đáp án đúng.",
        "Dòng 5: đáp án đúng “D” không phải phương án có nội dung.",
        "Dòng 6: mã câu hỏi “Q1” bị lặp.",
        "Dòng 7: cần ít nhất hai phương án trả lời.",
        "Dòng 8: loại “Tự luận” phải là “Một đáp án” hoặc “Nhiều đáp án”.",
    ]
    assert not Question.objects.filter(contest=contest).exists()


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"PK\x03\x04 not really a workbook", "bank.xlsx", "bị hỏng"),
    (b"", "bank.xlsx", "Tệp rỗng"),
    (None, "bank.xlsx", "Thiếu cột"),
    (b"hello", "bank.pdf", "Chỉ nhận tệp .xlsx"),
])
def test_bad_bank_files_are_refused_clearly(data, name, message):
    contest, _ = make_contest(questions=0)
    if data is None:
        data = _xlsx([["x", "y"]], header=["Tên", "Khác"])
    with pytest.raises(ValidationError) as exc:
        services.import_bank(contest, data, name)
    assert message in " ".join(exc.value.messages)
    assert not Question.objects.filter(contest=contest).exists()


def test_template_is_importable():
    contest, _ = make_contest(questions=0)
    assert services.import_bank(contest, services.template_xlsx(), "mau.xlsx")["added"] == 1


def test_two_choices_on_a_single_choice_question_are_refused():
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_)
    single = next(q for q, _ in attempt.questions if Question.objects.get(pk=q).kind == "single")
    cids = dict(attempt.questions)[single]
    with pytest.raises(ValidationError, match="chỉ được chọn một phương án"):
        services.submit(attempt, {str(single): [str(c) for c in cids[:2]]}, prediction=3, key="two")
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_a_submission_costs_few_queries(client):
    contest, round_ = make_contest()
    attempt = services.start_attempt(_person(contest), round_)
    data = {f"q{q}": cs for q, cs in right_answers(attempt).items()}
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(f"/cuoc-thi/bai-thi/{attempt.token}/", {**data, "prediction": "5", "key": "few"})
    assert r.status_code == 302
    real = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(real) == 3, real  # read the attempt, the right choices, one UPDATE … RETURNING
    assert real[-1].startswith('UPDATE "contest_attempt"') and "RETURNING" in real[-1]
    attempt.refresh_from_db()
    assert (attempt.score, attempt.counted, attempt.submission_key) == (5, True, "few")
