"""Contest services: plain functions shared by the views, the demo, the tests and the benchmark.

- people: `normalise_phone` (+84 / 84 / 0, spaces and dots), `register` (one participant per phone
  and contest: registering again reuses the first one);
- sitting a round: `start_attempt` (draws the questions and shuffles their choices onto the
  attempt), `drawn` (what the page shows), `submit` (server-side time limit and close, validation of
  every posted id, idempotent by submission key, the counted attempt by the round's rule);
- results: `ranking` (one query: score, distance of the prediction, duration, submission time),
  `participants_count`, `prizes`, `top_units`, `winners_xlsx`, `participation_by_unit`;
- the question bank: `import_bank` (XLSX/CSV, all rows or none), `export_bank`, `template_xlsx`.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from contextlib import nullcontext
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Subquery
from django.db.models.functions import Abs
from django.utils import timezone

from cchc.documents.tables import TableError, read_table, write_xlsx, write_xlsx_sheets

from .models import Attempt, Choice, Contest, CountedRule, Participant, Question, QuestionKind, Round

# A submission that reaches the server this long after the deadline is still accepted (the page's
# own countdown and the network); anything later is refused.
GRACE = datetime.timedelta(seconds=10)
MAX_PREDICTION = 10_000_000

# --- people -----------------------------------------------------------------------------------------

_PHONE_NOISE = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{9}")


def normalise_phone(raw: str) -> str:
    """A Vietnamese phone number as 0xxxxxxxxx: "+84 912 345 678", "84912345678", "0912.345.678"
    all give "0912345678". Mobile (10 digits) or landline (02x, 11 digits)."""
    phone = _PHONE_NOISE.sub("", raw or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) in (11, 12):
        phone = "0" + phone[2:]
    if not (_MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone)):
        raise ValidationError(
            f"Số điện thoại “{raw}” không hợp lệ: cần 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 "
            "(hoặc số cố định 02x), có thể viết +84."
        )
    return phone


def register(contest: Contest, *, name: str, phone: str, unit=None, address: str = "") -> tuple[Participant, bool]:
    """The participant of this phone number (created if new). A second registration with the same
    number reuses the first participant unchanged. Returns (participant, created)."""
    name = " ".join((name or "").split())
    address = " ".join((address or "").split())
    errors = []
    if not name:
        errors.append("Vui lòng nhập họ và tên.")
    elif len(name) > 150:
        errors.append("Họ và tên dài quá 150 ký tự.")
    try:
        phone = normalise_phone(phone)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if unit is None and not address:
        errors.append("Vui lòng chọn cơ quan, đơn vị hoặc nhập địa chỉ nơi ở.")
    if len(address) > 300:
        errors.append("Địa chỉ dài quá 300 ký tự.")
    if errors:
        raise ValidationError(errors)
    found = Participant.objects.filter(contest=contest, phone=phone).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return Participant.objects.create(contest=contest, name=name, phone=phone, unit=unit, address=address), True
    except IntegrityError:  # the same number registered at the same instant
        return Participant.objects.get(contest=contest, phone=phone), False


# --- sitting a round ----------------------------------------------------------------------------------


def open_rounds(contest: Contest, now=None) -> list[Round]:
    now = now or timezone.now()
    return list(contest.rounds.filter(opens_at__lte=now, closes_at__gt=now))


def start_attempt(participant: Participant, round_: Round, *, now=None, rng: random.Random | None = None) -> Attempt:
    """A new attempt with questions drawn from the contest's active bank and their choices shuffled,
    or the person's attempt still in progress. Refused when the round is not open, the bank is too
    small or the person has used all their attempts."""
    now = now or timezone.now()
    if participant.contest_id != round_.contest_id:
        raise ValidationError("Người dự thi không thuộc cuộc thi này.")
    if now < round_.opens_at:
        raise ValidationError(f"{round_.label} chưa mở: bắt đầu lúc {_local(round_.opens_at)}.")
    if now >= round_.closes_at:
        raise ValidationError(f"{round_.label} đã kết thúc lúc {_local(round_.closes_at)}; không nhận bài thi mới.")
    mine = list(Attempt.objects.filter(participant=participant, round=round_).order_by("started_at"))
    for attempt in mine:
        if attempt.submitted_at is None and now <= attempt.deadline + GRACE:
            return attempt
    if len(mine) >= round_.max_attempts:
        raise ValidationError(f"Bạn đã thi {len(mine)} lần trong {round_.label.lower()} (tối đa {round_.max_attempts} lần).")
    rng = rng or random.SystemRandom()
    bank = list(Question.objects.filter(contest_id=round_.contest_id, active=True).values_list("pk", flat=True))
    if len(bank) < round_.questions_count:
        raise ValidationError(f"Ngân hàng câu hỏi mới có {len(bank)} câu, chưa đủ {round_.questions_count} câu cho một bài thi.")
    picked = rng.sample(bank, round_.questions_count)
    choices: dict[int, list[int]] = {pk: [] for pk in picked}
    for qid, cid in Choice.objects.filter(question_id__in=picked).values_list("question_id", "pk"):
        choices[qid].append(cid)
    drawn = []
    for qid in picked:
        order = sorted(choices[qid])
        rng.shuffle(order)
        drawn.append([qid, order])
    deadline = now + datetime.timedelta(minutes=round_.time_limit_minutes)
    return Attempt.objects.create(participant=participant, round=round_, started_at=now, deadline=deadline, questions=drawn)


@dataclass
class Shown:
    number: int
    question: Question
    choices: list[Choice]
    chosen: set[int]
    correct: set[int]

    @property
    def right(self) -> bool:
        return self.chosen == self.correct


def drawn(attempt: Attempt) -> list[Shown]:
    """The attempt's questions in their drawn order with choices in their shuffled order (2 queries)."""
    qids = [q for q, _ in attempt.questions]
    questions = Question.objects.in_bulk(qids)
    choices = Choice.objects.in_bulk([c for _, cs in attempt.questions for c in cs])
    answers = attempt.answers or {}
    shown = []
    for number, (qid, cids) in enumerate(attempt.questions, start=1):
        if qid not in questions:
            continue
        listed = [choices[c] for c in cids if c in choices]
        shown.append(Shown(number, questions[qid], listed, set(answers.get(str(qid), [])),
                           {c.pk for c in listed if c.correct}))
    return shown


def answers_from_post(data) -> dict[str, list[str]]:
    """{"<question id>": ["<choice id>", …]} from form fields named q<question id>."""
    return {key[1:]: data.getlist(key) for key in data if key.startswith("q") and key[1:].isdigit()}


@dataclass
class Submitted:
    attempt: Attempt
    repeated: bool  # True: this submission had already been accepted; nothing changed


def submit(attempt: Attempt, answers: dict, *, prediction, key: str, now=None, fresh: bool = False) -> Submitted:
    """Score and record an attempt once. The server decides the time: after the attempt's deadline
    (plus GRACE) or after the round closes the submission is refused and nothing is saved. Every
    posted question and choice id must be one drawn for this attempt. A retry with the same `key`
    (or any retry of an attempt already submitted) returns the recorded result and counts nothing.
    `fresh`: the caller has just read `attempt` with its round (saves reading it again)."""
    now = now or timezone.now()
    key = (key or "").strip()
    if not key or len(key) > 64:
        raise ValidationError("Thiếu khóa nộp bài; vui lòng tải lại trang bài thi.")
    if not fresh:
        attempt = Attempt.objects.select_related("round").get(pk=attempt.pk)
    if attempt.submitted_at is not None:
        return Submitted(attempt, True)
    round_ = attempt.round
    if now >= round_.closes_at + GRACE:
        raise ValidationError(f"{round_.label} đã kết thúc lúc {_local(round_.closes_at)}; bài nộp sau thời điểm này không được tính.")
    if now > attempt.deadline + GRACE:
        raise ValidationError(
            f"Đã hết thời gian làm bài ({round_.time_limit_minutes} phút, hạn nộp {_local(attempt.deadline)}); "
            "bài nộp sau thời hạn không được tính."
        )
    chosen = _validate(attempt, answers)
    prediction = _prediction(prediction)
    correct: dict[int, set[int]] = {qid: set() for qid, _ in attempt.questions}
    single = set()
    for qid, cid, kind in Choice.objects.filter(question_id__in=list(correct), correct=True).values_list(
            "question_id", "pk", "question__kind"):
        correct[qid].add(cid)
        if kind == QuestionKind.SINGLE:
            single.add(qid)
    if any(len(chosen[q]) > 1 for q in single & set(chosen)):
        raise ValidationError("Câu hỏi chọn một đáp án chỉ được chọn một phương án.")
    score = sum(1 for qid in correct if chosen.get(qid, set()) == correct[qid] and correct[qid])
    elapsed = min(now, attempt.deadline) - attempt.started_at
    fields = {"submitted_at": now, "submission_key": key, "answers": {str(q): sorted(cs) for q, cs in chosen.items()},
              "score": score, "prediction": prediction, "duration_ms": max(0, int(elapsed.total_seconds() * 1000))}
    # ONE conditional UPDATE of the attempt's own row records it and, when the person has no counted
    # attempt in the round yet, counts it: of two racing submissions of the attempt one wins (the
    # other finds it submitted); of two attempts of one person counted at once, the unique index
    # lets one through and the other is recorded uncounted.
    try:
        won, counted = _record(attempt, fields, count=True)
    except IntegrityError:
        holder = Attempt.objects.filter(submission_key=key).values_list("pk", flat=True).first()
        if holder is not None and holder != attempt.pk:
            raise ValidationError("Khóa nộp bài đã được dùng cho một bài thi khác; vui lòng tải lại trang bài thi.") from None
        won, counted = _record(attempt, fields, count=False)
    if not won:  # recorded meanwhile by the same submission's retry: its result stands
        attempt.refresh_from_db()
        return Submitted(attempt, True)
    for name, value in fields.items():
        setattr(attempt, name, value)
    attempt.counted = counted
    if not attempt.counted and round_.counted_rule == CountedRule.BEST:
        _promote_if_better(attempt)
    return Submitted(attempt, False)


def _record(attempt: Attempt, fields: dict, *, count: bool) -> tuple[bool, bool]:
    """The one UPDATE … RETURNING of a submission (raw SQL: the hot path of a round, and Django's
    update() returns no columns). Returns (recorded, counted); raises IntegrityError when the key
    is taken or, with `count`, when another attempt of the person was counted at the same instant."""
    table = connection.ops.quote_name(Attempt._meta.db_table)
    counted = (f"NOT EXISTS (SELECT 1 FROM {table} o WHERE o.round_id = %s AND o.participant_id = %s "
               f"AND o.counted AND o.id <> %s)") if count else "%s"
    sql = (f"UPDATE {table} SET submitted_at = %s, submission_key = %s, answers = %s, score = %s, prediction = %s, "
           f"duration_ms = %s, counted = {counted} WHERE id = %s AND submitted_at IS NULL RETURNING counted")
    params = [connection.ops.adapt_datetimefield_value(fields["submitted_at"]), fields["submission_key"],
              json.dumps(fields["answers"]), fields["score"], fields["prediction"], fields["duration_ms"],
              *([attempt.round_id, attempt.participant_id, attempt.pk] if count else [False]), attempt.pk]
    # A single statement is atomic on its own; inside a caller's transaction it gets a savepoint so
    # that a refused one leaves the transaction usable.
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row is not None, bool(row and row[0]))


@transaction.atomic
def _promote_if_better(attempt: Attempt) -> None:
    """Rule "best": count this attempt instead of the person's counted one when it scored more (or
    the same, faster). Locks only this person's counted row."""
    current = (Attempt.objects.select_for_update().filter(round_id=attempt.round_id, participant_id=attempt.participant_id,
                                                          counted=True).exclude(pk=attempt.pk).first())
    if current is not None and (attempt.score, -attempt.duration_ms) <= (current.score, -current.duration_ms):
        return
    if current is not None:
        Attempt.objects.filter(pk=current.pk).update(counted=False)
    try:
        with transaction.atomic():
            Attempt.objects.filter(pk=attempt.pk).update(counted=True)
    except IntegrityError:  # a better attempt of the same person was counted at the same instant
        return
    attempt.counted = True


def _validate(attempt: Attempt, answers: dict) -> dict[int, set[int]]:
    drawn_ = {qid: set(cids) for qid, cids in attempt.questions}
    chosen: dict[int, set[int]] = {}
    for raw_q, raw_cs in (answers or {}).items():
        try:
            qid = int(raw_q)
            cids = {int(c) for c in (raw_cs if isinstance(raw_cs, (list, tuple, set)) else [raw_cs]) if str(c).strip()}
        except (TypeError, ValueError):
            raise ValidationError("Bài nộp có dữ liệu không hợp lệ; vui lòng tải lại trang bài thi.") from None
        if qid not in drawn_:
            raise ValidationError("Bài nộp có câu hỏi không thuộc bài thi này; bài chưa được ghi nhận.")
        if not cids <= drawn_[qid]:
            raise ValidationError("Bài nộp có phương án trả lời không thuộc câu hỏi của bài thi; bài chưa được ghi nhận.")
        if cids:
            chosen[qid] = cids
    return chosen


def _prediction(value) -> int:
    text = str(value if value is not None else "").strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        raise ValidationError("Vui lòng trả lời câu hỏi dự đoán số người tham gia đợt thi.")
    if not text.isdigit() or int(text) > MAX_PREDICTION:
        raise ValidationError(f"Dự đoán số người tham gia phải là số nguyên từ 0 đến {MAX_PREDICTION:,}.".replace(",", "."))
    return int(text)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y")


# --- results ----------------------------------------------------------------------------------------------


def participants_count(round_: Round) -> int:
    """People who took part in the round: one counted attempt each."""
    return Attempt.objects.filter(round=round_, counted=True).count()


def ranking(round_: Round):
    """The counted attempts of a round, best first, as ONE query: score desc, then the distance of
    the prediction from the actual number of participants asc, then duration asc, then submission
    time asc (then id, for a stable order)."""
    actual = Subquery(
        Attempt.objects.filter(round_id=round_.pk, counted=True).order_by().values("round_id")
        .annotate(n=Count("pk")).values("n")[:1]
    )
    return (
        Attempt.objects.filter(round=round_, counted=True)
        .select_related("participant__unit")
        .annotate(actual=actual, distance=Abs(F("prediction") - F("actual")))
        .order_by("-score", "distance", "duration_ms", "submitted_at", "pk")
    )


PRIZES = [("prize_first", "Giải Nhất"), ("prize_second", "Giải Nhì"), ("prize_third", "Giải Ba"),
          ("prize_consolation", "Giải Khuyến khích")]


def prizes(round_: Round) -> list[tuple[str, int, Attempt]]:
    """(prize, rank, attempt) for the round's winners, in ranking order."""
    labels = [label for field, label in PRIZES for _ in range(getattr(round_, field))]
    return [(labels[i], i + 1, a) for i, a in enumerate(ranking(round_)[: len(labels)])] if labels else []


def top_units(round_: Round, limit: int = 5) -> list[dict]:
    """Units by participants in the round (the unit prize goes to the first), one GROUP BY."""
    return list(
        Attempt.objects.filter(round=round_, counted=True, participant__unit__isnull=False)
        .values("participant__unit", "participant__unit__name").annotate(n=Count("pk"))
        .order_by("-n", "participant__unit__name")[:limit]
    )


def participation_by_unit(contest: Contest) -> list[dict]:
    """Participants per unit and round of a contest (one GROUP BY)."""
    rows = (Attempt.objects.filter(round__contest=contest, counted=True)
            .values("participant__unit__name", "round__number").annotate(n=Count("pk")).order_by())
    table: dict[str, dict[int, int]] = {}
    for row in rows:
        table.setdefault(row["participant__unit__name"] or "(Người dân, ghi địa chỉ)", {})[row["round__number"]] = row["n"]
    numbers = list(contest.rounds.values_list("number", flat=True))
    out = [{"unit": unit, "counts": [by.get(n, 0) for n in numbers], "total": sum(by.values())} for unit, by in table.items()]
    return sorted(out, key=lambda r: (-r["total"], r["unit"]))


def winners_xlsx(round_: Round) -> bytes:
    header = ["Giải", "Hạng", "Họ và tên", "Số điện thoại", "Cơ quan, đơn vị / địa chỉ", "Số câu đúng",
              "Dự đoán", "Chênh lệch dự đoán", "Thời gian làm bài (giây)", "Nộp lúc"]
    rows = [[prize, rank, a.participant.name, a.participant.phone, a.participant.where, a.score, a.prediction,
             a.distance, round(a.duration_ms / 1000, 1), timezone.localtime(a.submitted_at).strftime("%d/%m/%Y %H:%M:%S")]
            for prize, rank, a in prizes(round_)]
    units = [[u["participant__unit__name"], u["n"]] for u in top_units(round_)]
    return write_xlsx_sheets([
        (f"Đạt giải {round_.label}", header, rows),
        ("Đơn vị đông người dự thi", ["Cơ quan, đơn vị", "Số người dự thi"], units),
    ])


# --- the question bank --------------------------------------------------------------------------------------

LETTERS = "ABCDEF"
BANK_COLUMNS = ["Mã câu hỏi", "Chủ đề", "Câu hỏi", "Loại", *[f"Phương án {x}" for x in LETTERS], "Đáp án đúng", "Giải thích"]
_KINDS = {"một đáp án": QuestionKind.SINGLE, "mot dap an": QuestionKind.SINGLE, "single": QuestionKind.SINGLE, "": None,
          "nhiều đáp án": QuestionKind.MULTIPLE, "nhieu dap an": QuestionKind.MULTIPLE, "multiple": QuestionKind.MULTIPLE}
_KIND_LABEL = {QuestionKind.SINGLE: "Một đáp án", QuestionKind.MULTIPLE: "Nhiều đáp án"}


def import_bank(contest: Contest, data: bytes, filename: str) -> dict[str, int]:
    """Questions from a spreadsheet (BANK_COLUMNS): new codes are added, known codes updated, all
    rows or none. Raises ValidationError listing every bad row, in Vietnamese."""
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ValidationError(str(exc)) from None
    except Exception:  # noqa: BLE001 - a corrupt workbook can fail deep inside openpyxl
        raise ValidationError("Không đọc được tệp: tệp hỏng hoặc không phải tệp Excel (.xlsx).") from None
    missing = [c for c in ("Mã câu hỏi", "Câu hỏi", "Phương án A", "Phương án B", "Đáp án đúng") if not table or c not in table[0]]
    if missing:
        raise ValidationError(f"Thiếu cột: {', '.join(missing)}. Hãy dùng tệp mẫu.")
    errors, specs, seen = [], [], set()
    for number, row in enumerate(table, start=2):
        code = (row.get("Mã câu hỏi") or "").strip()
        text = (row.get("Câu hỏi") or "").strip()
        if not code or not text:
            errors.append(f"Dòng {number}: thiếu mã câu hỏi hoặc nội dung câu hỏi.")
            continue
        if code in seen:
            errors.append(f"Dòng {number}: mã câu hỏi “{code}” bị lặp.")
            continue
        seen.add(code)
        raw_kind = (row.get("Loại") or "").strip()
        kind = _KINDS.get(raw_kind.lower(), "?")
        if kind == "?":
            errors.append(f"Dòng {number}: loại “{raw_kind}” phải là “Một đáp án” hoặc “Nhiều đáp án”.")
            continue
        options = [(x, (row.get(f"Phương án {x}") or "").strip()) for x in LETTERS]
        options = [(x, t) for x, t in options if t]
        if len(options) < 2:
            errors.append(f"Dòng {number}: cần ít nhất hai phương án trả lời.")
            continue
        answer = [x.strip().upper() for x in re.split(r"[,;\s]+", row.get("Đáp án đúng") or "") if x.strip()]
        if not answer:
            errors.append(f"Dòng {number}: chưa có đáp án đúng (cột “Đáp án đúng”, ví dụ: B hoặc A, C).")
            continue
        letters = {x for x, _ in options}
        wrong = [x for x in answer if x not in letters]
        if wrong:
            errors.append(f"Dòng {number}: đáp án đúng “{', '.join(wrong)}” không phải phương án có nội dung.")
            continue
        kind = kind or (QuestionKind.MULTIPLE if len(set(answer)) > 1 else QuestionKind.SINGLE)
        if kind == QuestionKind.SINGLE and len(set(answer)) > 1:
            errors.append(f"Dòng {number}: câu hỏi một đáp án nhưng có {len(set(answer))} đáp án đúng.")
            continue
        if any(len(t) > 500 for _, t in options):
            errors.append(f"Dòng {number}: phương án trả lời dài quá 500 ký tự.")
            continue
        specs.append({"code": code, "text": text, "kind": kind, "topic": (row.get("Chủ đề") or "").strip()[:200],
                      "explanation": (row.get("Giải thích") or "").strip(),
                      "choices": [(t, x in answer) for x, t in options]})
    if errors:
        raise ValidationError(errors)
    return _save_bank(contest, specs)


@transaction.atomic
def _save_bank(contest: Contest, specs: list[dict]) -> dict[str, int]:
    known = {q.code: q for q in Question.objects.filter(contest=contest).prefetch_related("choices")}
    added = updated = 0
    for spec in specs:
        question = known.get(spec["code"])
        fields = {k: spec[k] for k in ("text", "kind", "topic", "explanation")}
        if question is None:
            question = Question.objects.create(contest=contest, code=spec["code"], **fields)
            Choice.objects.bulk_create([Choice(question=question, text=t, correct=c, order=i)
                                        for i, (t, c) in enumerate(spec["choices"])])
            added += 1
            continue
        old = list(question.choices.all())
        same = [(c.text, c.correct) for c in old] == spec["choices"] and all(
            getattr(question, k) == v for k, v in fields.items()) and question.active
        if same:
            continue
        for k, v in fields.items():
            setattr(question, k, v)
        question.active = True
        question.save()
        # Choices keep their ids (attempts refer to them) where the position is unchanged.
        for i, (t, c) in enumerate(spec["choices"]):
            if i < len(old):
                old[i].text, old[i].correct, old[i].order = t, c, i
                old[i].save()
            else:
                Choice.objects.create(question=question, text=t, correct=c, order=i)
        Choice.objects.filter(pk__in=[c.pk for c in old[len(spec["choices"]):]]).delete()
        updated += 1
    return {"added": added, "updated": updated, "total": Question.objects.filter(contest=contest).count()}


def export_bank(contest: Contest) -> bytes:
    rows = []
    for q in Question.objects.filter(contest=contest).prefetch_related("choices").order_by("code"):
        choices = list(q.choices.all())[: len(LETTERS)]
        texts = [c.text for c in choices] + [""] * (len(LETTERS) - len(choices))
        answer = ", ".join(LETTERS[i] for i, c in enumerate(choices) if c.correct)
        rows.append([q.code, q.topic, q.text, _KIND_LABEL[q.kind], *texts, answer, q.explanation])
    return write_xlsx(BANK_COLUMNS, rows, title="Ngân hàng câu hỏi")


def template_xlsx() -> bytes:
    example = ["CH001", "Một cửa", "Bộ phận Một cửa cấp xã do ai trực tiếp quản lý?", "Một đáp án",
               "Văn phòng HĐND và UBND cấp xã", "Công an xã", "Chủ tịch UBND cấp xã", "", "", "", "C",
               "Nghị định 61/2018/NĐ-CP, sửa đổi bởi Nghị định 107/2021/NĐ-CP."]
    return write_xlsx(BANK_COLUMNS, [example], title="Ngân hàng câu hỏi")
