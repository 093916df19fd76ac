"""The round of a PAR Index assessment, step by step: open, fill, prove, submit, appraise, survey, publish.

Views, management commands, the API and tests all call these functions; nothing else writes
scorecards and node scores. Each function checks the round's stage, its deadlines and — where a
person acts — the policy, and refuses with a Vietnamese message (`ValidationError`, or
`PermissionDenied` for a right the person lacks) leaving the data unchanged. Once a round is
published every change is refused.

Every change is audited: single saves through django-auditlog (with the acting person), bulk steps
(opening a round, a whole appraisal pass, survey imports) with one log entry per changed row written
in bulk.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from auditlog.context import auditlog_value
from auditlog.context import set_actor as _auditlog_set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from cchc import policy
from cchc.documents.tables import TableError, read_table
from cchc.orgs.models import Membership, Role, Unit

from . import ranking_sql
from .models import (
    AppraiserAssignment,
    CriteriaSet,
    Node,
    NodeEvidence,
    NodeScore,
    NodeSource,
    Round,
    RoundStatus,
    Scorecard,
    ScorecardStatus,
)

EVIDENCE_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png", ".zip")
TWO = Decimal("0.01")
SOURCE_WORDS = {
    NodeSource.APPRAISAL: "do Hội đồng thẩm định chấm",
    NodeSource.CENTRAL: "được đánh giá tập trung",
    NodeSource.SURVEY: "lấy từ điều tra xã hội học",
    NodeSource.SIPAS: "lấy từ khảo sát SIPAS",
}


@contextlib.contextmanager
def set_actor(actor):
    """Audit the changes inside with this actor, then give the surrounding context back.

    auditlog's own `set_actor` does not restore an outer context (the request middleware's): nested
    inside it, the outer signal receiver would stay connected for good. A request by the same person
    keeps the middleware's context as it is.
    """
    try:
        previous = auditlog_value.get()
    except LookupError:
        previous = None
    if previous is not None and previous.get("actor") == actor and actor is not None:
        yield
        return
    with _auditlog_set_actor(actor):
        yield
    if previous is not None:
        auditlog_value.set(previous)


# --- the tree of a set ---------------------------------------------------------------------------


@dataclass
class Tree:
    """The nodes of a set in order, with children and the round's exclusions, loaded in one query."""

    nodes: list[Node]
    children: dict[int | None, list[Node]]
    by_id: dict[int, Node]
    by_code: dict[str, Node]
    excluded: set[int] = field(default_factory=set)  # excluded nodes and everything below them

    def is_leaf(self, node: Node) -> bool:
        return not self.children.get(node.pk)

    def leaves(self) -> list[Node]:
        return [n for n in self.nodes if self.is_leaf(n) and n.pk not in self.excluded]

    def self_leaves(self) -> list[Node]:
        """The nodes a unit fills: self-assessed leaves in force in the round."""
        return [n for n in self.leaves() if n.source == NodeSource.SELF]

    def area_code(self, node: Node) -> str:
        return node.code.split(".")[0]

    def ancestors(self, node: Node) -> list[Node]:
        found = []
        while node.parent_id:
            node = self.by_id[node.parent_id]
            found.append(node)
        return found


def load_tree(criteria_set: CriteriaSet, round_: Round | None = None, *, full: bool = True) -> Tree:
    """`full=False` leaves out the long texts (guidance, required evidence) the checks do not need."""
    query = Node.objects.filter(criteria_set=criteria_set).order_by("position", "pk")
    if not full:
        query = query.defer("guidance", "evidence")
    nodes = list(query)
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    tree = Tree(nodes, dict(children), {n.pk: n for n in nodes}, {n.code: n for n in nodes})
    if round_ is not None and round_.pk:
        direct = set(round_.excluded_nodes.values_list("pk", flat=True))
        for node in nodes:
            if node.pk in direct or any(a.pk in direct for a in tree.ancestors(node)):
                tree.excluded.add(node.pk)
    return tree


# --- guards ----------------------------------------------------------------------------------------


def _fmt(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _fresh_round(scorecard: Scorecard) -> Round:
    """The round's stage as it is now in the database (the caller's copy may be stale)."""
    scorecard.round.refresh_from_db(fields=["status", "published_at", "decision", "self_deadline",
                                            "appraisal_1_deadline", "appraisal_2_deadline"])
    return scorecard.round


def ensure_not_published(round_: Round) -> None:
    if round_.status == RoundStatus.PUBLISHED:
        when = timezone.localtime(round_.published_at).strftime("%d/%m/%Y") if round_.published_at else ""
        decision = f" theo {round_.decision}" if round_.decision else ""
        raise ValidationError(
            f"Kết quả kỳ đánh giá đã được công bố{decision}{' ngày ' + when if when else ''}; "
            "mọi số liệu đã khóa, không sửa được."
        )


def _self_window_open(round_: Round, now: datetime.datetime) -> None:
    ensure_not_published(round_)
    if round_.status != RoundStatus.SELF_ASSESSMENT:
        raise ValidationError(
            f"Kỳ đánh giá đang ở giai đoạn “{round_.get_status_display()}”: không còn nhận tự đánh giá."
        )
    if round_.self_deadline and now > round_.self_deadline:
        raise ValidationError(f"Đã hết hạn tự đánh giá ({_fmt(round_.self_deadline)}); số liệu không được sửa nữa.")


def _evidence_window_open(scorecard: Scorecard, now: datetime.datetime) -> None:
    """Evidence is added while the unit self-assesses, or after the appraisers return the scorecard."""
    round_ = scorecard.round
    ensure_not_published(round_)
    if scorecard.status == ScorecardStatus.RETURNED:
        if round_.status not in (RoundStatus.APPRAISAL_1, RoundStatus.APPRAISAL_2, RoundStatus.SELF_ASSESSMENT):
            raise ValidationError("Kỳ đánh giá đã kết thúc thẩm định; không bổ sung tài liệu được nữa.")
        deadline = round_.appraisal_2_deadline or round_.appraisal_1_deadline
        if deadline and now > deadline:
            raise ValidationError(f"Đã hết hạn bổ sung tài liệu kiểm chứng ({_fmt(deadline)}).")
        return
    if scorecard.status != ScorecardStatus.OPEN:
        raise ValidationError("Phiếu đã gửi thẩm định; chỉ bổ sung được khi Hội đồng trả lại phiếu.")
    _self_window_open(round_, now)


def _node_of_round(scorecard: Scorecard, node: Node) -> None:
    if node.criteria_set_id != scorecard.round.criteria_set_id:
        raise ValidationError(f"Tiêu chí {node.code} không thuộc bộ tiêu chí của kỳ đánh giá này.")


def _audit_bulk(objects: list, changes: list[dict], actor, action=LogEntry.Action.UPDATE) -> None:
    """One audit entry per changed row, written in bulk (bulk saves bypass auditlog's signals)."""
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(type(objects[0]))
    now = timezone.now()
    if ranking_sql.available():
        # One statement per 50,000 entries: bulk_create's per-column arrays quote every JSON change
        # message character by character on the client, the slowest part of a whole appraisal pass.
        template = LogEntry(content_type=content_type, action=action, timestamp=now, object_repr="", object_pk="",
                            actor=actor if getattr(actor, "pk", None) else None)
        varying = ["object_pk", "object_id", "object_repr", "changes"]
        fixed = {f.attname: getattr(template, f.attname) for f in LogEntry._meta.concrete_fields
                 if not f.primary_key and f.attname not in varying}
        ranking_sql.insert(LogEntry, varying, [
            (str(obj.pk), obj.pk, repr_[:200], change) for obj, (repr_, change) in zip(objects, changes, strict=True)
        ], fixed)
        return
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type, object_pk=str(obj.pk), object_id=obj.pk, object_repr=repr_[:200],
                action=action, changes=change, actor=actor if getattr(actor, "pk", None) else None, timestamp=now,
            )
            for obj, (repr_, change) in zip(objects, changes, strict=True)
        ],
        batch_size=2000,
    )


# --- opening a round -------------------------------------------------------------------------------


@transaction.atomic
def open_round(
    *,
    criteria_set: CriteriaSet,
    units: list[Unit],
    title: str = "",
    year: int | None = None,
    self_deadline: datetime.datetime | None = None,
    appraisal_1_deadline: datetime.datetime | None = None,
    appraisal_2_deadline: datetime.datetime | None = None,
    excluded_nodes: list[Node] | None = None,
    unranked: list[Unit] | None = None,
    by=None,
) -> Round:
    """Open a round of this set for these units: one scorecard per unit, self-assessment begins.

    Node scores are created when a unit (or an appraiser) first writes one, so opening a round for
    3,500 units writes 3,500 rows, not 280,000.
    """
    if by is not None and not policy.can_manage_scoring(by):
        raise PermissionDenied("Chỉ cán bộ điều phối được mở kỳ đánh giá.")
    units = list({u.pk: u for u in units}.values())
    if not units:
        raise ValidationError("Chưa chọn đơn vị nào.")
    deadlines = [d for d in (self_deadline, appraisal_1_deadline, appraisal_2_deadline) if d]
    if deadlines != sorted(deadlines):
        raise ValidationError("Các hạn phải theo thứ tự: tự đánh giá, thẩm định đợt 1, thẩm định đợt 2.")
    if excluded_nodes is None and (year or criteria_set.year) == criteria_set.year:
        # The set's own exclusions for its year (commune 5.2 in 2025, BC 36/BC-HĐTĐ fn 4).
        codes = list(getattr(criteria_set, "default_exclusions", None) or [])
        excluded_nodes = list(Node.objects.filter(criteria_set=criteria_set, code__in=codes))
    excluded_nodes = list(excluded_nodes or [])
    for node in excluded_nodes:
        if node.criteria_set_id != criteria_set.pk:
            raise ValidationError(f"Tiêu chí {node.code} không thuộc bộ tiêu chí đã chọn.")
    round_ = Round(
        title=title or f"Chỉ số CCHC năm {year or criteria_set.year} — {criteria_set.get_unit_type_display()}",
        year=year or criteria_set.year,
        criteria_set=criteria_set,
        status=RoundStatus.SELF_ASSESSMENT,
        self_deadline=self_deadline,
        appraisal_1_deadline=appraisal_1_deadline,
        appraisal_2_deadline=appraisal_2_deadline,
        created_by=by if getattr(by, "pk", None) else None,
    )
    round_.full_clean()
    with set_actor(by):
        round_.save()
        if excluded_nodes:
            round_.excluded_nodes.set(excluded_nodes)
    unranked_ids = {u.pk for u in unranked or []}
    cards = Scorecard.objects.bulk_create(
        [Scorecard(round=round_, unit=u, ranked=u.pk not in unranked_ids) for u in units], batch_size=1000
    )
    if cards and cards[0].pk is None:  # backends that do not return ids from bulk inserts
        cards = list(round_.scorecards.all())
    _audit_bulk(cards, [("Phiếu chấm điểm mở", {"status": [None, ScorecardStatus.OPEN]})] * len(cards),
                by, LogEntry.Action.CREATE)
    return round_


STAGES = [
    RoundStatus.DRAFT, RoundStatus.SELF_ASSESSMENT, RoundStatus.APPRAISAL_1, RoundStatus.APPRAISAL_2,
    RoundStatus.COMPUTED, RoundStatus.PUBLISHED,
]


@transaction.atomic
def advance_round(*, round_: Round, status: str, by=None) -> Round:
    """Move the round to a later stage (self-assessment → appraisal 1 → appraisal 2 → computed)."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ensure_not_published(round_)
    if by is not None and not policy.can_manage_scoring(by):
        raise PermissionDenied("Chỉ cán bộ điều phối được chuyển giai đoạn kỳ đánh giá.")
    if status == RoundStatus.PUBLISHED:
        raise ValidationError("Công bố kết quả bằng chức năng “Công bố” (cần số quyết định).")
    if status not in STAGES or STAGES.index(status) <= STAGES.index(round_.status):
        raise ValidationError("Chỉ chuyển được sang giai đoạn sau giai đoạn hiện tại.")
    if status == RoundStatus.COMPUTED:
        return compute(round_=round_, by=by)
    round_.status = status
    with set_actor(by):
        round_.save(update_fields=["status", "updated_at"])
    return round_


# --- self-assessment -------------------------------------------------------------------------------


def _check_fillable(scorecard: Scorecard, node: Node, tree: Tree, applicable: bool) -> None:
    _node_of_round(scorecard, node)
    if node.pk in tree.excluded:
        raise ValidationError(f"Tiêu chí {node.code} không đánh giá trong kỳ này.")
    if node.source != NodeSource.SELF:
        raise ValidationError(
            f"Tiêu chí {node.code} {SOURCE_WORDS.get(node.source, 'không do đơn vị chấm')}; đơn vị không tự chấm được."
        )
    if not applicable:
        if not node.na_allowed:
            raise ValidationError(f"Tiêu chí {node.code} không được khai báo “không áp dụng”.")
        return
    if not tree.is_leaf(node):
        raise ValidationError(f"Điểm tiêu chí {node.code} là tổng điểm các tiêu chí thành phần; hãy nhập ở từng thành phần.")


def _scorecard_open_for_unit(scorecard: Scorecard) -> None:
    if scorecard.status not in (ScorecardStatus.OPEN,):
        raise ValidationError(
            f"Phiếu đang ở trạng thái “{scorecard.get_status_display()}”: không sửa được số liệu tự đánh giá."
        )


def compute_self_points(node: Node, inputs: dict) -> tuple[dict, Decimal]:
    """Validate a unit's raw inputs with the rule engine and compute the node's points."""
    from . import rules

    cleaned = rules.validate_inputs(node, inputs)
    points = rules.node_points(node, inputs)
    # Stored as the Vietnamese text that parses back to the same number ("193.457", "82,78").
    stored = {k: rules.format_number(v) if isinstance(v, Decimal) else v for k, v in cleaned.items()}
    return stored, points


@transaction.atomic
def save_inputs(
    *,
    scorecard: Scorecard,
    node: Node,
    inputs: dict,
    explanation: str = "",
    applicable: bool = True,
    by=None,
    now: datetime.datetime | None = None,
    tree: Tree | None = None,
    refresh: bool = True,
) -> NodeScore:
    """A unit's raw figures for one node: validated, scored by the rule, saved with the explanation."""
    now = _now(now)
    if by is not None and not policy.can_fill_scorecard(by, scorecard):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ của đơn vị được tự chấm điểm phiếu này.")
    _fresh_round(scorecard)
    scorecard.refresh_from_db(fields=["status"])
    _self_window_open(scorecard.round, now)
    _scorecard_open_for_unit(scorecard)
    tree = tree or load_tree(scorecard.round.criteria_set, scorecard.round, full=False)
    if applicable and not tree.is_leaf(node) and node.na_allowed:
        # Taking back a "không áp dụng" on a whole tiêu chí: its components are scored again.
        _check_fillable(scorecard, node, tree, applicable=False)
        score = NodeScore.objects.filter(scorecard=scorecard, node=node).first()
        if score is not None and not score.applicable:
            score.applicable = True
            with set_actor(by):
                score.save()
            if refresh:
                refresh_self_total(scorecard, tree)
        return score
    _check_fillable(scorecard, node, tree, applicable)
    if applicable:
        cleaned, points = compute_self_points(node, inputs)
        _check_records_reason(scorecard, node, cleaned, explanation)
    else:
        cleaned, points = {}, None
    score = NodeScore.objects.select_for_update().filter(scorecard=scorecard, node=node).first()
    if score is None:
        score = NodeScore(scorecard=scorecard, node=node)
    score.applicable = applicable
    score.inputs = cleaned
    score.self_points = points
    score.explanation = (explanation or "").strip()
    score.set_version = scorecard.round.criteria_set.version
    with set_actor(by):
        score.save()
    if refresh:
        refresh_self_total(scorecard, tree)
    return score


def _open_for_filling(scorecard: Scorecard, by, now: datetime.datetime) -> Tree:
    """Refuse unless `by` may fill the scorecard now (rights, stage, deadline); the round's tree."""
    if by is not None and not policy.can_fill_scorecard(by, scorecard):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ của đơn vị được tự chấm điểm phiếu này.")
    _fresh_round(scorecard)
    scorecard.refresh_from_db(fields=["status"])
    _self_window_open(scorecard.round, now)
    _scorecard_open_for_unit(scorecard)
    return load_tree(scorecard.round.criteria_set, scorecard.round, full=False)


@transaction.atomic
def save_self_assessment(
    *, scorecard: Scorecard, entries: dict[str, dict], by=None, now: datetime.datetime | None = None,
    suggested: dict | None = None,
) -> BulkResult:
    """A unit's whole self-assessment at once: {node code: {"inputs": {...}, "explanation": "…",
    "applicable": True}}. Every entry is checked first; one bad entry and nothing is saved.

    `suggested`: the records' suggestions already computed ({node id: prefill.Suggestion}), so the
    check of typed inputs against the records does not compute them twice."""
    now = _now(now)
    tree = _open_for_filling(scorecard, by, now)
    result = BulkResult()
    ready = []
    for number, (code, entry) in enumerate(entries.items(), start=1):
        node = tree.by_code.get(code)
        if node is None:
            result.errors.append(RowError(number, f"Không có tiêu chí “{code}” trong bộ tiêu chí."))
            continue
        applicable = entry.get("applicable", True)
        try:
            _check_fillable(scorecard, node, tree, applicable)
            cleaned, points = compute_self_points(node, entry.get("inputs") or {}) if applicable else ({}, None)
            if applicable:
                _check_records_reason(scorecard, node, cleaned, entry.get("explanation") or "",
                                      (suggested or {}).get(node.pk))
        except ValidationError as exc:
            result.errors.append(RowError(number, f"Tiêu chí {code}: " + " ".join(exc.messages)))
            continue
        ready.append((node, applicable, cleaned, points, (entry.get("explanation") or "").strip()))
    if result.errors:
        return result
    existing = {s.node_id: s for s in NodeScore.objects.select_for_update().filter(scorecard=scorecard)}
    version = scorecard.round.criteria_set.version
    with set_actor(by):
        for node, applicable, cleaned, points, explanation in ready:
            score = existing.get(node.pk) or NodeScore(scorecard=scorecard, node=node)
            score.applicable, score.inputs, score.self_points = applicable, cleaned, points
            score.explanation, score.set_version = explanation, version
            score.save()
    refresh_self_total(scorecard, tree)
    result.changed = len(ready)
    return result


def _check_records_reason(scorecard: Scorecard, node: Node, cleaned: dict, explanation: str, found=None) -> None:
    """A typed input that differs from what the records give needs a reason (the node's explanation).

    Refused with both figures named ("Đã nhập 25/28 nhưng hệ thống ghi nhận 1/27 nhiệm vụ hoàn thành
    đúng hạn …"); with a reason it is saved and stays flagged beside the records' figure.
    """
    if (explanation or "").strip():
        return
    from . import prefill

    message = prefill.records_mismatch(scorecard, node, cleaned, found)
    if message:
        raise ValidationError(message)


@dataclass
class Applied:
    """What "Áp dụng số liệu từ hệ thống" did: nodes filled, already equal, without data, left alone."""

    applied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    no_data: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # declared not applicable
    errors: list[RowError] = field(default_factory=list)

    def message(self) -> str:
        if not self.applied and not self.unchanged:
            text = "Không có tiêu chí nào có số liệu từ hệ thống để áp dụng."
        else:
            text = f"Đã áp dụng số liệu từ hệ thống cho {len(self.applied)} tiêu chí"
            text += f" ({', '.join(self.applied)})." if self.applied else "."
            if self.unchanged:
                text += f" {len(self.unchanged)} tiêu chí đã đúng số liệu hệ thống ({', '.join(self.unchanged)})."
        if self.no_data:
            text += f" {len(self.no_data)} tiêu chí chưa có dữ liệu, giữ nguyên ({', '.join(self.no_data)})."
        return text


@transaction.atomic
def apply_suggestions(*, scorecard: Scorecard, by=None, now: datetime.datetime | None = None) -> Applied:
    """Fill every node the records answer with the records' inputs, at once, through the same save as
    a typed self-assessment (`save_self_assessment`: rights, stage, deadline, history, set version).

    Nodes without data, and nodes declared not applicable, are left as they are; each node keeps
    its explanation. All or nothing.
    """
    from . import prefill

    now = _now(now)
    tree = _open_for_filling(scorecard, by, now)
    existing = {s.node_id: s for s in NodeScore.objects.filter(scorecard=scorecard)}
    off = {nid for nid, s in existing.items() if not s.applicable}
    leaves = tree.self_leaves()
    found = prefill.suggestions(scorecard, leaves)
    result = Applied()
    entries: dict[str, dict] = {}
    for node in leaves:
        suggestion = found.get(node.pk)
        if suggestion is None:
            continue
        if node.pk in off or any(a.pk in off for a in tree.ancestors(node)):
            result.skipped.append(node.code)
            continue
        if not suggestion.available:
            if not suggestion.info:
                result.no_data.append(node.code)
            continue
        score = existing.get(node.pk)
        if score is not None and score.self_points is not None and not prefill.differs(suggestion, score.inputs):
            result.unchanged.append(node.code)
            continue
        entries[node.code] = {"inputs": suggestion.inputs, "explanation": score.explanation if score else "",
                              "applicable": True}
        result.applied.append(node.code)
    if entries:
        saved = save_self_assessment(scorecard=scorecard, entries=entries, by=by, now=now, suggested=found)
        if not saved.ok:
            result.errors = saved.errors
            result.applied = []
    return result


def refresh_self_total(scorecard: Scorecard, tree: Tree | None = None) -> None:
    """Keep the scorecard's cached self-assessed total in step (results are computed apart)."""
    from . import results

    results.compute_scorecard(scorecard)


def add_evidence(
    *,
    scorecard: Scorecard,
    node: Node,
    document_number: str = "",
    document_date: datetime.date | None = None,
    file=None,
    link: str = "",
    note: str = "",
    by=None,
    now: datetime.datetime | None = None,
) -> NodeEvidence:
    """Tài liệu kiểm chứng for one node: a document number and date, a file, or a link."""
    now = _now(now)
    if by is not None and not policy.can_fill_scorecard(by, scorecard):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ của đơn vị được bổ sung tài liệu kiểm chứng.")
    _fresh_round(scorecard)
    scorecard.refresh_from_db(fields=["status"])
    _evidence_window_open(scorecard, now)
    tree = load_tree(scorecard.round.criteria_set, scorecard.round, full=False)
    _check_fillable(scorecard, node, tree, applicable=True)
    document_number, link, note = (document_number or "").strip(), (link or "").strip(), (note or "").strip()
    if not (document_number or file or link):
        raise ValidationError("Tài liệu kiểm chứng cần có số, ký hiệu văn bản, tệp đính kèm hoặc đường dẫn.")
    if file is not None:
        check_evidence_file(file)
    with transaction.atomic(), set_actor(by):
        score, _ = NodeScore.objects.get_or_create(
            scorecard=scorecard, node=node, defaults={"set_version": scorecard.round.criteria_set.version}
        )
        evidence = NodeEvidence(
            node_score=score, document_number=document_number, document_date=document_date, link=link, note=note,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        if file is not None:
            evidence.file = file
        evidence.full_clean(exclude=["file"])
        evidence.save()
    return evidence


def check_evidence_file(file) -> None:
    name = getattr(file, "name", "") or ""
    if not name.lower().endswith(EVIDENCE_EXTENSIONS):
        raise ValidationError(
            "Loại tệp không được nhận. Hãy tải lên PDF, Word, Excel, ảnh (JPG, PNG) hoặc tệp nén ZIP."
        )
    size = getattr(file, "size", 0) or 0
    if size == 0:
        raise ValidationError("Tệp rỗng.")
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB).")


def remove_evidence(*, evidence: NodeEvidence, by=None, now: datetime.datetime | None = None) -> None:
    scorecard = evidence.node_score.scorecard
    if by is not None and not policy.can_fill_scorecard(by, scorecard):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ của đơn vị được sửa tài liệu kiểm chứng.")
    _fresh_round(scorecard)
    _evidence_window_open(scorecard, _now(now))
    with set_actor(by):
        evidence.delete()


def missing_for_submission(scorecard: Scorecard, tree: Tree | None = None) -> tuple[list[Node], list[Node]]:
    """(nodes not yet scored, nodes scored above 0 without any evidence) among the unit's nodes."""
    tree = tree or load_tree(scorecard.round.criteria_set, scorecard.round, full=False)
    scores = {
        s.node_id: s
        for s in NodeScore.objects.filter(scorecard=scorecard).only("node_id", "applicable", "self_points")
    }
    with_evidence = set(
        NodeEvidence.objects.filter(node_score__scorecard=scorecard).values_list("node_score__node_id", flat=True)
    )
    not_applicable = {nid for nid, s in scores.items() if not s.applicable}
    unscored, unproven = [], []
    for node in tree.self_leaves():
        if node.pk in not_applicable or any(a.pk in not_applicable for a in tree.ancestors(node)):
            continue
        score = scores.get(node.pk)
        if score is None or score.self_points is None:
            unscored.append(node)
        elif score.self_points > 0 and node.pk not in with_evidence:
            unproven.append(node)
    return unscored, unproven


@transaction.atomic
def submit_scorecard(*, scorecard: Scorecard, by=None, now: datetime.datetime | None = None) -> Scorecard:
    """Send the self-assessment for appraisal: every node scored, every point claimed proven."""
    now = _now(now)
    scorecard = Scorecard.objects.select_for_update().select_related("round__criteria_set", "unit").get(pk=scorecard.pk)
    if by is not None and not policy.can_fill_scorecard(by, scorecard):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ của đơn vị được gửi phiếu tự đánh giá.")
    if scorecard.status in (ScorecardStatus.SUBMITTED, ScorecardStatus.APPRAISED):
        raise ValidationError("Phiếu đã được gửi thẩm định trước đó.")
    _evidence_window_open(scorecard, now)
    unscored, unproven = missing_for_submission(scorecard)
    problems = []
    if unscored:
        problems.append("Chưa chấm điểm: " + ", ".join(n.code for n in unscored) + ".")
    if unproven:
        problems.append("Chưa có tài liệu kiểm chứng: " + ", ".join(n.code for n in unproven) + ".")
    if problems:
        raise ValidationError("Chưa gửi được phiếu. " + " ".join(problems))
    scorecard.status = ScorecardStatus.SUBMITTED
    scorecard.submitted_at = now
    with set_actor(by):
        scorecard.save(update_fields=["status", "submitted_at", "updated_at"])
    return scorecard


# --- appraisal -------------------------------------------------------------------------------------


def _appraisal_window_open(round_: Round, pass_no: int, now: datetime.datetime) -> None:
    ensure_not_published(round_)
    if pass_no not in (1, 2):
        raise ValidationError("Đợt thẩm định phải là 1 hoặc 2.")
    expected = RoundStatus.APPRAISAL_1 if pass_no == 1 else RoundStatus.APPRAISAL_2
    if round_.status != expected:
        raise ValidationError(
            f"Kỳ đánh giá đang ở giai đoạn “{round_.get_status_display()}”, chưa/không còn thẩm định đợt {pass_no}."
        )
    deadline = round_.appraisal_1_deadline if pass_no == 1 else round_.appraisal_2_deadline
    if deadline and now > deadline:
        raise ValidationError(f"Đã hết hạn thẩm định đợt {pass_no} ({_fmt(deadline)}).")


def _appraised_value(node: Node, tree: Tree, points, inputs) -> tuple[Decimal, dict | None]:
    if node.source in (NodeSource.SURVEY, NodeSource.SIPAS):
        raise ValidationError(f"Tiêu chí {node.code} lấy điểm từ khảo sát; hãy nhập ở phần khảo sát.")
    if node.pk in tree.excluded:
        raise ValidationError(f"Tiêu chí {node.code} không đánh giá trong kỳ này.")
    if not tree.is_leaf(node):
        raise ValidationError(f"Điểm tiêu chí {node.code} là tổng điểm các tiêu chí thành phần; hãy chấm ở từng thành phần.")
    if inputs:
        cleaned, value = compute_self_points(node, inputs)
        return value, cleaned
    if points is None or str(points).strip() == "":
        raise ValidationError(f"Chưa nhập điểm thẩm định tiêu chí {node.code}.")
    from . import rules

    value = rules.check_points(node, points)
    return value.quantize(TWO), None


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _check_reason(node: Node, self_points: Decimal | None, applicable: bool, value: Decimal, reason: str) -> None:
    if node.source == NodeSource.SELF and applicable and (self_points or Decimal(0)) != value and not reason:
        shown = _num(self_points) if self_points is not None else "chưa chấm"
        raise ValidationError(
            f"Tiêu chí {node.code}: điểm thẩm định {_num(value)} khác điểm tự chấm ({shown}) — hãy ghi lý do."
        )


def _check_deduction(node: Node, applied: bool, waived: bool) -> None:
    if (applied or waived) and not node.deduction:
        raise ValidationError(f"Tiêu chí {node.code} không có quy định trừ điểm.")
    if waived and not node.deduction.get("waivable", False):
        raise ValidationError(f"Tiêu chí {node.code} không được miễn trừ điểm.")


# What an appraisal form carries when the appraiser saw no score yet for the node (the hidden
# `updated_at` field of scoring/_node_row.html); any other value is the score's `updated_at`.
NOT_SCORED = "chua-cham"


def _changed_since_seen(node: Node, score: NodeScore, pass_no: int) -> ValidationError:
    """The refusal for a save over a score that changed since the appraiser loaded the form."""
    appraiser = getattr(score, f"appraiser_{pass_no}")
    if getattr(score, f"appraised_points_{pass_no}") is not None:
        who = (appraiser.get_full_name() or appraiser.username) if appraiser else "người khác"
        return ValidationError(
            f"Điểm tiêu chí {node.code} vừa được {who} thẩm định lúc {_fmt(score.updated_at)}; "
            "hãy xem lại trước khi lưu."
        )
    return ValidationError(
        f"Điểm tiêu chí {node.code} vừa được người khác sửa lúc {_fmt(score.updated_at)}; "
        "hãy tải lại trang để xem điểm mới rồi mới lưu."
    )


@transaction.atomic
def appraise(
    *,
    scorecard: Scorecard,
    node: Node,
    pass_no: int,
    points=None,
    inputs: dict | None = None,
    reason: str = "",
    deduction: bool = False,
    waived: bool = False,
    by=None,
    expected_updated_at: datetime.datetime | str | None = None,
    now: datetime.datetime | None = None,
) -> NodeScore:
    """An appraiser's score for one node in one pass, with the reason when it differs from the self-score.

    `expected_updated_at` is what the appraiser saw: the node score's `updated_at`, or `NOT_SCORED`
    when there was no score yet. If someone saved the node since, the save is refused instead of
    silently overwriting their work (None: no check, for callers without a form).
    """
    now = _now(now)
    # The scorecard row is the lock two appraisers of one scorecard queue on (and a whole pass takes):
    # the second reads the score only after the first committed, so it sees the new score (or a
    # stale version) instead of inserting a duplicate and failing on the unique (scorecard, node).
    Scorecard.objects.select_for_update(no_key=True).filter(pk=scorecard.pk).values_list("pk", flat=True).first()
    round_ = _fresh_round(scorecard)
    _appraisal_window_open(round_, pass_no, now)
    _node_of_round(scorecard, node)
    if by is not None and not policy.can_appraise_node(by, round_, node):
        raise PermissionDenied(f"Bạn không được phân công thẩm định lĩnh vực {node.code.split('.')[0]}.")
    _hold_actor(by)
    tree = load_tree(round_.criteria_set, round_, full=False)
    value, cleaned = _appraised_value(node, tree, points, inputs)
    reason = (reason or "").strip()
    score = NodeScore.objects.select_for_update().filter(scorecard=scorecard, node=node).first()
    if score is None:
        if expected_updated_at is not None and expected_updated_at != NOT_SCORED:
            raise ValidationError(f"Điểm tiêu chí {node.code} vừa thay đổi; hãy tải lại trang trước khi lưu.")
        score = NodeScore(scorecard=scorecard, node=node, set_version=round_.criteria_set.version)
    elif expected_updated_at is not None and (expected_updated_at == NOT_SCORED
                                              or score.updated_at != expected_updated_at):
        raise _changed_since_seen(node, score, pass_no)
    _check_reason(node, score.self_points, score.applicable, value, reason)
    _check_deduction(node, deduction, waived)
    setattr(score, f"appraised_points_{pass_no}", value)
    setattr(score, f"reason_{pass_no}", reason)
    setattr(score, f"appraiser_{pass_no}", by if getattr(by, "pk", None) else None)
    if cleaned is not None and node.source != NodeSource.SELF:
        score.inputs = cleaned
    score.deduction_applied = deduction
    score.deduction_waived = waived
    with set_actor(by):
        score.save()
    from . import results

    results.compute_scorecard(scorecard)
    return score


@transaction.atomic
def return_for_evidence(*, scorecard: Scorecard, note: str, by=None, now: datetime.datetime | None = None) -> Scorecard:
    """The appraisers send a submitted scorecard back for more evidence (before pass 2)."""
    now = _now(now)
    scorecard = Scorecard.objects.select_for_update().select_related("round", "unit").get(pk=scorecard.pk)
    round_ = scorecard.round
    ensure_not_published(round_)
    if by is not None and not policy.can_appraise(by, round_):
        raise PermissionDenied("Bạn không được phân công thẩm định kỳ đánh giá này.")
    if round_.status not in (RoundStatus.APPRAISAL_1, RoundStatus.APPRAISAL_2):
        raise ValidationError("Chỉ trả lại phiếu trong thời gian thẩm định.")
    if scorecard.status != ScorecardStatus.SUBMITTED:
        raise ValidationError("Chỉ trả lại được phiếu đã gửi thẩm định.")
    note = (note or "").strip()
    if not note:
        raise ValidationError("Hãy ghi nội dung cần bổ sung.")
    scorecard.status = ScorecardStatus.RETURNED
    with set_actor(by):
        scorecard.save(update_fields=["status", "updated_at"])
    _notify_unit(scorecard, f"Phiếu Chỉ số CCHC “{round_.title}” được trả lại để bổ sung tài liệu kiểm chứng: {note}"[:500])
    return scorecard


def _notify_unit(scorecard: Scorecard, text: str) -> None:
    from django.urls import reverse

    from cchc.plans.models import Notification

    people = Membership.objects.filter(unit=scorecard.unit, role__in=[Role.LEADER, Role.OFFICER]).values_list(
        "user_id", flat=True
    )
    link = reverse("scoring:scorecard", args=[scorecard.pk])
    Notification.objects.bulk_create([Notification(user_id=uid, text=text, link=link) for uid in set(people)])


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1)
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}"


@dataclass
class BulkResult:
    changed: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


APPRAISAL_COLUMNS = ["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định", "Lý do"]


def appraisal_rows_from_table(data: bytes, filename: str) -> list[dict]:
    """An appraisal pass as a spreadsheet: unit code, node code, points, reason."""
    try:
        table = read_table(data, filename)
    except TableError as exc:
        raise ValidationError(str(exc)) from exc
    if table and not set(APPRAISAL_COLUMNS[:3]) <= set(table[0]):
        raise ValidationError("Bảng thiếu cột: " + ", ".join(c for c in APPRAISAL_COLUMNS[:3] if c not in table[0]) + ".")
    return [
        {"unit": r.get("Mã đơn vị", ""), "node": r.get("Mã tiêu chí", ""), "points": r.get("Điểm thẩm định", ""),
         "reason": r.get("Lý do", "")}
        for r in table
    ]


@transaction.atomic
def apply_appraisal_pass(
    *, round_: Round, pass_no: int, rows: list[dict], by=None, now: datetime.datetime | None = None
) -> BulkResult:
    """A whole appraisal pass at once (`unit` code, `node` code, `points`, `reason`): all or nothing.

    Same checks as `appraise` on each row; any error leaves everything unchanged.
    """
    now = _now(now)
    round_.refresh_from_db(fields=["status", "published_at", "decision", "appraisal_1_deadline", "appraisal_2_deadline"])
    _appraisal_window_open(round_, pass_no, now)
    tree = load_tree(round_.criteria_set, round_, full=False)
    # The round's scorecards, locked until commit (FOR NO KEY UPDATE): a single `appraise` of one of
    # them waits for the pass instead of racing it to the same new score, and none is deleted under it.
    cards = {c.unit.code: c for c in round_.scorecards.select_related("unit").select_for_update(of=("self",), no_key=True)}
    _hold_actor(by)
    # (pk, self points, applicable, this pass's points, this pass's reason) by (scorecard, node): plain
    # tuples, as model instances cost more than the whole check at 273,000 scores.
    existing = _existing_scores(round_, pass_no)
    checked: dict[tuple[int, str], Decimal] = {}  # (node, points as typed) → value: a pass repeats few values
    areas = policy.appraiser_area_codes(by, round_) if by is not None else None
    result = BulkResult()
    errors = result.errors
    # The changed scores grouped by scorecard (one audit entry each): (scorecard id, node id, score id
    # or None, value, reason, value before, reason before).
    changes: dict[int, list[tuple]] = defaultdict(list)
    seen = set()
    by_code = tree.by_code
    self_scored = {n.pk for n in tree.nodes if n.source == NodeSource.SELF}
    for number, row in enumerate(rows, start=2):
        card = cards.get(str(row.get("unit", "")).strip())
        node = by_code.get(str(row.get("node", "")).strip())
        if card is None:
            errors.append(RowError(number, f"Đơn vị “{row.get('unit', '')}” không có trong kỳ đánh giá."))
            continue
        if node is None:
            errors.append(RowError(number, f"Không có tiêu chí “{row.get('node', '')}” trong bộ tiêu chí."))
            continue
        pair = (card.id, node.id)
        if pair in seen:
            errors.append(RowError(number, f"Tiêu chí {node.code} của {card.unit.display_name} bị lặp."))
            continue
        seen.add(pair)
        if areas is not None and tree.area_code(node) not in areas:
            errors.append(RowError(number, f"Bạn không được phân công thẩm định lĩnh vực {tree.area_code(node)}."))
            continue
        reason = str(row.get("reason", "") or "").strip()
        score = existing.get(pair)
        raw = row.get("points")
        key = (node.id, raw if isinstance(raw, str) else str(raw))
        value = checked.get(key)
        try:
            if value is None:
                value, _ = _appraised_value(node, tree, raw, None)
                checked[key] = value
            # `_check_reason`'s own condition, tested here so only a refused row pays the call (which
            # raises with the one error text): 273,000 calls were a tenth of the pass.
            if not reason and node.id in self_scored and (score is None or score[2]) \
                    and ((score[1] if score else None) or Decimal(0)) != value:
                _check_reason(node, score[1] if score else None, score[2] if score else True, value, reason)
        except ValidationError as exc:
            errors.append(RowError(number, " ".join(exc.messages)))
            continue
        if score is None:
            changes[pair[0]].append((pair[0], pair[1], None, value, reason, None, ""))
        elif score[3] != value or score[4] != reason:
            changes[pair[0]].append((pair[0], pair[1], score[0], value, reason, score[3], score[4]))
    if errors:
        transaction.set_rollback(True)
        return result
    grouped = [change for group in changes.values() for change in group]
    _write_pass(round_, pass_no, grouped, by, now)
    result.changed = len(grouped)
    return result


def _hold_actor(by) -> None:
    """The acting user exists and stays until commit (the check the database no longer repeats for
    every score's `appraiser_N`, see NodeScore): FOR KEY SHARE, as a foreign key check takes it."""
    if not getattr(by, "pk", None):
        return
    from cchc.orgs.models import User

    table = connection.ops.quote_name(User._meta.db_table)
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s{lock}", [by.pk])  # noqa: S608
        if cursor.fetchone() is None:
            raise ValidationError("Tài khoản người thẩm định không còn tồn tại.")


def _existing_scores(round_: Round, pass_no: int) -> dict[tuple[int, int], tuple]:
    query = NodeScore.objects.filter(scorecard__round=round_).values_list(
        "scorecard_id", "node_id", "id", "self_points", "applicable", f"appraised_points_{pass_no}", f"reason_{pass_no}",
    )
    if ranking_sql.available():
        # The same query through a plain cursor: PostgreSQL already returns Decimals and booleans, and
        # the ORM's row iterator costs more than the rest of the read at 273,000 rows.
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {(r[0], r[1]): r[2:] for r in cursor.fetchall()}
    return {(r[0], r[1]): r[2:] for r in query.iterator(chunk_size=20_000)}


def _write_pass(round_: Round, pass_no: int, changes: list[tuple], by, now: datetime.datetime) -> None:
    """Write a pass's changed scores and their audit (one entry per scorecard, with the actor).

    `changes`: (scorecard id, node id, score id or None, value, reason, value before, reason before),
    grouped by scorecard. On PostgreSQL one statement per ~50,000 scores does scores and audit
    (`ranking_sql.appraisal_pass`); elsewhere plain multi-row statements (the ORM's bulk paths are 10×
    slower here), values through each field's own `get_db_prep_save`, and the audit built here.
    `now` is only the deadline's clock: the rows are stamped with the real time, as `auto_now` would.
    """
    actor_id = getattr(by, "pk", None)
    version = round_.criteria_set.version
    stamped = timezone.now()
    if ranking_sql.available():
        ranking_sql.appraisal_pass(pass_no=pass_no, rows=changes, actor_id=actor_id, version=version, now=stamped,
                                   round_title=round_.title,
                                   content_type_id=ContentType.objects.get_for_model(Scorecard).pk)
        return
    meta = NodeScore._meta
    quote = connection.ops.quote_name
    column = {f.name: f.column for f in meta.concrete_fields}
    prep = {name: meta.get_field(name) for name in column}
    stamp = prep["updated_at"].get_db_prep_save(stamped, connection)
    empty = prep["inputs"].get_db_prep_save({}, connection)
    points = prep[f"appraised_points_{pass_no}"]
    other = 2 if pass_no == 1 else 1
    insert_fields = [
        "scorecard", "node", "applicable", "inputs", "explanation", f"appraised_points_{pass_no}", f"reason_{pass_no}",
        f"appraiser_{pass_no}", f"reason_{other}", "deduction_applied", "deduction_waived", "set_version", "updated_at",
    ]
    insert = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model, values as parameters
        quote(meta.db_table), ", ".join(quote(column[f]) for f in insert_fields), ", ".join(["%s"] * len(insert_fields))
    )
    update = "UPDATE {} SET {} = %s, {} = %s, {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table), quote(column[f"appraised_points_{pass_no}"]), quote(column[f"reason_{pass_no}"]),
        quote(column[f"appraiser_{pass_no}"]), quote(column["updated_at"]), quote(meta.pk.column),
    )
    new_rows = [(c[0], c[1], c[3], c[4]) for c in changes if c[2] is None]
    updates = [(c[2], c[3], c[4]) for c in changes if c[2] is not None]
    with connection.cursor() as cursor:
        for i in range(0, len(new_rows), 5000):
            cursor.executemany(insert, [
                (card_id, node_id, True, empty, "", points.get_db_prep_save(value, connection), reason, actor_id, "",
                 False, False, version, stamp)
                for card_id, node_id, value, reason in new_rows[i:i + 5000]
            ])
        for i in range(0, len(updates), 5000):
            cursor.executemany(update, [
                (points.get_db_prep_save(value, connection), reason, actor_id, stamp, pk)
                for pk, value, reason in updates[i:i + 5000]
            ])
    # The audit, as ranking_sql.appraisal_pass writes it in SQL: per scorecard {"<code>: điểm thẩm
    # định đợt N": [before, after], "<code>: lý do đợt N": [before, after] when either is non-empty}.
    codes = {n.pk: n.code for n in Node.objects.filter(criteria_set_id=round_.criteria_set_id).only("code")}
    audit: dict[int, dict] = defaultdict(dict)
    for card_id, node_id, _pk, value, reason, before, old_reason in changes:
        entry = audit[card_id]
        entry[f"{codes[node_id]}: điểm thẩm định đợt {pass_no}"] = ["" if before is None else _num(before), _num(value)]
        if reason or old_reason:
            entry[f"{codes[node_id]}: lý do đợt {pass_no}"] = [old_reason, reason]
    cards = Scorecard.objects.select_related("unit").in_bulk(list(audit))
    changed = [cards[pk] for pk in audit]
    _audit_bulk(changed, [(f"{c.unit.name} — {round_.title}", audit[c.pk]) for c in changed], by)


# --- surveys ---------------------------------------------------------------------------------------

SURVEY_COLUMNS = ["Mã đơn vị", "Tên đơn vị", "Điểm ĐTXHH", "Điểm SIPAS", "Tỷ lệ khảo sát SIPAS (%)", "Số phiếu SIPAS"]


def _opt_number(text: str, what: str, row: int, errors: list[RowError]) -> Decimal | None:
    from . import rules

    text = (text or "").strip()
    if not text:
        return None
    try:
        return Decimal(rules.parse_number(text))
    except (ValidationError, InvalidOperation, ValueError):
        errors.append(RowError(row, f"{what} “{text}” không phải là số."))
        return None


@transaction.atomic
def import_surveys(*, round_: Round, data: bytes, filename: str, by=None) -> BulkResult:
    """ĐTXHH and SIPAS per unit from a spreadsheet (columns in SURVEY_COLUMNS): all rows or none.

    SIPAS counts only where the unit reached the set's minimum response rate and number of forms;
    otherwise it is recorded as not evaluated (the rate and forms are kept to show why).
    """
    round_.refresh_from_db(fields=["status", "published_at", "decision"])
    ensure_not_published(round_)
    if by is not None and not policy.can_manage_scoring(by):
        raise PermissionDenied("Chỉ cán bộ điều phối được nhập kết quả khảo sát.")
    result = BulkResult()
    try:
        table = read_table(data, filename)
    except TableError as exc:
        result.errors.append(RowError(1, str(exc)))
        return result
    if not table:
        result.errors.append(RowError(1, "Tệp không có dòng dữ liệu nào."))
        return result
    if "Mã đơn vị" not in table[0]:
        result.errors.append(RowError(1, "Thiếu cột “Mã đơn vị”."))
        return result
    cset = round_.criteria_set
    cards = {c.unit.code: c for c in round_.scorecards.select_related("unit")}
    changed, audit, seen = [], [], set()
    for number, row in enumerate(table, start=2):
        code = (row.get("Mã đơn vị") or "").strip()
        card = cards.get(code)
        if card is None:
            result.errors.append(RowError(number, f"Đơn vị “{code}” không có trong kỳ đánh giá."))
            continue
        if code in seen:
            result.errors.append(RowError(number, f"Đơn vị “{code}” bị lặp."))
            continue
        seen.add(code)
        errors_before = len(result.errors)
        survey = _opt_number(row.get("Điểm ĐTXHH", ""), "Điểm ĐTXHH", number, result.errors)
        sipas = _opt_number(row.get("Điểm SIPAS", ""), "Điểm SIPAS", number, result.errors)
        rate = _opt_number(row.get("Tỷ lệ khảo sát SIPAS (%)", ""), "Tỷ lệ khảo sát", number, result.errors)
        forms = _opt_number(row.get("Số phiếu SIPAS", ""), "Số phiếu", number, result.errors)
        if survey is not None and not (0 <= survey <= cset.survey_max):
            result.errors.append(RowError(number, f"Điểm ĐTXHH {_num(survey)} phải từ 0 đến {_num(cset.survey_max)}."))
        if sipas is not None and not (0 <= sipas <= cset.sipas_max):
            result.errors.append(RowError(number, f"Điểm SIPAS {_num(sipas)} phải từ 0 đến {_num(cset.sipas_max)}."))
        if rate is not None and not (0 <= rate <= 100):
            result.errors.append(RowError(number, f"Tỷ lệ khảo sát {_num(rate)} % phải từ 0 đến 100."))
        if forms is not None and (forms < 0 or forms != forms.to_integral_value()):
            result.errors.append(RowError(number, f"Số phiếu “{row.get('Số phiếu SIPAS')}” phải là số nguyên không âm."))
        if sipas is not None and (rate is None or forms is None):
            result.errors.append(RowError(number, "Có điểm SIPAS thì phải có tỷ lệ khảo sát và số phiếu."))
        if len(result.errors) > errors_before:
            continue
        counted = sipas is not None and sipas_eligible(cset, rate, forms)
        if sipas is not None and not counted:
            result.notes.append(
                f"{card.unit.display_name}: không đánh giá SIPAS (tỷ lệ {_num(rate)} %, {int(forms)} phiếu; "
                f"tối thiểu {_num(cset.sipas_min_rate)} % và {cset.sipas_min_forms} phiếu)."
            )
        _set_survey_scores(card, survey, sipas if counted else None, rate, forms, changed, audit)
    if result.errors:
        return result
    result.changed = write_survey_scores(changed, audit, by)
    return result


def sipas_eligible(cset: CriteriaSet, rate: Decimal | None, forms: int | Decimal | None) -> bool:
    """The one rule for whether a unit's SIPAS counts: at least the set's minimum response rate
    (10 %) and number of forms (50). Used by the spreadsheet import and by `cchc.surveys`."""
    return rate is not None and forms is not None and rate >= cset.sipas_min_rate and forms >= cset.sipas_min_forms


def _set_survey_scores(card: Scorecard, survey, sipas, rate, forms, changed: list, audit: list) -> None:
    before = [str(card.survey_points), str(card.sipas_points)]
    card.survey_points = survey
    card.sipas_points = sipas
    card.sipas_rate = rate
    card.sipas_forms = int(forms) if forms is not None else None
    changed.append(card)
    audit.append((str(card), {"survey_points": [before[0], str(survey)], "sipas_points": [before[1], str(sipas)]}))


def write_survey_scores(changed: list[Scorecard], audit: list, by) -> int:
    """The one write path of survey scores: bulk update plus one audit entry per scorecard."""
    now = timezone.now()
    for card in changed:
        card.updated_at = now
    Scorecard.objects.bulk_update(changed, ["survey_points", "sipas_points", "sipas_rate", "sipas_forms", "updated_at"], batch_size=1000)
    _audit_bulk(changed, audit, by)
    return len(changed)


@transaction.atomic
def push_survey_scores(*, round_: Round, scores: dict[int, dict], by=None) -> BulkResult:
    """Survey results computed in the system into a round: {unit id: {"survey": points or None,
    "sipas": points or None, "rate": %, "forms": n}}. Keys absent from a unit's dict keep the card's
    value. Same rights, freeze and audit as the import; SIPAS counts only by `sipas_eligible`."""
    round_.refresh_from_db(fields=["status", "published_at", "decision"])
    ensure_not_published(round_)
    if by is not None and not policy.can_manage_scoring(by):
        raise PermissionDenied("Chỉ cán bộ điều phối được đưa kết quả khảo sát vào kỳ đánh giá.")
    cset = round_.criteria_set
    result = BulkResult()
    changed, audit = [], []
    for card in round_.scorecards.select_related("unit").filter(unit_id__in=list(scores)):
        row = scores[card.unit_id]
        survey = row.get("survey", card.survey_points)
        rate = row.get("rate", card.sipas_rate)
        forms = row.get("forms", card.sipas_forms)
        sipas = row.get("sipas", card.sipas_points)
        if sipas is not None and not sipas_eligible(cset, rate, forms):
            result.notes.append(
                f"{card.unit.display_name}: không đánh giá SIPAS (tỷ lệ {_num(Decimal(rate or 0))} %, {int(forms or 0)} phiếu; "
                f"tối thiểu {_num(cset.sipas_min_rate)} % và {cset.sipas_min_forms} phiếu)."
            )
            sipas = None
        _set_survey_scores(card, survey, sipas, rate, forms, changed, audit)
    result.changed = write_survey_scores(changed, audit, by)
    return result


def survey_template_rows(round_: Round) -> list[list]:
    return [
        [c.unit.code, c.unit.name, c.survey_points, c.sipas_points, c.sipas_rate, c.sipas_forms]
        for c in round_.scorecards.select_related("unit").order_by("unit__path")
    ]


# --- results and publication -----------------------------------------------------------------------


@transaction.atomic
def compute(*, round_: Round, by=None) -> Round:
    """Compute every scorecard's points, index, rank and rating (S1's results engine)."""
    from . import results

    ensure_not_published(round_)
    results.compute_round(round_)
    Scorecard.objects.filter(round=round_, status=ScorecardStatus.SUBMITTED).update(status=ScorecardStatus.APPRAISED)
    round_.status = RoundStatus.COMPUTED
    round_.computed_at = timezone.now()
    with set_actor(by):
        round_.save(update_fields=["status", "computed_at", "updated_at"])
    return round_


@transaction.atomic
def publish_round(*, round_: Round, decision: str, by=None) -> Round:
    """Publish the results under a decision: computed a last time, then frozen for good."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    ensure_not_published(round_)
    if by is not None and not policy.can_manage_scoring(by):
        raise PermissionDenied("Chỉ cán bộ điều phối được công bố kết quả.")
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError("Hãy ghi số, ngày của quyết định công bố kết quả.")
    if round_.status not in (RoundStatus.APPRAISAL_2, RoundStatus.APPRAISAL_1, RoundStatus.COMPUTED):
        raise ValidationError("Chỉ công bố được sau khi thẩm định.")
    compute(round_=round_, by=by)
    round_.status = RoundStatus.PUBLISHED
    round_.published_at = timezone.now()
    round_.decision = decision
    with set_actor(by):
        round_.save(update_fields=["status", "published_at", "decision", "updated_at"])
    return round_


@transaction.atomic
def assign_appraiser(*, round_: Round, user, areas: list[Node], by=None) -> AppraiserAssignment:
    ensure_not_published(round_)
    if by is not None and not policy.can_manage_scoring(by):
        raise PermissionDenied("Chỉ cán bộ điều phối được phân công thẩm định.")
    for node in areas:
        if node.criteria_set_id != round_.criteria_set_id or node.parent_id is not None:
            raise ValidationError(f"“{node.code}” không phải là lĩnh vực của bộ tiêu chí này.")
    with set_actor(by):
        assignment, _ = AppraiserAssignment.objects.get_or_create(round=round_, user=user)
        assignment.areas.set(areas)
    return assignment


def parse_json_inputs(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValidationError("Số liệu không hợp lệ.") from exc
    if not isinstance(value, dict):
        raise ValidationError("Số liệu không hợp lệ.")
    return value

