"""The public section: no login, small pages, no JavaScript, each page a fixed number of queries."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from cchc import policy
from cchc.lib.text import fold
from cchc.orgs.models import Unit

from . import services
from .cache import public_page
from .models import (
    Article, ArticleImage, ArticleStatus, ChangeKind, Contact, LegalDocument, Level, ProcedureChange, ServiceGuide,
)

PAGE_SIZE = 12
LIST_FIELDS = ("pk", "title", "slug", "excerpt", "published_at", "unit__name", "unit__short_name",
               "cover__id", "cover__width", "cover__height", "cover__alt")
LEVEL_SLUGS = {"trung-uong": Level.CENTRAL, "tinh": Level.PROVINCIAL, "cap-xa": Level.COMMUNE}
CHANGE_SLUGS = {"moi": ChangeKind.NEW, "sua-doi": ChangeKind.AMENDED, "thay-the": ChangeKind.REPLACED,
                "bai-bo": ChangeKind.ABOLISHED}


def published():
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("unit", "cover")


def _teasers(qs):
    # The list columns only: a teaser needs neither the body nor the search text.
    return qs.only(*LIST_FIELDS).order_by("-published_at", "-pk")


def province_name() -> str:
    """"tỉnh Ninh Bình", from the province unit (cached: it is on every page)."""

    def lookup() -> str:
        unit = Unit.objects.filter(code=settings.CCHC_PROVINCE_CODE).only("name").first()
        name = unit.name if unit else "tỉnh"
        return name.replace("Ủy ban nhân dân ", "").replace("UBND ", "")

    return cache.get_or_set(f"portal:province:{settings.CCHC_PROVINCE_CODE}", lookup, 3600)


def absolute(path: str) -> str:
    return path if path.startswith("http") else f"{settings.SITE_URL}{path}"


def _render(request: HttpRequest, template: str, context: dict, *, og: dict | None = None) -> HttpResponse:
    og = {"title": "", "description": "", "image": None, "type": "website", **(og or {})}
    site = f"Chuyên mục Cải cách hành chính – {province_name()}"
    og["site_name"] = site
    og["title"] = og["title"] or site
    og["description"] = og["description"] or (
        f"Tin tức, văn bản, thủ tục hành chính, dịch vụ công trực tuyến và địa chỉ tiếp nhận phản ánh, kiến nghị "
        f"về cải cách hành chính của {province_name()}."
    )
    if og["image"] is None:
        og["image"] = {"url": absolute(static("portal/og-default.png")), "width": 1200, "height": 630}
    og["url"] = absolute(request.path)
    return render(request, template, {**context, "og": og, "province": province_name(),
                                      "can_write": policy.can_write_portal(request.user)})


def _hotline():
    return list(Contact.objects.filter(is_hotline=True).order_by("position", "pk")[:2])


def _popular() -> list[dict]:
    """The home page's "most read in 30 days": an aggregate over the daily counts, which change only
    when the rollup runs, so every process keeps it for the rollup interval."""

    def compute() -> list[dict]:
        today = timezone.localdate()
        rows = services.most_read(start=today - datetime.timedelta(days=30), end=today, limit=5)
        return [{"title": a.title, "slug": a.slug, "views": n} for a, n in rows]

    every = getattr(settings, "PORTAL_VIEWS_ROLLUP_SECONDS", 300) or 300
    return cache.get_or_set(f"portal:popular:{timezone.localdate()}", compute, every)


@require_safe
@public_page
def index(request: HttpRequest) -> HttpResponse:
    latest = list(_teasers(published())[:7])
    popular = _popular()
    context = {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "popular": popular,
        "procedures": ProcedureChange.objects.order_by("-decided_on", "-pk")[:5],
        "documents": LegalDocument.objects.filter(is_public=True).order_by("-issued_on", "-pk")[:5],
        "guides": ServiceGuide.objects.only("title", "slug", "summary").order_by("position", "pk")[:4],
        "hotline": _hotline(),
    }
    return _render(request, "portal/index.html", context)


@require_safe
@public_page
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_teasers(published()), PAGE_SIZE).get_page(request.GET.get("trang"))
    return _render(request, "portal/article_list.html", {"page": page},
                   og={"title": f"Tin tức cải cách hành chính – {province_name()}"})


@require_safe
@public_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = Article.objects.select_related("unit", "author", "cover").filter(slug=slug).first()
    if article is None or not policy.can_view_article(request.user, article):
        raise Http404("Không tìm thấy bài viết.")
    counted = False
    # Editors' and the author's own readings are previews, not interest.
    staff = article.author_id == request.user.pk or policy.can_publish_portal(request.user)
    if request.method == "GET" and not staff:
        counted = services.view_record(article=article, user_agent=request.headers.get("User-Agent", ""))
    related = list(_teasers(published().exclude(pk=article.pk))[:3])
    og = {"title": article.title, "description": article.excerpt, "type": "article"}
    if article.cover:
        og["image"] = {"url": absolute(article.cover.get_absolute_url()), "width": article.cover.width,
                       "height": article.cover.height}
    response = _render(request, "portal/article_detail.html", {
        "article": article, "related": related, "counted": counted,
        "views": services.article_views(article) if article.is_public else 0,
        "preview": not article.is_public,
    }, og=og)
    if article.is_public:
        response.portal_article_id = article.pk  # a cached copy still counts each reading
    return response


@require_safe
def image(request: HttpRequest, pk: int) -> FileResponse:
    """An article's image: public once the article is; before that, for those who may see the draft."""
    found = get_object_or_404(ArticleImage.objects.select_related("article"), pk=pk)
    if not policy.can_view_article(request.user, found.article):
        raise Http404("Không tìm thấy ảnh.")
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy ảnh.") from exc
    response = FileResponse(handle, content_type=found.content_type)
    # Images never change (a new upload is a new image), so browsers and proxies may keep them.
    response["Cache-Control"] = "public, max-age=604800" if found.article.is_public else "private, no-store"
    return response


class CappedPaginator(Paginator):
    """Counts at most CAP results: a common word need not scan every article just to say how many."""

    CAP = 1000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP


def _search_q(query: str) -> Q | None:
    words = fold(query).split()[:8]
    if not words:
        return None
    q = Q()
    for word in words:
        q &= Q(search_text__contains=word)
    return q


@require_safe
@public_page
def legal_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("cap", "")
    query = request.GET.get("q", "").strip()[:200]
    documents = LegalDocument.objects.filter(is_public=True)
    if level in LEVEL_SLUGS:
        documents = documents.filter(level=LEVEL_SLUGS[level])
    if (q := _search_q(query)) is not None:
        documents = documents.filter(q)
    page = Paginator(documents.order_by("-issued_on", "-pk"), 20).get_page(request.GET.get("trang"))
    return _render(request, "portal/legal_list.html", {
        "page": page, "level": level, "query": query, "levels": [("", "Tất cả"), ("trung-uong", "Trung ương"),
                                                                  ("tinh", "Của tỉnh"), ("cap-xa", "Cấp xã")],
    }, og={"title": f"Văn bản về cải cách hành chính – {province_name()}"})


@require_safe
@public_page
def procedure_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    query = request.GET.get("q", "").strip()[:200]
    changes = ProcedureChange.objects.all()
    if kind in CHANGE_SLUGS:
        changes = changes.filter(change=CHANGE_SLUGS[kind])
    if (q := _search_q(query)) is not None:
        changes = changes.filter(q)
    page = Paginator(changes.order_by("-decided_on", "-pk"), 20).get_page(request.GET.get("trang"))
    kinds = [("", "Tất cả")] + [(slug, ChangeKind(value).label) for slug, value in CHANGE_SLUGS.items()]
    return _render(request, "portal/procedure_list.html", {
        "page": page, "kind": kind, "query": query, "kinds": kinds,
    }, og={"title": f"Thủ tục hành chính mới, sửa đổi, thay thế, bãi bỏ – {province_name()}"})


@require_safe
@public_page
def guide_list(request: HttpRequest) -> HttpResponse:
    guides = ServiceGuide.objects.only("title", "slug", "summary", "service_url").order_by("position", "pk")
    return _render(request, "portal/guide_list.html", {"guides": guides},
                   og={"title": "Hướng dẫn sử dụng dịch vụ công trực tuyến"})


@require_safe
@public_page
def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(ServiceGuide, slug=slug)
    others = ServiceGuide.objects.exclude(pk=guide.pk).only("title", "slug").order_by("position", "pk")[:6]
    return _render(request, "portal/guide_detail.html", {"guide": guide, "others": others},
                   og={"title": guide.title, "description": guide.summary, "type": "article"})


@require_safe
@public_page
def contacts(request: HttpRequest) -> HttpResponse:
    return _render(request, "portal/contacts.html", {"contacts": Contact.objects.order_by("-is_hotline", "position", "pk")},
                   og={"title": "Địa chỉ tiếp nhận phản ánh, kiến nghị về thủ tục hành chính"})


@require_safe
@public_page
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    q = _search_q(query)
    context: dict = {"query": query, "page": None}
    if q is not None:
        context["page"] = CappedPaginator(_teasers(published().filter(q)), PAGE_SIZE).get_page(request.GET.get("trang"))
        context["documents"] = list(LegalDocument.objects.filter(q, is_public=True).order_by("-issued_on", "-pk")[:10])
        context["procedures"] = list(ProcedureChange.objects.filter(q).order_by("-decided_on", "-pk")[:10])
        context["guides"] = list(ServiceGuide.objects.filter(q).only("title", "slug", "summary").order_by("position")[:5])
    return _render(request, "portal/search.html", context,
                   og={"title": f"Tìm kiếm: {query}" if query else "Tìm kiếm"})


@require_safe
@public_page(timeout=60, versioned=False)  # assignments change it: kept one minute
def accountability_page(request: HttpRequest) -> HttpResponse:
    """The province's CCHC plan in public: progress by task group and by unit, and its targets."""
    from cchc.portal import accountability as acc

    plans = list(acc.public_plans()[:20])
    chosen = next((p for p in plans if str(p.pk) == request.GET.get("ke_hoach")), None) or acc.current_plan(plans)
    data = acc.accountability(chosen) if chosen is not None else None
    return _render(request, "portal/accountability.html", {"plans": plans, "data": data, "plan": chosen},
                   og={"title": f"Tiến độ thực hiện kế hoạch cải cách hành chính – {province_name()}"})
