"""Pages of the PAR Index: sets, rounds, the unit's scorecard, appraisal, surveys, results, publication.

Every view asks `cchc.policy` first and leaves decisions to `workflow`; refusals come back as
messages on the page (or as the refreshed fragment for htmx requests) and change nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.documents.official import DOCX_CONTENT_TYPE
from cchc.documents.tables import XLSX_CONTENT_TYPE, write_xlsx

from . import prefill, rules, workflow
from .forms import (
    AppraisalImportForm,
    AssignForm,
    CopySetForm,
    EvidenceForm,
    PublishForm,
    RoundOpenForm,
    SetImportForm,
    SurveyImportForm,
    end_of_day,
    units_for,
)
from .models import (
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
from .wording import describe_deduction, describe_rule

RANKING_PAGE = 200


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- home ------------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Rounds I may see; my unit's scorecards; for coordinators, where each round stands."""
    user = request.user
    rounds = list(
        policy.visible_rounds(user).select_related("criteria_set").order_by("-year", "-created_at")[:50]
    )
    progress = {}
    if policy.is_coordinator(user) and rounds:
        rows = (
            Scorecard.objects.filter(round__in=rounds).values("round_id", "status").annotate(n=Count("id"))
            .order_by("round_id", "status")
        )
        for row in rows:
            progress.setdefault(row["round_id"], {})[row["status"]] = row["n"]
    for r in rounds:
        counts = progress.get(r.pk, {})
        total = sum(counts.values())
        r.progress = {
            "total": total,
            "open": counts.get(ScorecardStatus.OPEN, 0) + counts.get(ScorecardStatus.RETURNED, 0),
            "submitted": counts.get(ScorecardStatus.SUBMITTED, 0) + counts.get(ScorecardStatus.APPRAISED, 0),
        }
        r.progress["pct"] = round(100 * r.progress["submitted"] / total) if total else 0
    homes = [u for u in policy.home_units(user) if u.kind != "office"]
    mine = list(
        Scorecard.objects.filter(unit__in=homes, round__in=[r.pk for r in rounds])
        .select_related("round", "unit").order_by("-round__year", "unit__name")
    ) if homes else []
    appraising = [r for r in rounds if policy.is_round_appraiser(user, r)]
    return render(request, "scoring/index.html", {
        "rounds": rounds, "mine": mine, "appraising": appraising,
        "can_manage": policy.can_manage_scoring(user),
    })


# --- criteria sets ---------------------------------------------------------------------------------


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    sets = CriteriaSet.objects.annotate(n_nodes=Count("nodes")).order_by("-year", "unit_type", "slug", "-version")
    return render(request, "scoring/set_list.html", {"sets": sets, "can_manage": policy.can_manage_scoring(request.user)})


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cset = policy.access_criteria_set(request.user, pk)
    tree = workflow.load_tree(cset)
    rows = [
        {"node": n, "leaf": tree.is_leaf(n), "words": describe_rule(n) if n.rule or not tree.is_leaf(n) else "",
         "deduction": describe_deduction(n)}
        for n in tree.nodes
    ]
    counts = defaultdict(int)
    for n in tree.nodes:
        counts[n.level] += 1
    return render(request, "scoring/set_detail.html", {
        "cset": cset, "rows": rows, "counts": dict(counts),
        "total": sum((n.max_points for n in tree.nodes if n.parent_id is None), Decimal(0)),
        "can_manage": policy.can_manage_scoring(request.user), "copy_form": CopySetForm(initial={"year": cset.year + 1}),
        "import_form": SetImportForm(),
    })


@login_required
def set_export(request: HttpRequest, pk: int) -> HttpResponse:
    from . import criteria

    cset = policy.access_criteria_set(request.user, pk)
    response = HttpResponse(criteria.export_set_xlsx(cset), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bo-tieu-chi-{cset.slug}-v{cset.version}.xlsx"'
    return response


@login_required
@require_POST
def set_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace a set's rows from an XLSX file: all rows checked, all or nothing (refused once scored)."""
    from . import criteria

    cset = policy.access_criteria_set(request.user, pk, manage=True)
    form = SetImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn tệp bộ tiêu chí (.xlsx).")
        return redirect("scoring:set_detail", pk=cset.pk)
    upload = form.cleaned_data["file"]
    try:
        result = criteria.import_set(cset, upload.read(), upload.name)
    except criteria.CriteriaError as exc:
        messages.error(request, "Không nhập được bộ tiêu chí; không có thay đổi nào. "
                       + " ".join(str(e) for e in exc.errors[:30]))
        return redirect("scoring:set_detail", pk=cset.pk)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("scoring:set_detail", pk=cset.pk)
    messages.success(request, f"Đã nhập: {result.created} tiêu chí mới, {result.updated} sửa, "
                              f"{result.deleted} xóa, {result.unchanged} không đổi.")
    return redirect("scoring:set_detail", pk=cset.pk)


@login_required
@require_POST
def set_copy(request: HttpRequest, pk: int) -> HttpResponse:
    from . import criteria

    cset = policy.access_criteria_set(request.user, pk, manage=True)
    form = CopySetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Năm không hợp lệ.")
        return redirect("scoring:set_detail", pk=cset.pk)
    try:
        copy = criteria.copy_set(cset, year=form.cleaned_data["year"])
    except (criteria.CriteriaError, ValidationError) as exc:
        messages.error(request, " ".join(str(e) for e in getattr(exc, "errors", None) or exc.messages))
        return redirect("scoring:set_detail", pk=cset.pk)
    messages.success(request, f"Đã sao chép sang năm {copy.year}.")
    return redirect("scoring:set_detail", pk=copy.pk)


# --- rounds ----------------------------------------------------------------------------------------


@login_required
def round_open(request: HttpRequest) -> HttpResponse:
    if not policy.can_manage_scoring(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối được mở kỳ đánh giá.")
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cset = data["criteria_set"]
        try:
            round_ = workflow.open_round(
                criteria_set=cset, units=list(units_for(cset)), title=data["title"], year=data["year"],
                self_deadline=end_of_day(data["self_deadline"]),
                appraisal_1_deadline=end_of_day(data["appraisal_1_deadline"]),
                appraisal_2_deadline=end_of_day(data["appraisal_2_deadline"]),
                excluded_nodes=data["excluded_nodes"] or None, unranked=data["unranked_units"], by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Đã mở kỳ đánh giá với {round_.scorecards.count()} đơn vị.")
            return redirect("scoring:round_detail", pk=round_.pk)
    return render(request, "scoring/round_open.html", {"form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round: stage and deadlines; the scorecards I may open (paginated), with filters."""
    user = request.user
    round_ = policy.access_round(user, pk)
    cards = policy.visible_scorecards(user, round_).select_related("unit").order_by("unit__path")
    status = request.GET.get("trang_thai", "")
    if status in ScorecardStatus.values:
        cards = cards.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        cards = cards.filter(Q(unit__name__icontains=q) | Q(unit__code__icontains=q))
    page = Paginator(cards, 50).get_page(request.GET.get("trang"))
    manage = policy.can_manage_scoring(user)
    counts = dict(round_.scorecards.values_list("status").annotate(n=Count("id")).values_list("status", "n")) if manage else {}
    appraisers = list(round_.appraisers.select_related("user").prefetch_related("areas")) if manage else []
    areas = list(round_.criteria_set.nodes.filter(parent__isnull=True).order_by("position")) if manage else []
    next_stage = None
    if manage and round_.status in workflow.STAGES[:-2]:
        next_stage = workflow.STAGES[workflow.STAGES.index(round_.status) + 1]
    return render(request, "scoring/round_detail.html", {
        "round": round_, "page": page, "manage": manage,
        "status_counts": [(v, label, counts.get(v, 0), 100 * counts.get(v, 0) / (sum(counts.values()) or 1))
                          for v, label in ScorecardStatus.choices], "statuses": ScorecardStatus.choices,
        "status": status, "q": q, "query": q, "appraisers": appraisers, "areas": areas,
        "next_stage": next_stage, "next_label": RoundStatus(next_stage).label if next_stage else "",
        "appraiser": policy.can_appraise(user, round_),
        "survey_form": SurveyImportForm(), "appraisal_form": AppraisalImportForm(), "publish_form": PublishForm(),
        "assign_form": AssignForm(), "excluded": list(round_.excluded_nodes.order_by("position")),
    })


@login_required
@require_POST
def round_advance(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = policy.access_round(request.user, pk, manage=True)
    try:
        round_ = workflow.advance_round(round_=round_, status=request.POST.get("status", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"Kỳ đánh giá chuyển sang giai đoạn “{round_.get_status_display()}”.")
    return redirect("scoring:round_detail", pk=pk)


@login_required
@require_POST
def round_assign(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = policy.access_round(request.user, pk, manage=True)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("scoring:round_detail", pk=pk)
    codes = [c.strip() for c in form.cleaned_data["areas"].replace(";", ",").split(",") if c.strip()]
    areas = list(round_.criteria_set.nodes.filter(parent__isnull=True, code__in=codes))
    unknown = sorted(set(codes) - {a.code for a in areas})
    if unknown or not areas:
        messages.error(request, "Không có lĩnh vực " + ", ".join(unknown or codes) + " trong bộ tiêu chí.")
        return redirect("scoring:round_detail", pk=pk)
    try:
        workflow.assign_appraiser(round_=round_, user=form.cleaned_data["username"], areas=areas, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"Đã phân công {form.cleaned_data['username'].get_full_name()} thẩm định lĩnh vực "
                                  + ", ".join(a.code for a in areas) + ".")
    return redirect("scoring:round_detail", pk=pk)


@login_required
@require_POST
def survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = policy.access_round(request.user, pk, manage=True)
    form = SurveyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn tệp kết quả khảo sát.")
        return redirect("scoring:round_detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        result = workflow.import_surveys(round_=round_, data=upload.read(), filename=upload.name, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("scoring:round_detail", pk=pk)
    if not result.ok:
        messages.error(request, "Không nhập dòng nào. " + " ".join(str(e) for e in result.errors[:30]))
    else:
        messages.success(request, f"Đã nhập kết quả khảo sát của {result.changed} đơn vị.")
        for note in result.notes[:20]:
            messages.info(request, note)
    return redirect("scoring:round_detail", pk=pk)


@login_required
def survey_template(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = policy.access_round(request.user, pk, manage=True)
    data = write_xlsx(workflow.SURVEY_COLUMNS, workflow.survey_template_rows(round_), title="Khảo sát")
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-ky-{round_.pk}.xlsx"'
    return response


@login_required
@require_POST
def appraisal_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = policy.access_round(request.user, pk)
    if not policy.can_appraise(request.user, round_):
        raise PermissionDenied("Bạn không được phân công thẩm định kỳ đánh giá này.")
    form = AppraisalImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn đợt thẩm định và tệp điểm.")
        return redirect("scoring:round_detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        rows = workflow.appraisal_rows_from_table(upload.read(), upload.name)
        result = workflow.apply_appraisal_pass(
            round_=round_, pass_no=form.cleaned_data["pass_no"], rows=rows, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("scoring:round_detail", pk=pk)
    if not result.ok:
        messages.error(request, "Không ghi điểm nào. " + " ".join(str(e) for e in result.errors[:30]))
    else:
        messages.success(request, f"Đã ghi {result.changed} điểm thẩm định.")
    return redirect("scoring:round_detail", pk=pk)


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = policy.access_round(request.user, pk, manage=True)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy ghi số, ngày của quyết định công bố kết quả.")
        return redirect("scoring:round_detail", pk=pk)
    try:
        workflow.publish_round(round_=round_, decision=form.cleaned_data["decision"], by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("scoring:round_detail", pk=pk)
    messages.success(request, "Đã công bố kết quả; kỳ đánh giá đã khóa.")
    return redirect("scoring:results", pk=pk)


# --- the scorecard ---------------------------------------------------------------------------------


@dataclass
class NodeRow:
    node: Node
    leaf: bool
    words: str
    score: NodeScore | None = None
    evidence: list = field(default_factory=list)
    suggestion: prefill.Suggestion | None = None
    fields: list = field(default_factory=list)
    self_total: Decimal | None = None
    appraised_total: Decimal | None = None
    applicable: bool = True
    excluded: bool = False
    fillable: bool = False  # the unit fills it (self leaf in force)
    can_fill: bool = False
    can_appraise: bool = False
    deduction: str = ""
    error: str = ""
    preview: Decimal | None = None

    @property
    def depth(self) -> int:
        return self.node.level

    @property
    def differs(self) -> bool:
        return self.score is not None and self.score.appraised_points is not None and self.score.appraised_points != self.score.self_points

    @property
    def records_differ(self) -> bool:
        """The unit's saved inputs are not the records' figures (saved with a reason): flagged for the appraiser."""
        return (self.leaf and self.score is not None and self.score.applicable and bool(self.score.inputs)
                and prefill.differs(self.suggestion, self.score.inputs))

    @property
    def records_words(self) -> str:
        return prefill.inputs_words(self.node, self.suggestion.stored) if self.suggestion and self.suggestion.stored else ""

    @property
    def typed_words(self) -> str:
        return prefill.inputs_words(self.node, self.score.inputs) if self.score and self.score.inputs else ""


@dataclass
class Sheet:
    """Everything the scorecard page shows, loaded in a fixed number of queries."""

    scorecard: Scorecard
    rows: list[NodeRow]
    by_id: dict[int, NodeRow]
    can_fill: bool
    fill_open: bool
    evidence_open: bool
    pass_no: int | None
    self_total: Decimal
    appraised_total: Decimal | None
    maximum: Decimal
    suggestions: dict = field(default_factory=dict)  # {node id: prefill.Suggestion}

    @property
    def n_available(self) -> int:
        """Nodes the unit fills whose inputs the records give (what "Áp dụng số liệu từ hệ thống" fills)."""
        return sum(1 for r in self.rows if r.fillable and r.applicable and r.suggestion is not None and r.suggestion.available)


def _window(fn, *args) -> bool:
    try:
        fn(*args)
    except ValidationError:
        return False
    return True


def _fields(node: Node, score: NodeScore | None, values: dict | None = None) -> list[dict]:
    values = values if values is not None else (score.inputs if score else {}) or {}
    found = []
    for f in rules.input_fields(node.rule or {}):
        item = dict(f)
        value = values.get(f["name"], "")
        item["value"] = "" if value is None else value
        item["shown"] = item["value"]
        if f["kind"] == "choice":
            options = f.get("options", [])
            item["choices"] = [(i, label, str(value) == str(i) or str(value) == label) for i, label in enumerate(options)]
            item["shown"] = next((label for _, label, chosen in item["choices"] if chosen), item["value"])
        found.append(item)
    return found


def _effective_appraised(node: Node, score: NodeScore | None) -> Decimal | None:
    if score is None or score.appraised_points is None:
        return None
    return rules.apply_deduction(node, score.appraised_points, applied=score.deduction_applied,
                                 waived=score.deduction_waived) if node.deduction else score.appraised_points


def build_sheet(scorecard: Scorecard, user, *, suggest_for: list[Node] | None = None) -> Sheet:
    """`suggest_for`: compute the records' suggestions for these nodes only (one row's refresh)."""
    round_ = scorecard.round
    tree = workflow.load_tree(round_.criteria_set, round_)
    scores = {
        s.node_id: s for s in NodeScore.objects.filter(scorecard=scorecard).select_related("appraiser_1", "appraiser_2")
    }
    evidence = defaultdict(list)
    for e in NodeEvidence.objects.filter(node_score__scorecard=scorecard).select_related("node_score").order_by("created_at"):
        evidence[e.node_score.node_id].append(e)
    can_fill = policy.can_fill_scorecard(user, scorecard)
    now = timezone.now()
    fill_open = can_fill and scorecard.status == ScorecardStatus.OPEN and _window(workflow._self_window_open, round_, now)
    evidence_open = can_fill and _window(workflow._evidence_window_open, scorecard, now)
    pass_no = {RoundStatus.APPRAISAL_1: 1, RoundStatus.APPRAISAL_2: 2}.get(round_.status)
    if pass_no and not _window(workflow._appraisal_window_open, round_, pass_no, now):
        pass_no = None
    # The records' figures, for the unit filling and for the appraisers alike (not once published:
    # the scores are final and the records have moved on).
    suggestions = {}
    if not round_.is_published:
        wanted = suggest_for if suggest_for is not None else [
            n for n in tree.nodes if n.pk not in tree.excluded and n.source == NodeSource.SELF]
        suggestions = prefill.suggestions(scorecard, wanted)
    rows, by_id = [], {}
    for node in tree.nodes:
        leaf = tree.is_leaf(node)
        score = scores.get(node.pk)
        excluded = node.pk in tree.excluded
        fillable = leaf and node.source == NodeSource.SELF and not excluded
        row = NodeRow(
            node=node, leaf=leaf, words=describe_rule(node), score=score, evidence=evidence.get(node.pk, []),
            suggestion=suggestions.get(node.pk), fields=_fields(node, score) if leaf else [],
            excluded=excluded, fillable=fillable, can_fill=fill_open and (fillable or (node.na_allowed and node.source == NodeSource.SELF and not excluded)),
            can_appraise=bool(pass_no) and leaf and not excluded and node.source not in (NodeSource.SURVEY, NodeSource.SIPAS)
            and policy.can_appraise_node(user, round_, node),
            deduction=describe_deduction(node),
        )
        rows.append(row)
        by_id[node.pk] = row
    # Not applicable flows down; totals flow up (sum of children, capped at the maximum).
    for row in rows:
        parent = by_id.get(row.node.parent_id)
        row.applicable = not (row.score is not None and not row.score.applicable) and (parent is None or parent.applicable)
    for row in reversed(rows):
        node = row.node
        if not row.applicable or row.excluded:
            row.self_total = row.appraised_total = None
            continue
        if row.leaf:
            row.self_total = row.score.self_points if row.score else None
            row.appraised_total = _effective_appraised(node, row.score)
            continue
        kids = [by_id[c.pk] for c in tree.children.get(node.pk, [])]
        live = [k for k in kids if k.applicable and not k.excluded]
        row.self_total = rules.sum_children(node, [k.self_total for k in live]) if any(k.self_total is not None for k in live) else None
        if any(k.appraised_total is not None for k in live):
            row.appraised_total = rules.sum_children(
                node, [k.appraised_total if k.appraised_total is not None else k.self_total for k in live]
            )
    tops = [r for r in rows if r.node.parent_id is None and r.node.source not in (NodeSource.SURVEY, NodeSource.SIPAS)]
    maximum = sum((r.node.max_points for r in tops if r.applicable and not r.excluded), Decimal(0))
    maximum -= _na_maximum(rows, by_id)
    self_total = sum((r.self_total or Decimal(0) for r in tops), Decimal(0))
    appraised = [r.appraised_total for r in tops if r.appraised_total is not None]
    appraised_total = sum((r.appraised_total if r.appraised_total is not None else (r.self_total or 0) for r in tops), Decimal(0)) if appraised else None
    return Sheet(scorecard, rows, by_id, can_fill, fill_open, evidence_open, pass_no, self_total, appraised_total, maximum,
                 suggestions)


def _na_maximum(rows: list[NodeRow], by_id: dict[int, NodeRow]) -> Decimal:
    """The maximum of not-applicable or excluded nodes below the areas (they leave the unit's maximum)."""
    total = Decimal(0)
    for row in rows:
        if row.node.parent_id is None:
            continue
        parent = by_id[row.node.parent_id]
        if (not row.applicable or row.excluded) and parent.applicable and not parent.excluded:
            total += row.node.max_points
    return total


def _scorecard_context(request: HttpRequest, scorecard: Scorecard) -> dict:
    sheet = build_sheet(scorecard, request.user)
    unscored, unproven = workflow.missing_for_submission(scorecard) if sheet.fill_open or sheet.evidence_open else ([], [])
    return {
        "sc": scorecard, "round": scorecard.round, "sheet": sheet, "rows": sheet.rows,
        "evidence_form": EvidenceForm(), "unscored": unscored, "unproven": unproven,
        "can_return": sheet.pass_no is not None and policy.can_appraise(request.user, scorecard.round)
        and scorecard.status == ScorecardStatus.SUBMITTED,
        "published": scorecard.round.is_published,
    }


@login_required
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    sc = policy.access_scorecard(request.user, pk)
    return render(request, "scoring/scorecard.html", _scorecard_context(request, sc))


def _row_response(request: HttpRequest, sc: Scorecard, node: Node, *, error: str = "", values: dict | None = None,
                  status: int = 200) -> HttpResponse:
    sheet = build_sheet(sc, request.user, suggest_for=[node])
    row = sheet.by_id[node.pk]
    row.error = error
    if values is not None:
        row.fields = _fields(node, row.score, values)
    return render(request, "scoring/_node_row.html", {"row": row, "sc": sc, "sheet": sheet, "oob": True,
                                                      "evidence_form": EvidenceForm()}, status=status)


def _node(sc: Scorecard, node_id: int) -> Node:
    node = Node.objects.filter(pk=node_id, criteria_set_id=sc.round.criteria_set_id).first()
    if node is None:
        raise Http404("Không tìm thấy tiêu chí.")
    return node


def _posted_inputs(request: HttpRequest, node: Node) -> dict:
    return {f["name"]: request.POST.get(f"in_{f['name']}", "") for f in rules.input_fields(node.rule or {})}


@login_required
@require_POST
def node_save(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    """A unit saves one node's figures; htmx gets the row back with its points."""
    sc = policy.access_scorecard(request.user, pk, fill=True)
    node = _node(sc, node_id)
    inputs = _posted_inputs(request, node)
    applicable = request.POST.get("na") != "1"
    error = ""
    try:
        workflow.save_inputs(scorecard=sc, node=node, inputs=inputs, explanation=request.POST.get("explanation", ""),
                             applicable=applicable, by=request.user)
    except ValidationError as exc:
        error = _error_text(exc)
    if request.htmx:
        return _row_response(request, sc, node, error=error, values=inputs if error else None)
    if error:
        messages.error(request, f"Tiêu chí {node.code}: {error}")
    else:
        messages.success(request, f"Đã lưu tiêu chí {node.code}.")
    return redirect(reverse("scoring:scorecard", args=[sc.pk]) + f"#n{node.pk}")


@login_required
@require_POST
def node_preview(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    """The points the typed figures would earn, shown live while typing (nothing saved)."""
    sc = policy.access_scorecard(request.user, pk)
    node = _node(sc, node_id)
    try:
        points = rules.node_points(node, _posted_inputs(request, node))
    except ValidationError as exc:
        return render(request, "scoring/_preview.html", {"error": _error_text(exc), "node": node})
    return render(request, "scoring/_preview.html", {"points": points, "node": node})


@login_required
def node_suggest(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    """The row with the system's figures filled in for the unit to check and save."""
    sc = policy.access_scorecard(request.user, pk, fill=True)
    node = _node(sc, node_id)
    found = prefill.suggestions(sc, [node]).get(node.pk)
    if found is None or not found.available:
        return _row_response(request, sc, node, error="Chưa có dữ liệu để gợi ý.")
    return _row_response(request, sc, node, values=found.inputs)


@login_required
@require_POST
def scorecard_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """"Áp dụng số liệu từ hệ thống": every node the records answer filled at once (nodes without
    data left as they are), through the workflow's save (rights, deadline, history)."""
    sc = policy.access_scorecard(request.user, pk, fill=True)
    try:
        result = workflow.apply_suggestions(scorecard=sc, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("scoring:scorecard", pk=sc.pk)
    if result.errors:
        messages.error(request, "Không áp dụng được số liệu; không có thay đổi nào. "
                       + " ".join(str(e.message) for e in result.errors[:20]))
    else:
        messages.success(request, result.message())
    return redirect("scoring:scorecard", pk=sc.pk)


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    sc = policy.access_scorecard(request.user, pk, fill=True)
    node = _node(sc, node_id)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"Tiêu chí {node.code}: " + " ".join(e for errs in form.errors.values() for e in errs))
    else:
        data = form.cleaned_data
        try:
            workflow.add_evidence(scorecard=sc, node=node, document_number=data["document_number"],
                                  document_date=data["document_date"], file=data["file"], link=data["link"],
                                  note=data["note"], by=request.user)
        except ValidationError as exc:
            messages.error(request, f"Tiêu chí {node.code}: {_error_text(exc)}")
        else:
            messages.success(request, f"Đã thêm tài liệu kiểm chứng cho tiêu chí {node.code}.")
    return redirect(reverse("scoring:scorecard", args=[sc.pk]) + f"#n{node.pk}")


@login_required
def evidence_file(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """A proof file, to those who may see the scorecard (files are not served from MEDIA_URL)."""
    sc = policy.access_scorecard(request.user, pk)
    evidence = NodeEvidence.objects.filter(pk=evidence_id, node_score__scorecard=sc).exclude(file="").first()
    if evidence is None or not evidence.file.storage.exists(evidence.file.name):
        raise Http404("Không tìm thấy tệp kiểm chứng.")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    sc = policy.access_scorecard(request.user, pk, fill=True)
    evidence = NodeEvidence.objects.select_related("node_score__scorecard__round").filter(
        pk=evidence_id, node_score__scorecard=sc
    ).first()
    if evidence is None:
        raise Http404("Không tìm thấy tài liệu kiểm chứng.")
    node_id = evidence.node_score.node_id
    try:
        workflow.remove_evidence(evidence=evidence, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Đã xóa tài liệu kiểm chứng.")
    return redirect(reverse("scoring:scorecard", args=[sc.pk]) + f"#n{node_id}")


@login_required
@require_POST
def scorecard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    sc = policy.access_scorecard(request.user, pk, fill=True)
    try:
        workflow.submit_scorecard(scorecard=sc, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Đã gửi phiếu tự đánh giá để thẩm định.")
    return redirect("scoring:scorecard", pk=sc.pk)


@login_required
@require_POST
def node_appraise(request: HttpRequest, pk: int, node_id: int) -> HttpResponse:
    sc = policy.access_scorecard(request.user, pk, appraise=True)
    node = _node(sc, node_id)
    if not policy.can_appraise_node(request.user, sc.round, node):
        raise PermissionDenied(f"Bạn không được phân công thẩm định lĩnh vực {node.code.split('.')[0]}.")
    # What the appraiser saw: the score's version, or the "not scored yet" marker.
    expected = None
    stamp = request.POST.get("updated_at", "")
    if stamp == workflow.NOT_SCORED:
        expected = workflow.NOT_SCORED
    error = ""
    try:
        if stamp and expected is None:
            try:
                expected = NodeScore._meta.get_field("updated_at").to_python(stamp)
            except ValidationError:
                raise ValidationError("Trang đã cũ; hãy tải lại trang trước khi lưu.") from None
        pass_no = int(request.POST.get("pass_no", "0"))
        workflow.appraise(
            scorecard=sc, node=node, pass_no=pass_no, points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""), deduction=request.POST.get("deduction") == "1",
            waived=request.POST.get("waived") == "1", by=request.user, expected_updated_at=expected,
        )
    except ValueError:
        error = "Đợt thẩm định không hợp lệ."
    except ValidationError as exc:
        error = _error_text(exc)
    if request.htmx:
        return _row_response(request, sc, node, error=error)
    if error:
        messages.error(request, f"Tiêu chí {node.code}: {error}")
    else:
        messages.success(request, f"Đã ghi điểm thẩm định tiêu chí {node.code}.")
    return redirect(reverse("scoring:scorecard", args=[sc.pk]) + f"#n{node.pk}")


@login_required
@require_POST
def scorecard_return(request: HttpRequest, pk: int) -> HttpResponse:
    sc = policy.access_scorecard(request.user, pk, appraise=True)
    try:
        workflow.return_for_evidence(scorecard=sc, note=request.POST.get("note", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "Đã trả lại phiếu để đơn vị bổ sung tài liệu kiểm chứng.")
    return redirect("scoring:scorecard", pk=sc.pk)


FIELD_WORDS = {
    "self_points": "Điểm tự chấm", "inputs": "Số liệu", "explanation": "Giải trình", "applicable": "Áp dụng",
    "appraised_points_1": "Điểm thẩm định đợt 1", "reason_1": "Lý do đợt 1", "appraiser_1": "Người thẩm định đợt 1",
    "appraised_points_2": "Điểm thẩm định đợt 2", "reason_2": "Lý do đợt 2", "appraiser_2": "Người thẩm định đợt 2",
    "deduction_applied": "Trừ điểm", "deduction_waived": "Miễn trừ", "status": "Trạng thái",
    "survey_points": "Điểm ĐTXHH", "sipas_points": "Điểm SIPAS", "submitted_at": "Gửi lúc",
    "document_number": "Số văn bản", "link": "Đường dẫn", "file": "Tệp",
}


@login_required
def scorecard_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to this scorecard and its node scores: who, when, before → after."""
    sc = policy.access_scorecard(request.user, pk)
    score_ids = [str(i) for i in NodeScore.objects.filter(scorecard=sc).values_list("pk", flat=True)]
    entries = LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Scorecard), object_pk=str(sc.pk))
        | Q(content_type=ContentType.objects.get_for_model(NodeScore), object_pk__in=score_ids)
    ).select_related("actor").order_by("-timestamp", "-pk")
    page = Paginator(entries, 50).get_page(request.GET.get("trang"))
    for entry in page:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.lines = [
            (FIELD_WORDS.get(k, k), v[0] if isinstance(v, list) and v else "", v[1] if isinstance(v, list) and len(v) > 1 else "")
            for k, v in changes.items() if k in FIELD_WORDS or ":" in k
        ]
    return render(request, "scoring/history.html", {"sc": sc, "page": page})


# --- results ---------------------------------------------------------------------------------------


def _assessed(round_: Round):
    """The scorecards that went through assessment (sent, returned or appraised): the base of the charts."""
    return round_.scorecards.exclude(status=ScorecardStatus.OPEN, appraised_points__isnull=True)


def _area_losses(round_: Round) -> list[dict]:
    """Per area: mean points lost per assessed unit, after appraisal and by its own score, in one query."""
    effective = Coalesce("appraised_points_2", "appraised_points_1", "self_points")
    assessed = _assessed(round_)
    rows = (
        NodeScore.objects.filter(scorecard__in=assessed, applicable=True, node__children__isnull=True)
        .values("node__code", "node__max_points")
        .annotate(n=Count("id"), got=Sum(effective), own=Sum("self_points"))
        .order_by("node__code")
    )
    areas = {n.code: n for n in round_.criteria_set.nodes.filter(parent__isnull=True)}
    n_cards = max(assessed.count(), 1)
    lost = defaultdict(lambda: {"lost": Decimal(0), "self_lost": Decimal(0)})
    for r in rows:
        code = r["node__code"].split(".")[0]
        possible = r["node__max_points"] * r["n"]
        lost[code]["lost"] += possible - (r["got"] or 0)
        lost[code]["self_lost"] += possible - (r["own"] or 0)
    result = []
    for code, values in lost.items():
        area = areas.get(code)
        if area is None or area.source in (NodeSource.SURVEY, NodeSource.SIPAS):
            continue
        result.append({"area": area, "lost": values["lost"] / n_cards, "self_lost": values["self_lost"] / n_cards})
    result.sort(key=lambda r: -r["lost"])
    top = max((r["lost"] for r in result), default=Decimal(1)) or Decimal(1)
    for r in result:
        r["pct"] = float(r["lost"] / top * 100)
        r["self_pct"] = float(max(r["self_lost"], Decimal(0)) / top * 100)
    return result


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Ranking with ratings and the highest / mean / lowest rows; charts; year on year."""
    user = request.user
    round_ = policy.access_round(user, pk)
    if not (round_.is_published or policy.can_manage_scoring(user) or policy.is_round_appraiser(user, round_)):
        raise PermissionDenied("Kết quả chỉ được xem khi đã công bố.")
    cards = (
        round_.scorecards.filter(index__isnull=False).select_related("unit")
        .order_by(F("rank").asc(nulls_last=True), "-index", "unit__name")
    )
    page = Paginator(cards, RANKING_PAGE).get_page(request.GET.get("trang"))
    from . import results as engine

    summary = round_.scorecards.filter(index__isnull=False).aggregate(n=Count("id"))
    # Self-score against appraised score, over the units appraised (the same units on both bars).
    summary.update(_assessed(round_).filter(appraised_points__isnull=False).aggregate(
        self_mean=Avg("self_points"), appraised_mean=Avg("appraised_points"), max_mean=Avg("max_points"),
        n_appraised=Count("id"),
    ))
    # "Chỉ số cao nhất / trung bình / thấp nhất" over the ranked units, unrounded (the published footer).
    top = engine.round_summary(round_)
    summary.update(high=top["highest"], mean=top["mean"], low=top["lowest"])
    ratings = list(
        round_.scorecards.filter(index__isnull=False).values("rating").annotate(n=Count("id")).order_by("rating")
    )
    previous = (
        Round.objects.filter(criteria_set__unit_type=round_.criteria_set.unit_type, year=round_.year - 1)
        .filter(status__in=[RoundStatus.COMPUTED, RoundStatus.PUBLISHED]).order_by("-status", "-created_at").first()
    )
    before = {}
    if previous is not None:
        before = dict(
            previous.scorecards.filter(unit_id__in=[c.unit_id for c in page], index__isnull=False)
            .values_list("unit_id", "index")
        )
        summary["previous_mean"] = previous.scorecards.filter(index__isnull=False).aggregate(m=Avg("index"))["m"]
    for card in page:
        card.bar = float(card.index or 0)
        card.previous_index = before.get(card.unit_id)
        card.change = (card.index - card.previous_index) if card.previous_index is not None else None
    return render(request, "scoring/results.html", {
        "round": round_, "page": page, "summary": summary, "ratings": ratings, "losses": _area_losses(round_),
        "previous": previous, "manage": policy.can_manage_scoring(user),
    })


@login_required
def annex(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from . import publication

    user = request.user
    round_ = policy.access_round(user, pk)
    if not (round_.is_published or policy.can_manage_scoring(user)):
        raise PermissionDenied("Kết quả chỉ được tải khi đã công bố.")
    if fmt == "docx":
        data, content_type = publication.annex_docx(round_), DOCX_CONTENT_TYPE
    elif fmt == "xlsx":
        data, content_type = publication.annex_xlsx(round_), XLSX_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-chi-so-cchc-{round_.year}-{round_.pk}.{fmt}"'
    return response
