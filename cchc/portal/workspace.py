"""The workspace behind the public section: collaborators write, editors review and publish, and
editors keep the documents, procedure changes, guides and contacts up to date."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc import policy

from . import services
from .forms import (
    ArticleForm, ContactForm, ImageUploadForm, LegalDocumentForm, ProcedureChangeForm, PublishForm, ReturnForm,
    ServiceGuideForm,
)
from .models import Article, ArticleStatus, Contact, LegalDocument, ProcedureChange, ServiceGuide

STATUS_TABS = [("", "Tất cả")] + list(ArticleStatus.choices)
# kind in the URL → (model, form, plural label, columns shown in the list)
CONTENT = {
    "van-ban": (LegalDocument, LegalDocumentForm, "Văn bản về CCHC"),
    "thu-tuc": (ProcedureChange, ProcedureChangeForm, "Thủ tục hành chính thay đổi"),
    "huong-dan": (ServiceGuide, ServiceGuideForm, "Hướng dẫn dịch vụ công trực tuyến"),
    "lien-he": (Contact, ContactForm, "Địa chỉ tiếp nhận phản ánh, kiến nghị"),
}
PERIODS = [(7, "7 ngày"), (30, "30 ngày"), (90, "90 ngày"), (365, "1 năm")]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    policy.access_portal_workspace(request.user)
    articles = policy.visible_portal_articles(request.user)
    counts = dict(articles.values_list("status").annotate(n=Count("id")).order_by().values_list("status", "n"))
    status = request.GET.get("trang-thai", "")
    if status not in ArticleStatus.values:
        # Editors start from their queue; collaborators from everything they wrote.
        status = ArticleStatus.SUBMITTED if policy.can_publish_portal(request.user) and "trang-thai" not in request.GET else ""
    listed = articles.filter(status=status) if status else articles
    listed = listed.select_related("unit", "author").defer("body", "search_text").order_by("-updated_at", "-pk")
    page = Paginator(listed, 25).get_page(request.GET.get("trang"))
    tabs = [(value, label, sum(counts.values()) if not value else counts.get(value, 0)) for value, label in STATUS_TABS]
    return render(request, "portal/ws_dashboard.html", {
        "page": page, "tabs": tabs, "status": status, "can_publish": policy.can_publish_portal(request.user),
        "content_kinds": [(k, v[2]) for k, v in CONTENT.items()],
    })


def _article_form(request: HttpRequest, article: Article | None) -> ArticleForm:
    units = policy.portal_writer_units(request.user)
    if article is not None and article.unit not in units:
        units = [article.unit, *units]  # an editor keeps the author's unit
    initial = {}
    if article is not None:
        initial = {"title": article.title, "summary": article.summary, "body": article.body, "unit": str(article.unit_id)}
    return ArticleForm(request.POST or None, request.FILES or None, units=units, initial=initial)


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    policy.access_portal_workspace(request.user)
    form = _article_form(request, None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                article = services.article_save(user=request.user, unit=data["unit"], title=data["title"],
                                                summary=data["summary"], body=data["body"])
                if data["image"]:
                    services.image_add(article=article, upload=data["image"], user=request.user,
                                       alt=data["image_alt"], as_cover=True)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu bản nháp. Khi viết xong, bấm “Gửi duyệt”.")
            return redirect("portal:article_edit", pk=article.pk)
    return render(request, "portal/ws_article_form.html", {"form": form, "article": None})


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = policy.access_article(request.user, pk, edit=request.method == "POST")
    can_edit = policy.can_edit_article(request.user, article)
    form = _article_form(request, article)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.article_save(user=request.user, unit=data["unit"], title=data["title"],
                                      summary=data["summary"], body=data["body"], article=article)
                if data["image"]:
                    services.image_add(article=article, upload=data["image"], user=request.user,
                                       alt=data["image_alt"], as_cover=True)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu bài viết.")
            return redirect("portal:article_edit", pk=article.pk)
    can_publish = policy.can_publish_portal(request.user)
    history = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Article), object_pk=str(article.pk))
        .select_related("actor").order_by("-timestamp")[:15]
    )
    return render(request, "portal/ws_article_form.html", {
        "form": form if can_edit else None, "article": article, "can_edit": can_edit, "can_publish": can_publish,
        "is_author": article.author_id == request.user.pk,
        "images": article.images.all(), "image_form": ImageUploadForm(),
        "return_form": ReturnForm(), "publish_form": PublishForm(initial={"record_as_activity": article.record_as_activity}),
        "history": history,
    })


@login_required
@require_POST
def article_image(request: HttpRequest, pk: int) -> HttpResponse:
    article = policy.access_article(request.user, pk, edit=True)
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.image_add(article=article, upload=form.cleaned_data["image"], user=request.user,
                               alt=form.cleaned_data["alt"], as_cover=form.cleaned_data["as_cover"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Đã thêm ảnh. Chép đường dẫn ảnh vào nội dung nếu muốn chèn ảnh giữa bài.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("portal:article_edit", pk=article.pk)


@login_required
@require_POST
def article_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in services.TRANSITIONS:
        raise Http404
    if action == "submit":
        article = policy.access_article(request.user, pk, edit=True)
    else:
        article = policy.access_article(request.user, pk, publish=True)
    try:
        if action == "submit":
            services.article_submit(article=article, user=request.user)
            messages.success(request, "Đã gửi bài viết cho biên tập viên.")
        elif action == "return":
            form = ReturnForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.article_return(article=article, user=request.user, note=note)
            messages.success(request, "Đã trả lại bài viết cho tác giả kèm ý kiến.")
        elif action == "publish":
            form = PublishForm(request.POST)
            form.is_valid()
            article = services.article_publish(article=article, user=request.user,
                                               record_as_activity=form.cleaned_data.get("record_as_activity", False))
            messages.success(request, "Đã xuất bản bài viết.")
            return redirect(article.get_absolute_url())
        elif action == "unpublish":
            services.article_unpublish(article=article, user=request.user, note=request.POST.get("note", ""))
            messages.success(request, "Đã gỡ bài viết khỏi chuyên mục.")
        elif action == "archive":
            services.article_archive(article=article, user=request.user)
            messages.success(request, "Đã chuyển bài viết vào lưu trữ.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("portal:article_edit", pk=article.pk)


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    """Interest in the section: most-read articles of a period and the daily trend."""
    policy.access_portal_editing(request.user)
    try:
        days = int(request.GET.get("ky", 30))
    except ValueError:
        days = 30
    days = days if days in dict(PERIODS) else 30
    end = timezone.localdate()
    start = end - datetime.timedelta(days=days - 1)
    trend = services.daily_totals(start=start, end=end)
    peak = max((n for _, n in trend), default=0)
    total = sum(n for _, n in trend)
    top = services.most_read(start=start, end=end, limit=20)
    top_max = top[0][1] if top else 0
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED, published_at__date__gte=start).count()
    by_unit = list(
        Article.objects.filter(daily_views__day__gte=start, daily_views__day__lte=end)
        .values("unit__name").annotate(total=Sum("daily_views__count")).order_by("-total", "unit__name")[:10]
    )
    # The bars of the SVG chart, computed here so the template only draws.
    width, height = 720, 180
    step = width / max(len(trend), 1)
    bars = [
        {"x": round(i * step, 1), "w": max(round(step - 1, 1), 1), "h": round(height * n / peak, 1) if peak else 0,
         "day": day, "n": n}
        for i, (day, n) in enumerate(trend)
    ]
    for bar in bars:
        bar["y"] = round(height - bar["h"], 1)
    return render(request, "portal/ws_stats.html", {
        "days": days, "periods": PERIODS, "start": start, "end": end, "bars": bars, "chart_w": width,
        "chart_h": height, "peak": peak, "total": total, "top": top, "top_max": top_max, "published": published,
        "by_unit": by_unit, "pending": services.views_pending(),
    })


def _content(kind: str):
    if kind not in CONTENT:
        raise Http404
    return CONTENT[kind]


@login_required
def content_list(request: HttpRequest, kind: str) -> HttpResponse:
    policy.access_portal_editing(request.user)
    model, _, label = _content(kind)
    page = Paginator(model.objects.all(), 30).get_page(request.GET.get("trang"))
    return render(request, "portal/ws_content_list.html", {"page": page, "kind": kind, "label": label})


@login_required
def content_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    policy.access_portal_editing(request.user)
    model, form_class, label = _content(kind)
    obj = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if model is ServiceGuide:
                    services.guide_save(guide=form.save(commit=False), body=form.cleaned_data["body"])
                else:
                    form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Đã lưu.")
            return redirect("portal:content_list", kind=kind)
    return render(request, "portal/ws_content_form.html", {"form": form, "obj": obj, "kind": kind, "label": label})
