"""Pages of the contest: the public ones under the portal's layout (register, sit a round without
JavaScript, see the result and the published ranking) and the staff's (contests, rounds, the
question bank, participation, publishing results, winners' export)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy
from cchc.documents.tables import XLSX_CONTENT_TYPE
from cchc.portal.views import _render as _portal_render

from . import services
from .forms import ContestForm, RegisterForm, RoundForm, UploadForm
from .models import Attempt, Contest, Participant, Round

MAX_UPLOAD = 5 * 1024 * 1024


def portal_render(request, template: str, context: dict, *, og: dict | None = None, status: int = 200) -> HttpResponse:
    """A public page in the portal's layout (its header, navigation and Open Graph tags)."""
    response = _portal_render(request, template, context, og=og)
    response.status_code = status
    return response


# --- public -----------------------------------------------------------------------------------------------


def _session_key(contest: Contest) -> str:
    return f"contest:{contest.pk}:participant"


def _participant(request: HttpRequest, contest: Contest) -> Participant | None:
    pk = request.session.get(_session_key(contest))
    return Participant.objects.select_related("unit").filter(pk=pk, contest=contest).first() if pk else None


def _contest(slug: str) -> Contest:
    contest = Contest.objects.select_related("unit").filter(slug=slug).first()
    if contest is None:
        raise Http404("Không tìm thấy cuộc thi.")
    return contest


def _round(contest: Contest, number: int) -> Round:
    found = contest.rounds.filter(number=number).first()
    if found is None:
        raise Http404("Không tìm thấy đợt thi.")
    return found


def public_index(request: HttpRequest) -> HttpResponse:
    contests = Contest.objects.select_related("unit").annotate(n_rounds=Count("rounds")).filter(n_rounds__gt=0)
    return portal_render(request, "contest/public_index.html", {"contests": contests},
                         og={"title": "Cuộc thi tìm hiểu về cải cách hành chính"})


def _contest_page(request, contest, *, form=None, errors=(), status=200):
    now = timezone.now()
    person = _participant(request, contest)
    rounds = list(contest.rounds.all())
    mine: dict[int, list[Attempt]] = {}
    if person is not None:
        for a in Attempt.objects.filter(participant=person).order_by("started_at"):
            mine.setdefault(a.round_id, []).append(a)
    rows = [{"round": r, "open": r.is_open(now), "upcoming": now < r.opens_at, "mine": mine.get(r.pk, [])} for r in rounds]
    return portal_render(request, "contest/contest.html", {
        "contest": contest, "rows": rows, "person": person, "form": form or RegisterForm(), "errors": errors,
        "questions": contest.questions.filter(active=True).count(),
    }, og={"title": contest.title, "description": contest.intro[:300]}, status=status)


def contest_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _contest_page(request, _contest(slug))


@require_POST
def register(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest(slug)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return _contest_page(request, contest, form=form, status=400)
    data = form.cleaned_data
    try:
        person, created = services.register(contest, name=data["name"], phone=data["phone"], unit=data["unit"],
                                            address=data["address"])
    except ValidationError as exc:
        return _contest_page(request, contest, form=form, errors=exc.messages, status=400)
    request.session.cycle_key()
    request.session[_session_key(contest)] = person.pk
    if created:
        messages.success(request, f"Đã đăng ký dự thi: {person.name}.")
    else:
        messages.info(request, f"Số điện thoại này đã đăng ký dự thi với tên {person.name}; tiếp tục với thông tin đã đăng ký.")
    return redirect("contest:contest", slug=slug)


@require_POST
def forget(request: HttpRequest, slug: str) -> HttpResponse:
    contest = _contest(slug)
    request.session.pop(_session_key(contest), None)
    return redirect("contest:contest", slug=slug)


@require_POST
def start(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    contest = _contest(slug)
    round_ = _round(contest, number)
    person = _participant(request, contest)
    if person is None:
        return _contest_page(request, contest, errors=["Vui lòng đăng ký (họ tên, số điện thoại) trước khi vào thi."], status=400)
    try:
        attempt = services.start_attempt(person, round_)
    except ValidationError as exc:
        return _contest_page(request, contest, errors=exc.messages, status=400)
    return redirect("contest:take", token=attempt.token)


def _attempt(token: str, *, light: bool = False) -> Attempt:
    related = ("round",) if light else ("round__contest", "participant__unit")
    attempt = Attempt.objects.select_related(*related).filter(token=token).first()
    if attempt is None:
        raise Http404("Không tìm thấy bài thi.")
    return attempt


def _take_page(request, attempt, *, errors=(), answers=None, prediction="", status=200):
    shown = services.drawn(attempt)
    if answers is not None:
        for s in shown:
            s.chosen = {int(c) for c in answers.get(str(s.question.pk), []) if str(c).isdigit()}
    return portal_render(request, "contest/take.html", {
        "attempt": attempt, "round": attempt.round, "contest": attempt.round.contest, "shown": shown,
        "errors": errors, "prediction": prediction, "key": secrets.token_urlsafe(16),
        "expired": timezone.now() > attempt.deadline + services.GRACE,
    }, og={"title": f"{attempt.round.contest.title} – {attempt.round.label}"}, status=status)


def take(request: HttpRequest, token: str) -> HttpResponse:
    """The attempt: the drawn questions with their shuffled choices, a plain form (no JavaScript)."""
    attempt = _attempt(token, light=request.method == "POST")
    if request.method != "POST":
        if attempt.submitted_at is not None:
            return redirect("contest:result", token=token)
        return _take_page(request, attempt)
    answers = services.answers_from_post(request.POST)
    prediction = request.POST.get("prediction", "")
    try:
        outcome = services.submit(attempt, answers, prediction=prediction, key=request.POST.get("key", ""), fresh=True)
    except ValidationError as exc:
        attempt = _attempt(token)
        status = 409 if "kết thúc" in exc.messages[0] or "hết thời gian" in exc.messages[0] else 400
        return _take_page(request, attempt, errors=exc.messages, answers=answers, prediction=prediction, status=status)
    if outcome.repeated:
        messages.info(request, "Bài thi này đã được nộp trước đó; kết quả dưới đây là kết quả đã ghi nhận.")
    return redirect("contest:result", token=token)


def result(request: HttpRequest, token: str) -> HttpResponse:
    attempt = _attempt(token)
    if attempt.submitted_at is None:
        return redirect("contest:take", token=token)
    round_ = attempt.round
    closed = timezone.now() >= round_.closes_at
    return portal_render(request, "contest/result.html", {
        "attempt": attempt, "round": round_, "contest": round_.contest,
        "shown": services.drawn(attempt) if closed else None, "closed": closed,
    }, og={"title": f"Kết quả bài thi – {round_.contest.title}"})


def round_results(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The published ranking of a round: winners (phones masked) and the units with most participants."""
    contest = _contest(slug)
    round_ = _round(contest, number)
    if not round_.results_published:
        raise Http404("Kết quả đợt thi chưa được công bố.")
    return portal_render(request, "contest/round_results.html", {
        "contest": contest, "round": round_, "winners": services.prizes(round_),
        "actual": services.participants_count(round_), "units": services.top_units(round_),
    }, og={"title": f"Kết quả {round_.label} – {contest.title}"})


# --- staff ---------------------------------------------------------------------------------------------------


def _access(user) -> None:
    if not policy.can_create_contest(user):
        raise PermissionDenied("Chỉ cán bộ điều phối và biên tập viên được quản lý cuộc thi.")


@login_required
def manage_index(request: HttpRequest) -> HttpResponse:
    _access(request.user)
    form = ContestForm(request.POST or None, units=policy.contest_units(request.user))
    if request.method == "POST" and form.is_valid():
        contest = form.save()
        messages.success(request, f"Đã tạo cuộc thi “{contest.title}”.")
        return redirect("contest:manage_contest", pk=contest.pk)
    now = timezone.now()
    contests = (policy.visible_contests(request.user).select_related("unit")
                .annotate(n_rounds=Count("rounds", distinct=True), n_people=Count("participants", distinct=True),
                          n_open=Count("rounds", filter=Q(rounds__opens_at__lte=now, rounds__closes_at__gt=now), distinct=True)))
    return render(request, "contest/manage_index.html", {"contests": contests, "form": form})


@login_required
def manage_contest(request: HttpRequest, pk: int) -> HttpResponse:
    contest = policy.access_contest(request.user, pk)
    round_form = RoundForm(contest=contest, prefix="round")
    upload = UploadForm(prefix="bank")
    bank_errors: list[str] = []
    status = 200
    if request.method == "POST" and "round-number" in request.POST:
        round_form = RoundForm(request.POST, contest=contest, prefix="round")
        if round_form.is_valid():
            round_ = round_form.save(commit=False)
            round_.contest = contest
            round_.save()
            messages.success(request, f"Đã thêm {round_.label}.")
            return redirect("contest:manage_contest", pk=pk)
        status = 400
    elif request.method == "POST":
        upload = UploadForm(request.POST, request.FILES, prefix="bank")
        if upload.is_valid():
            f = upload.cleaned_data["file"]
            try:
                if f.size > MAX_UPLOAD:
                    raise ValidationError("Tệp lớn quá 5 MB.")
                done = services.import_bank(contest, f.read(), f.name)
            except ValidationError as exc:
                bank_errors = exc.messages
                status = 400
            else:
                messages.success(request, f"Đã nhập ngân hàng câu hỏi: thêm {done['added']}, cập nhật {done['updated']}, "
                                          f"tổng {done['total']} câu.")
                return redirect("contest:manage_contest", pk=pk)
        else:
            status = 400
    rounds = contest.rounds.annotate(
        n_counted=Count("attempts", filter=Q(attempts__counted=True)),
        n_attempts=Count("attempts", filter=Q(attempts__submitted_at__isnull=False)),
    )
    topics = contest.questions.filter(active=True).values("topic").annotate(n=Count("pk")).order_by("topic")
    return render(request, "contest/manage_contest.html", {
        "contest": contest, "rounds": rounds, "round_form": round_form, "upload": upload, "bank_errors": bank_errors,
        "topics": topics, "bank_total": sum(t["n"] for t in topics), "by_unit": services.participation_by_unit(contest)[:50],
        "people": contest.participants.count(),
    }, status=status)


def _manage_round(request, pk: int, round_pk: int) -> Round:
    contest = policy.access_contest(request.user, pk)
    round_ = contest.rounds.filter(pk=round_pk).first()
    if round_ is None:
        raise Http404("Không tìm thấy đợt thi.")
    return round_


@login_required
def manage_round(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    round_ = _manage_round(request, pk, round_pk)
    form = RoundForm(request.POST or None, instance=round_, contest=round_.contest)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, f"Đã lưu {round_.label}.")
            return redirect("contest:manage_round", pk=pk, round_pk=round_pk)
    return render(request, "contest/manage_round.html", {
        "contest": round_.contest, "round": round_, "form": form, "ranking": services.ranking(round_)[:100],
        "actual": services.participants_count(round_), "units": services.top_units(round_, limit=10),
        "winners": services.prizes(round_),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    round_ = _manage_round(request, pk, round_pk)
    publish_ = request.POST.get("publish") == "1"
    if publish_ and timezone.now() < round_.closes_at:
        messages.error(request, f"{round_.label} chưa kết thúc; chỉ công bố kết quả sau khi đóng đợt thi.")
        return redirect("contest:manage_round", pk=pk, round_pk=round_pk)
    round_.results_published = publish_
    round_.save(update_fields=["results_published"])
    messages.success(request, f"Đã công bố kết quả {round_.label}." if publish_ else f"Đã thôi công bố kết quả {round_.label}.")
    return redirect("contest:manage_round", pk=pk, round_pk=round_pk)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def winners_export(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    round_ = _manage_round(request, pk, round_pk)
    return _xlsx(services.winners_xlsx(round_), f"nguoi-dat-giai-dot-{round_.number}.xlsx")


@login_required
def bank_export(request: HttpRequest, pk: int) -> HttpResponse:
    contest = policy.access_contest(request.user, pk)
    return _xlsx(services.export_bank(contest), f"ngan-hang-cau-hoi-{contest.slug}.xlsx")


@login_required
def bank_template(request: HttpRequest) -> HttpResponse:
    _access(request.user)
    return _xlsx(services.template_xlsx(), "mau-ngan-hang-cau-hoi.xlsx")
