"""Survey services: plain functions shared by the views, the commands, the demo and the benchmark.

- questionnaires as data: `load_questionnaire` (from `data/*.json`), `copy_to_year`, `export_xlsx`,
  `import_xlsx` (a new version, all rows or none), `create_own` (a unit's own questionnaire);
- collecting: `submit_online` (one sheet per device and day, refused when closed or out of range,
  nothing saved on refusal), `enter_paper` (a grid of paper sheets, all or none);
- sampling: `import_files_handled` / `files_template_xlsx` (the files each unit handled, as a table),
  `thresholds`, `target_for`, `progress` (response rate and eligibility, live);
- results: `distribution` (one GROUP BY), `results`, `results_by_survey`, `push_to_round`.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from cchc import policy
from cchc.documents.tables import TableError, read_table, write_xlsx_sheets

from . import formula as formulas
from .models import (
    Answer,
    Channel,
    Factor,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireKind,
    QuestionnaireStatus,
    Response,
    Survey,
)

DATA = Path(__file__).resolve().parent / "data"
MAX_PAPER_ROWS = 500


# --- questionnaires -------------------------------------------------------------------------------


def national(kind: str) -> dict:
    """The national questionnaire of a kind, as data (`data/sipas.json`, `data/staff.json`)."""
    return json.loads((DATA / f"{kind}.json").read_text(encoding="utf-8"))


@transaction.atomic
def load_questionnaire(spec: dict, *, year: int, owner=None, version: int | None = None,
                       status: str = QuestionnaireStatus.ACTIVE, previous=None) -> Questionnaire:
    """A questionnaire with its factors and questions from a spec (the JSON shape of `data/`)."""
    errors = formulas.check(spec.get("formula") or {})
    if errors:
        raise ValidationError(errors)
    kind = spec["kind"]
    if version is None:
        last = Questionnaire.objects.filter(kind=kind, year=year, owner=owner).order_by("-version").first()
        version = (last.version + 1) if last else 1
    q = Questionnaire.objects.create(
        kind=kind, year=year, version=version, owner=owner, title=spec["title"], intro=spec.get("intro", ""),
        formula=spec.get("formula") or dict(formulas.DEFAULT), status=status, previous=previous,
    )
    factors = {}
    for i, f in enumerate(spec.get("factors", []), 1):
        factors[f["code"]] = Factor.objects.create(
            questionnaire=q, code=f["code"], title=f["title"], order=f.get("order", i), weight=Decimal(str(f.get("weight", 1))),
        )
    Question.objects.bulk_create([
        Question(
            questionnaire=q, factor=factors.get(item.get("factor")), code=item["code"], text=item["text"],
            kind=item.get("kind", QuestionKind.SATISFACTION), scale_min=item.get("scale_min", 1),
            scale_max=item.get("scale_max", 5), labels=item.get("labels", []), required=item.get("required", True),
            order=i,
        )
        for i, item in enumerate(spec.get("questions", []), 1)
    ])
    return q


def spec_of(q: Questionnaire) -> dict:
    """The JSON shape of a questionnaire (what `load_questionnaire` reads back)."""
    return {
        "kind": q.kind, "title": q.title, "intro": q.intro, "formula": q.formula,
        "factors": [{"code": f.code, "title": f.title, "order": f.order, "weight": str(f.weight)} for f in q.factors.all()],
        "questions": [
            {"factor": x.factor.code if x.factor else None, "code": x.code, "text": x.text, "kind": x.kind,
             "scale_min": x.scale_min, "scale_max": x.scale_max, "labels": x.labels, "required": x.required}
            for x in q.questions.select_related("factor")
        ],
    }


def copy_to_year(q: Questionnaire, year: int) -> Questionnaire:
    """The same questionnaire for another year (first version of that year, or the next one)."""
    return load_questionnaire(spec_of(q), year=year, owner=q.owner, previous=q, status=QuestionnaireStatus.DRAFT)


XLSX_COLUMNS = ["Mã yếu tố", "Yếu tố", "Trọng số", "Mã câu hỏi", "Câu hỏi", "Nội dung", "Thang từ", "Thang đến",
                "Nhãn các mức", "Bắt buộc"]
_KIND_WORDS = {k.label.lower(): k.value for k in QuestionKind}


def export_xlsx(q: Questionnaire) -> bytes:
    rows = [
        [x.factor.code if x.factor else "", x.factor.title if x.factor else "", x.factor.weight if x.factor else "",
         x.code, x.text, x.get_kind_display(), x.scale_min, x.scale_max, " | ".join(x.labels), "Có" if x.required else "Không"]
        for x in q.questions.select_related("factor")
    ]
    info = [["Tên phiếu", q.title], ["Loại", q.get_kind_display()], ["Năm", q.year], ["Phiên bản", q.version],
            ["Công thức (JSON)", json.dumps(q.formula, ensure_ascii=False)]]
    return write_xlsx_sheets([("Câu hỏi", XLSX_COLUMNS, rows), ("Thông tin", ["Mục", "Giá trị"], info)])


def _spec_from_table(data: bytes, filename: str) -> tuple[list[dict], list[dict]]:
    """(factors, questions) of a spreadsheet of questions (first sheet, XLSX_COLUMNS). Raises
    ValidationError listing every bad row; nothing is read half."""
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ValidationError(str(exc)) from None
    missing = [c for c in ("Mã câu hỏi", "Câu hỏi", "Nội dung") if table and c not in table[0]]
    if not table or missing:
        raise ValidationError(f"Thiếu cột: {', '.join(missing) or 'Mã câu hỏi'}.")
    errors, factors, questions, seen = [], {}, [], set()
    for number, row in enumerate(table, start=2):
        code = (row.get("Mã câu hỏi") or "").strip()
        if not code or not (row.get("Câu hỏi") or "").strip():
            errors.append(f"Dòng {number}: thiếu mã hoặc nội dung câu hỏi.")
            continue
        if code in seen:
            errors.append(f"Dòng {number}: mã câu hỏi “{code}” bị lặp.")
            continue
        seen.add(code)
        kind = _KIND_WORDS.get((row.get("Nội dung") or "").strip().lower())
        if kind is None:
            errors.append(f"Dòng {number}: nội dung “{row.get('Nội dung')}” phải là Nhận định, Sự hài lòng hoặc Sự mong đợi.")
            continue
        try:
            lo, hi = int(row.get("Thang từ") or 1), int(row.get("Thang đến") or 5)
        except ValueError:
            errors.append(f"Dòng {number}: thang điểm phải là số nguyên.")
            continue
        if lo >= hi:
            errors.append(f"Dòng {number}: thang điểm từ {lo} đến {hi} không hợp lệ.")
            continue
        fcode = (row.get("Mã yếu tố") or "").strip()
        if fcode and fcode not in factors:
            factors[fcode] = {"code": fcode, "title": (row.get("Yếu tố") or fcode).strip(), "weight": row.get("Trọng số") or 1}
        labels = [x.strip() for x in (row.get("Nhãn các mức") or "").split("|") if x.strip()]
        questions.append({"factor": fcode or None, "code": code, "text": row["Câu hỏi"].strip(), "kind": kind,
                          "scale_min": lo, "scale_max": hi, "labels": labels,
                          "required": (row.get("Bắt buộc") or "Có").strip().lower() != "không"})
    if errors:
        raise ValidationError(errors)
    return list(factors.values()), questions


@transaction.atomic
def import_xlsx(data: bytes, filename: str, *, base: Questionnaire, year: int | None = None) -> Questionnaire:
    """A new version of `base` from a spreadsheet of questions (first sheet, XLSX_COLUMNS): all or
    nothing; the formula and title are those of `base`. Raises ValidationError listing every row."""
    factors, questions = _spec_from_table(data, filename)
    spec = {"kind": base.kind, "title": base.title, "intro": base.intro, "formula": base.formula,
            "factors": factors, "questions": questions}
    return load_questionnaire(spec, year=year or base.year, owner=base.owner, previous=base, status=QuestionnaireStatus.DRAFT)


@transaction.atomic
def create_own(unit, *, title: str, year: int, by, data: bytes | None = None, filename: str = "") -> Questionnaire:
    """A unit's own questionnaire (kind "own"): its questions from a spreadsheet in the export's
    shape, or, without one, the national SIPAS questions to adapt. Scored by the national formula
    unless a later version says otherwise. Refused (nothing saved) outside the person's units."""
    if not policy.can_run_survey(by, unit):
        raise PermissionDenied("Bạn chỉ tạo được phiếu khảo sát cho đơn vị của mình.")
    title = (title or "").strip()
    if not title:
        raise ValidationError("Phiếu khảo sát cần có tên.")
    base = national("sipas")
    factors, questions = _spec_from_table(data, filename) if data is not None else (base["factors"], base["questions"])
    spec = {"kind": QuestionnaireKind.OWN, "title": title, "intro": base.get("intro", ""), "formula": base.get("formula"),
            "factors": factors, "questions": questions}
    return load_questionnaire(spec, year=year, owner=unit, status=QuestionnaireStatus.ACTIVE)


# --- sampling and eligibility ----------------------------------------------------------------------

_UNIT_TYPE = {"department": "department", "commune": "commune", "ward": "commune", "province": "province"}


def thresholds(unit, year: int):
    """The SIPAS minimums (rate %, forms) of the unit's criteria set of the year, else the defaults."""
    from cchc.scoring.models import CriteriaSet

    cset = CriteriaSet.objects.filter(year=year, unit_type=_UNIT_TYPE.get(unit.kind, "")).order_by("-version").first()
    if cset is not None:
        return cset
    field = CriteriaSet._meta.get_field
    return SimpleNamespace(
        sipas_min_rate=field("sipas_min_rate").default, sipas_min_forms=field("sipas_min_forms").default,
        sipas_max=field("sipas_max").default, survey_max=field("survey_max").default,
    )


def target_for(files_handled: int | None, cset) -> int | None:
    """Forms to collect: the minimum rate of the files handled, and never fewer than the minimum forms."""
    if files_handled is None:
        return None
    return max(math.ceil(files_handled * Decimal(cset.sipas_min_rate) / 100), cset.sipas_min_forms)


@dataclass
class Progress:
    forms: int
    paper: int
    files_handled: int | None
    target: int | None
    rate: Decimal | None
    min_rate: Decimal
    min_forms: int
    eligible: bool

    @property
    def missing(self) -> int | None:
        return None if self.target is None else max(0, self.target - self.forms)

    def why(self) -> str:
        if self.files_handled is None:
            return "Chưa nhập số hồ sơ đã giải quyết: chưa tính được tỷ lệ khảo sát."
        if self.eligible:
            return f"Đủ điều kiện đánh giá SIPAS (tỷ lệ ≥ {self.min_rate:g} % và ≥ {self.min_forms} phiếu)."
        short = []
        if self.rate is None or self.rate < self.min_rate:
            short.append(f"tỷ lệ khảo sát dưới {self.min_rate:g} %")
        if self.forms < self.min_forms:
            short.append(f"dưới {self.min_forms} phiếu")
        return "Chưa đủ điều kiện đánh giá SIPAS: " + " và ".join(short) + "."


FILES_COLUMNS = ["Mã đợt", "Mã đơn vị", "Đơn vị", "Bộ phận", "Phiếu", "Số hồ sơ đã giải quyết"]


def _surveys_of_year(user, year: int):
    """The citizen surveys (SIPAS, own) of a year whose sample the person sets."""
    qs = policy.visible_surveys(user).filter(questionnaire__year=year, questionnaire__kind__in=("sipas", "own"))
    return [s for s in qs.select_related("unit", "questionnaire").order_by("unit__path", "desk", "pk")
            if policy.can_run_survey(user, s.unit)]


def files_template_xlsx(user, year: int) -> bytes:
    """The table to fill: one row per survey of the year, with the figure it has now."""
    rows = [[s.pk, s.unit.code, s.unit.name, s.desk, s.questionnaire.title, s.files_handled if s.files_handled is not None else ""]
            for s in _surveys_of_year(user, year)]
    return write_xlsx_sheets([(f"Số hồ sơ {year}", FILES_COLUMNS, rows)])


def _whole_number(text: str) -> int | None:
    from cchc.lib.numbers import parse_vn_number

    try:
        value = parse_vn_number(text)
    except ValueError:
        return None
    return int(value) if value >= 0 and value == value.to_integral_value() else None


@transaction.atomic
def import_files_handled(data: bytes, filename: str, *, year: int, user) -> int:
    """The files each unit (or desk) handled — the base of its sample — from a table: the template
    of `files_template_xlsx`, or any table with the unit (code or name), the desk and the number.
    All rows or none; returns the number of surveys updated."""
    from cchc.lib.text import fold
    from cchc.orgs.models import Unit
    from cchc.orgs.resolver import UnitResolver

    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ValidationError(str(exc)) from None
    if not table or "Số hồ sơ đã giải quyết" not in table[0] or not ({"Mã đợt", "Mã đơn vị", "Đơn vị"} & set(table[0])):
        raise ValidationError("Cần các cột “Đơn vị” (hoặc “Mã đơn vị”, “Mã đợt”) và “Số hồ sơ đã giải quyết”.")
    mine = _surveys_of_year(user, year)
    by_id = {str(s.pk): s for s in mine}
    resolver = None
    errors, updates = [], {}
    for number, row in enumerate(table, start=2):
        raw = (row.get("Số hồ sơ đã giải quyết") or "").strip()
        label = (row.get("Đơn vị") or row.get("Mã đơn vị") or row.get("Mã đợt") or "").strip()
        if not raw and not label:
            continue
        files = _whole_number(raw)
        if files is None:
            errors.append(f"Dòng {number}: số hồ sơ “{raw}” phải là số nguyên không âm.")
            continue
        survey_id = (row.get("Mã đợt") or "").strip()
        if survey_id:
            survey = by_id.get(survey_id)
            if survey is None:
                errors.append(f"Dòng {number}: đợt khảo sát số {survey_id} không phải của đơn vị bạn trong năm {year}.")
                continue
        else:
            code, name = (row.get("Mã đơn vị") or "").strip(), (row.get("Đơn vị") or "").strip()
            units = list(Unit.objects.filter(code=code)) if code else []
            if not units and name:
                resolver = resolver or UnitResolver()
                units = resolver.resolve(name).units
            unit_ids = {u.pk for u in units}
            desk = fold(row.get("Bộ phận") or "")
            found = [s for s in mine if s.unit_id in unit_ids and (not desk or fold(s.desk) == desk)]
            if not units:
                errors.append(f"Dòng {number}: không tìm thấy đơn vị “{code or name}”.")
                continue
            if not found:
                errors.append(f"Dòng {number}: {units[0].name} không có đợt khảo sát năm {year} mà bạn quản lý"
                              + (f" ở bộ phận “{row.get('Bộ phận')}”." if desk else "."))
                continue
            if len(found) > 1:
                errors.append(f"Dòng {number}: {units[0].name} có {len(found)} đợt khảo sát năm {year}: ghi rõ “Mã đợt” hoặc “Bộ phận”.")
                continue
            survey = found[0]
        if survey.pk in updates and updates[survey.pk] != files:
            errors.append(f"Dòng {number}: đợt khảo sát số {survey.pk} đã có ở dòng trên với số khác.")
            continue
        updates[survey.pk] = files
    if errors:
        raise ValidationError(errors)
    if not updates:
        raise ValidationError("Tệp không có dòng số liệu nào.")
    for survey in mine:
        if survey.pk in updates:
            survey.files_handled = updates[survey.pk]
            survey.save(update_fields=["files_handled", "updated_at"])
    return len(updates)


def rate_of(forms: int, files_handled: int | None) -> Decimal | None:
    if not files_handled:
        return None
    return (Decimal(forms) * 100 / files_handled).quantize(Decimal("0.01"))


def progress_of(forms: int, paper: int, files_handled: int | None, target: int | None, cset) -> Progress:
    from cchc.scoring.workflow import sipas_eligible

    rate = rate_of(forms, files_handled)
    return Progress(
        forms=forms, paper=paper, files_handled=files_handled,
        target=target if target is not None else target_for(files_handled, cset), rate=rate,
        min_rate=Decimal(cset.sipas_min_rate), min_forms=cset.sipas_min_forms,
        eligible=sipas_eligible(cset, rate, forms),
    )


def progress(survey: Survey) -> Progress:
    counts = Response.objects.filter(survey=survey).aggregate(
        n=Count("pk"), paper=Count("pk", filter=Q(channel=Channel.PAPER)),
    )
    cset = thresholds(survey.unit, survey.questionnaire.year)
    return progress_of(counts["n"], counts["paper"], survey.files_handled, survey.target, cset)


def progress_many(surveys: list[Survey]) -> dict[int, Progress]:
    """{survey id: Progress} in one GROUP BY for all the surveys."""
    rows = (
        Response.objects.filter(survey__in=surveys).values("survey_id")
        .annotate(n=Count("pk"), paper=Count("pk", filter=Q(channel=Channel.PAPER))).order_by()
    )
    counts = {r["survey_id"]: (r["n"], r["paper"]) for r in rows}
    csets: dict[tuple, object] = {}
    out = {}
    for s in surveys:
        key = (_UNIT_TYPE.get(s.unit.kind, ""), s.questionnaire.year)
        if key not in csets:
            csets[key] = thresholds(s.unit, s.questionnaire.year)
        n, paper = counts.get(s.pk, (0, 0))
        out[s.pk] = progress_of(n, paper, s.files_handled, s.target, csets[key])
    return out


# --- collecting -----------------------------------------------------------------------------------


def device_hash(device_token: str, survey: Survey) -> str:
    """A keyed hash of the random device cookie, per survey: no way back to the device or person."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{survey.pk}:{device_token}".encode(), hashlib.sha256).hexdigest()


def _ensure_open(survey: Survey, day: datetime.date) -> None:
    if survey.closed or day > survey.closes_on:
        raise ValidationError(f"Đợt khảo sát đã kết thúc ngày {survey.closes_on:%d/%m/%Y}; không nhận thêm phiếu.")
    if day < survey.opens_on:
        raise ValidationError(f"Đợt khảo sát bắt đầu từ ngày {survey.opens_on:%d/%m/%Y}; chưa nhận phiếu.")


def clean_values(questions: list[Question], raw: dict[str, str], *, label: str = "") -> tuple[list[tuple[Question, int]], list[str]]:
    """(question, value) pairs from raw form values keyed by question code; errors in words."""
    pairs, errors = [], []
    for question in questions:
        text = (raw.get(question.code) or "").strip()
        if not text:
            if question.required:
                errors.append(f"{label}Câu {question.code}: chưa chọn mức trả lời.")
            continue
        try:
            value = int(text)
        except ValueError:
            errors.append(f"{label}Câu {question.code}: “{text}” không phải là một mức trả lời.")
            continue
        if not question.scale_min <= value <= question.scale_max:
            errors.append(f"{label}Câu {question.code}: mức {value} nằm ngoài thang {question.scale_min}–{question.scale_max}.")
            continue
        pairs.append((question, value))
    return pairs, errors


def questions_of(survey: Survey) -> list[Question]:
    return list(Question.objects.filter(questionnaire_id=survey.questionnaire_id).order_by("order", "pk"))


def submit_online(survey: Survey, raw: dict[str, str], *, device: str, day: datetime.date,
                  questions: list[Question] | None = None) -> Response:
    """Record one online sheet, or refuse it (ValidationError, nothing saved): survey closed, a
    value out of range or missing, or this device already answered today."""
    _ensure_open(survey, day)
    if not device:
        raise ValidationError("Không xác định được thiết bị (trình duyệt chưa nhận cookie). Xin tải lại trang rồi gửi lại.")
    pairs, errors = clean_values(questions if questions is not None else questions_of(survey), raw)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, channel=Channel.ONLINE, day=day, device=device)
            Answer.objects.bulk_create([Answer(response=response, question=q, value=v) for q, v in pairs])
    except IntegrityError:
        raise ValidationError(
            "Thiết bị này đã gửi phiếu cho đợt khảo sát hôm nay. Mỗi thiết bị chỉ gửi một phiếu mỗi ngày."
        ) from None
    return response


@transaction.atomic
def enter_paper(survey: Survey, rows: list[dict[str, str]], *, by, day: datetime.date) -> int:
    """Paper sheets typed in by staff (one dict per sheet, keyed by question code): all or none.
    Empty rows are skipped. Returns the number of sheets saved."""
    if by is not None and not policy.can_enter_paper(by, survey):
        raise PermissionDenied("Bạn không được nhập phiếu cho đợt khảo sát này.")
    _ensure_open(survey, day)
    questions = questions_of(survey)
    filled = [(i, r) for i, r in enumerate(rows, 1) if any((v or "").strip() for v in r.values())]
    if not filled:
        raise ValidationError("Chưa nhập phiếu nào.")
    if len(filled) > MAX_PAPER_ROWS:
        raise ValidationError(f"Mỗi lần nhập tối đa {MAX_PAPER_ROWS} phiếu.")
    sheets, errors = [], []
    for number, raw in filled:
        pairs, errs = clean_values(questions, raw, label=f"Phiếu {number} – ")
        errors += errs
        sheets.append(pairs)
    if errors:
        raise ValidationError(errors)
    responses = Response.objects.bulk_create([
        Response(survey=survey, channel=Channel.PAPER, day=day, device="", entered_by=by) for _ in sheets
    ])
    if responses and responses[0].pk is None:  # backends that do not return ids (none we support)
        raise RuntimeError("bulk_create did not return primary keys")
    Answer.objects.bulk_create(
        [Answer(response=r, question=q, value=v) for r, pairs in zip(responses, sheets, strict=True) for q, v in pairs],
        batch_size=5000,
    )
    return len(responses)


# --- results --------------------------------------------------------------------------------------


def distribution(surveys) -> dict[int, dict[int, dict[int, int]]]:
    """{survey id: {question id: {value: count}}} in one GROUP BY over the raw answers."""
    out: dict[int, dict[int, dict[int, int]]] = {}
    rows = (
        Answer.objects.filter(response__survey__in=surveys)
        .values_list("response__survey_id", "question_id", "value").annotate(n=Count("pk")).order_by()
    )
    for survey_id, question_id, value, n in rows:
        out.setdefault(survey_id, {}).setdefault(question_id, {})[value] = n
    return out


def forms_by_survey(surveys) -> dict[int, int]:
    rows = Response.objects.filter(survey__in=surveys).values("survey_id").annotate(n=Count("pk")).order_by()
    return {r["survey_id"]: r["n"] for r in rows}


def results_by_survey(surveys: list[Survey]) -> dict[int, formulas.Result]:
    """{survey id: Result} for many surveys: two aggregate queries plus the questionnaires' items."""
    if not surveys:
        return {}
    dist, forms = distribution(surveys), forms_by_survey(surveys)
    items: dict[int, tuple[list, list]] = {}
    q_ids = {s.questionnaire_id for s in surveys}
    factors = list(Factor.objects.filter(questionnaire_id__in=q_ids))
    questions = list(Question.objects.filter(questionnaire_id__in=q_ids).select_related("factor"))
    for qid in q_ids:
        items[qid] = ([f for f in factors if f.questionnaire_id == qid], [x for x in questions if x.questionnaire_id == qid])
    return {
        s.pk: formulas.compute(s.questionnaire, *items[s.questionnaire_id], dist.get(s.pk, {}), forms.get(s.pk, 0))
        for s in surveys
    }


def results(survey: Survey) -> formulas.Result:
    return results_by_survey([survey])[survey.pk]


def last_year(survey: Survey) -> Survey | None:
    """The same unit's (and desk's) survey of the same kind a year earlier, for comparison."""
    return (
        Survey.objects.filter(
            unit_id=survey.unit_id, desk=survey.desk, questionnaire__kind=survey.questionnaire.kind,
            questionnaire__year=survey.questionnaire.year - 1,
        ).select_related("questionnaire", "unit").order_by("-questionnaire__version").first()
    )


def unit_scores(year: int, kind: str, unit_ids=None) -> dict[int, dict]:
    """{unit id: {"index", "points", "rate", "forms"}} for the surveys of a year and kind, a unit's
    desks added up (their forms, files handled and the index over all their answers)."""
    surveys = list(
        Survey.objects.filter(questionnaire__year=year, questionnaire__kind=kind)
        .filter(**({"unit_id__in": list(unit_ids)} if unit_ids is not None else {}))
        .select_related("questionnaire", "unit")
    )
    dist, forms = distribution(surveys), forms_by_survey(surveys)
    by_unit: dict[int, list[Survey]] = {}
    for s in surveys:
        by_unit.setdefault(s.unit_id, []).append(s)
    q_ids = {s.questionnaire_id for s in surveys}
    factors = list(Factor.objects.filter(questionnaire_id__in=q_ids))
    questions = list(Question.objects.filter(questionnaire_id__in=q_ids))
    out = {}
    for unit_id, group in by_unit.items():
        q = group[0].questionnaire
        merged: dict[int, dict[int, int]] = {}
        for s in group:
            for question_id, counts in dist.get(s.pk, {}).items():
                for value, n in counts.items():
                    merged.setdefault(question_id, {})[value] = merged.get(question_id, {}).get(value, 0) + n
        n_forms = sum(forms.get(s.pk, 0) for s in group)
        handled = [s.files_handled for s in group]
        files = None if any(h is None for h in handled) else sum(handled)
        result = formulas.compute(
            q, [f for f in factors if f.questionnaire_id == q.pk], [x for x in questions if x.questionnaire_id == q.pk],
            merged, n_forms,
        )
        cset = thresholds(group[0].unit, year)
        maximum = cset.sipas_max if kind == QuestionnaireKind.SIPAS else cset.survey_max
        out[unit_id] = {"index": result.index, "points": result.points(maximum), "rate": rate_of(n_forms, files), "forms": n_forms}
    return out


def push_to_round(round_, *, by=None):
    """The surveys' scores of the round's year into its scorecards' survey parts (ĐTXHH /15 and
    SIPAS /10), through the scoring's own write path: rights, freeze, eligibility and audit."""
    from cchc.scoring.workflow import push_survey_scores

    unit_ids = list(round_.scorecards.values_list("unit_id", flat=True))
    sipas = unit_scores(round_.year, QuestionnaireKind.SIPAS, unit_ids)
    staff = unit_scores(round_.year, QuestionnaireKind.STAFF, unit_ids)
    scores: dict[int, dict] = {}
    for unit_id, s in sipas.items():
        scores.setdefault(unit_id, {}).update({"sipas": s["points"], "rate": s["rate"], "forms": s["forms"]})
    for unit_id, s in staff.items():
        scores.setdefault(unit_id, {})["survey"] = s["points"]
    return push_survey_scores(round_=round_, scores=scores, by=by)
