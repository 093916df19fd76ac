"""Pages of the surveys: the public answer page (no account, no JavaScript), the staff's surveys,
their QR codes, the paper grid, results, questionnaires and pushing scores into a PAR round."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.core.ratelimit import over_hourly_limit
from cchc.documents.tables import XLSX_CONTENT_TYPE, parse_date
from cchc.orgs.models import Unit

from . import services
from .forms import CopyForm, FilesHandledForm, OwnQuestionnaireForm, SurveyForm, SurveySettingsForm, UploadForm
from .models import Questionnaire, QuestionnaireKind, Survey

DEVICE_COOKIE = "cchc_ks"
DEVICE_SALT = "cchc.surveys.device"
DEVICE_MAX_AGE = 400 * 24 * 3600


# --- public ---------------------------------------------------------------------------------------


def _public_survey(token: str) -> Survey:
    survey = Survey.objects.select_related("questionnaire", "unit").filter(token=token).first()
    if survey is None:
        raise Http404("Không tìm thấy phiếu khảo sát.")
    return survey


def _device(request: HttpRequest) -> str:
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT)


def _rate_limited(request: HttpRequest) -> bool:
    """At most SURVEY_RATE_LIMIT_PER_HOUR per network address and hour."""
    return over_hourly_limit(request, "surveys", settings.SURVEY_RATE_LIMIT_PER_HOUR)


def _answer_page(request, survey, *, errors=(), values=None, status=200, done=False):
    today = timezone.localdate()
    questions = services.questions_of(survey)
    factors = {f.pk: f for f in survey.questionnaire.factors.all()}
    groups: list[tuple[object, list]] = []
    for q in questions:
        factor = factors.get(q.factor_id)
        if not groups or groups[-1][0] is not factor:
            groups.append((factor, []))
        groups[-1][1].append((q, (values or {}).get(q.code, "")))
    response = render(request, "surveys/answer.html", {
        "survey": survey, "groups": groups, "errors": errors, "values": values or {}, "done": done,
        "open": survey.is_open(today), "today": today, "limit": settings.SURVEY_RATE_LIMIT_PER_HOUR,
    }, status=status)
    if not _device(request):
        response.set_signed_cookie(
            DEVICE_COOKIE, secrets.token_urlsafe(16), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE,
            httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public answer page of a survey (QR code, link): no account, no personal data."""
    survey = _public_survey(token)
    if request.method != "POST":
        return _answer_page(request, survey)
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if _rate_limited(request):
        return _answer_page(request, survey, values=values, status=429, errors=[
            f"Địa chỉ mạng này đã gửi quá {settings.SURVEY_RATE_LIMIT_PER_HOUR} phiếu trong một giờ. Xin thử lại sau."
        ])
    token_ = _device(request)
    device = services.device_hash(token_, survey) if token_ else ""
    try:
        services.submit_online(survey, values, device=device, day=timezone.localdate())
    except ValidationError as exc:
        status = 409 if "đã gửi phiếu" in " ".join(exc.messages) else 400
        return _answer_page(request, survey, errors=exc.messages, values=values, status=status)
    return redirect("surveys:thanks", token=token)


def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = _public_survey(token)
    return render(request, "surveys/thanks.html", {"survey": survey})


def public_results(request: HttpRequest, token: str) -> HttpResponse:
    """Published aggregates only: the index per factor and overall, never a single sheet."""
    survey = _public_survey(token)
    if not survey.published:
        raise Http404("Kết quả đợt khảo sát chưa được công bố.")
    return render(request, "surveys/public_results.html", {"survey": survey, "result": services.results(survey)})


# --- staff ----------------------------------------------------------------------------------------


def _runnable_units(user):
    if policy.is_coordinator(user):
        return Unit.objects.exclude(kind="office").order_by("path")
    return Unit.objects.filter(pk__in=[u.pk for u in policy.home_units(user) if policy.can_run_survey(user, u)])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    surveys = list(policy.visible_surveys(request.user).select_related("questionnaire", "unit").order_by(
        "-questionnaire__year", "unit__path", "desk"))
    progress = services.progress_many(surveys)
    units = _runnable_units(request.user)
    questionnaires = policy.visible_questionnaires(request.user).select_related("owner")
    form = own = files = None
    if units.exists():
        year = timezone.localdate().year
        form = SurveyForm(request.POST or None, units=units, questionnaires=questionnaires, initial={
            "opens_on": timezone.localdate(), "closes_on": timezone.localdate().replace(month=12, day=31),
        })
        own = OwnQuestionnaireForm(units=units, initial={"year": year})
        files = FilesHandledForm(initial={"year": year})
        if request.method == "POST" and form.is_valid():
            survey = form.save(commit=False)
            survey.created_by = request.user
            survey.save()
            messages.success(request, f"Đã mở đợt khảo sát “{survey}”.")
            return redirect("surveys:survey_detail", survey.pk)
    return render(request, "surveys/index.html", {
        "rows": [(s, progress[s.pk]) for s in surveys], "form": form, "own": own, "files": files,
        "questionnaires": questionnaires, "rounds": _rounds(request.user),
    })


@login_required
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    """A unit's own questionnaire, from a spreadsheet or from the SIPAS questions."""
    units = _runnable_units(request.user)
    if not units.exists():
        raise PermissionDenied("Bạn không quản lý đơn vị nào để tạo phiếu khảo sát.")
    form = OwnQuestionnaireForm(request.POST or None, request.FILES or None, units=units,
                                initial={"year": timezone.localdate().year})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                q = services.create_own(form.cleaned_data["unit"], title=form.cleaned_data["title"], year=form.cleaned_data["year"],
                                        by=request.user, data=f.read() if f else None, filename=f.name if f else "")
            except ValidationError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, f"Đã tạo phiếu “{q.title}” ({q.questions.count()} câu hỏi).")
                return redirect("surveys:questionnaire", q.pk)
        status = 400
    return render(request, "surveys/questionnaire_new.html", {"form": form}, status=status)


@login_required
def files_handled(request: HttpRequest) -> HttpResponse:
    """The files each unit handled (the base of its sample): GET the table to fill, POST it back."""
    if not _runnable_units(request.user).exists():
        raise PermissionDenied("Bạn không quản lý đợt khảo sát nào.")
    if request.method != "POST":
        try:
            year = int(request.GET.get("nam") or timezone.localdate().year)
        except ValueError:
            raise Http404("Năm không hợp lệ.") from None
        response = HttpResponse(services.files_template_xlsx(request.user, year), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="so-ho-so-da-giai-quyet-{year}.xlsx"'
        return response
    form = FilesHandledForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        try:
            n = services.import_files_handled(f.read(), f.name, year=form.cleaned_data["year"], user=request.user)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, f"Đã cập nhật số hồ sơ đã giải quyết của {n} đợt khảo sát.")
    else:
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m)
    return redirect("surveys:index")


def _rounds(user):
    if not policy.can_manage_scoring(user):
        return None
    from cchc.scoring.models import Round, RoundStatus

    return Round.objects.exclude(status=RoundStatus.PUBLISHED).order_by("-year", "pk")


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = policy.access_survey(request.user, pk)
    can_run = policy.can_run_survey(request.user, survey.unit)
    form = SurveySettingsForm(request.POST or None, instance=survey) if can_run else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Chỉ cán bộ của đơn vị mới quản lý được đợt khảo sát này.")
        if form.is_valid():
            form.save()
            messages.success(request, "Đã lưu.")
            return redirect("surveys:survey_detail", survey.pk)
    previous = services.last_year(survey)
    results = services.results_by_survey([survey] + ([previous] if previous else []))
    result = results[survey.pk]
    before = results.get(previous.pk) if previous else None
    before_factors = {f.factor.code: f.index for f in before.factors} if before else {}
    return render(request, "surveys/survey_detail.html", {
        "survey": survey, "progress": services.progress(survey), "result": result, "previous": previous,
        "before": before, "factor_rows": [(f, before_factors.get(f.factor.code)) for f in result.factors],
        "form": form, "can_run": can_run, "can_paper": policy.can_enter_paper(request.user, survey),
        "public_url": request.build_absolute_uri(reverse("surveys:answer", args=[survey.token])),
    })


def _qr_svg(url: str, scale: int = 6) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, title="Mã QR khảo sát")
    return buffer.getvalue()


@login_required
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    survey = policy.access_survey(request.user, pk)
    url = request.build_absolute_uri(reverse("surveys:answer", args=[survey.token]))
    response = HttpResponse(_qr_svg(url), content_type="image/svg+xml")
    if request.GET.get("tai") == "1":
        response["Content-Disposition"] = f'attachment; filename="ma-qr-khao-sat-{survey.pk}.svg"'
    return response


@login_required
def qr_print(request: HttpRequest, pk: int) -> HttpResponse:
    survey = policy.access_survey(request.user, pk)
    url = request.build_absolute_uri(reverse("surveys:answer", args=[survey.token]))
    return render(request, "surveys/qr_print.html", {"survey": survey, "url": url, "svg": _qr_svg(url, 10).decode()})


PAPER_ROWS = 10


@login_required
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper forms typed in a grid, one row per form, one cell per question, keyboard only."""
    survey = policy.access_survey(request.user, pk, paper=True)
    questions = services.questions_of(survey)
    try:
        n_rows = max(1, min(50, int(request.POST.get("so_dong") or request.GET.get("so_dong") or PAPER_ROWS)))
    except ValueError:
        n_rows = PAPER_ROWS
    errors, rows = [], [{q.code: "" for q in questions} for _ in range(n_rows)]
    day_text = timezone.localdate().strftime("%d/%m/%Y")
    status = 200
    if request.method == "POST":
        rows = [{q.code: request.POST.get(f"p{i}-{q.code}", "") for q in questions} for i in range(1, n_rows + 1)]
        day_text = request.POST.get("ngay", "")
        try:
            day = parse_date(day_text)
            if day is None:
                raise ValueError
        except ValueError:
            errors = [f"Ngày thu phiếu “{day_text}” không hợp lệ (dd/mm/yyyy)."]
        else:
            try:
                saved = services.enter_paper(survey, rows, by=request.user, day=day)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"Đã lưu {saved} phiếu giấy.")
                return redirect(reverse("surveys:paper", args=[survey.pk]) + f"?so_dong={n_rows}")
        status = 400
    grid = [(i, [(q, row[q.code]) for q in questions]) for i, row in enumerate(rows, 1)]
    return render(request, "surveys/paper.html", {
        "survey": survey, "questions": questions, "grid": grid, "errors": errors, "day": day_text,
        "n_rows": n_rows, "progress": services.progress(survey),
    }, status=status)


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = policy.access_questionnaire(request.user, pk, manage=request.method == "POST")
    upload, copy = UploadForm(), CopyForm(initial={"year": q.year + 1})
    if request.method == "POST":
        action = request.POST.get("hanh_dong")
        try:
            if action == "sao_chep":
                copy = CopyForm(request.POST)
                if copy.is_valid():
                    new = services.copy_to_year(q, copy.cleaned_data["year"])
                    messages.success(request, f"Đã sao chép sang năm {new.year} (phiên bản {new.version}).")
                    return redirect("surveys:questionnaire", new.pk)
            elif action == "nhap":
                upload = UploadForm(request.POST, request.FILES)
                if upload.is_valid():
                    f = upload.cleaned_data["file"]
                    new = services.import_xlsx(f.read(), f.name, base=q)
                    messages.success(request, f"Đã nhập phiên bản {new.version} ({new.questions.count()} câu hỏi).")
                    return redirect("surveys:questionnaire", new.pk)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
    return render(request, "surveys/questionnaire.html", {
        "q": q, "factors": q.factors.prefetch_related("questions"), "others": q.questions.filter(factor__isnull=True),
        "upload": upload, "copy": copy, "can_manage": policy.can_manage_questionnaire(request.user, q),
    })


@login_required
def questionnaire_export(request: HttpRequest, pk: int) -> HttpResponse:
    q = policy.access_questionnaire(request.user, pk)
    response = HttpResponse(services.export_xlsx(q), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="phieu-khao-sat-{q.kind}-{q.year}-v{q.version}.xlsx"'
    return response


@login_required
@require_POST
def push(request: HttpRequest) -> HttpResponse:
    """The surveys' scores of a round's year into its scorecards (ĐTXHH and SIPAS parts)."""
    from cchc.scoring.models import Round

    if not policy.can_manage_scoring(request.user):
        raise PermissionDenied("Chỉ cán bộ điều phối được đưa kết quả khảo sát vào kỳ đánh giá.")
    round_ = get_object_or_404(Round, pk=request.POST.get("ky") or 0)
    try:
        result = services.push_to_round(round_, by=request.user)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("surveys:index")
    messages.success(request, f"Đã đưa kết quả khảo sát vào {result.changed} phiếu chấm điểm của “{round_.title}”.")
    for note in result.notes[:20]:
        messages.warning(request, note)
    return redirect("surveys:index")


KIND_LABELS = dict(QuestionnaireKind.choices)
