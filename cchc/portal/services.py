"""What changes the portal's data. Views, commands, the demo loader and tests all call these.

Article workflow:  draft → submitted → published | returned (→ submitted again)
                   published → unpublished (→ published again) → archived
Every save is audited by django-auditlog (registered in apps.py) with the acting user.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from cchc.lib.text import fold

from .images import image_clean
from .models import Article, ArticleDailyViews, ArticleHit, ArticleImage, ArticleStatus, ServiceGuide
from .sanitize import clean_html, html_to_text
from .signals import article_published

S = ArticleStatus

# Which state each action may start from.
TRANSITIONS = {
    "submit": (S.DRAFT, S.RETURNED),
    "return": (S.SUBMITTED, S.PUBLISHED, S.UNPUBLISHED),
    "publish": (S.SUBMITTED, S.UNPUBLISHED),
    "unpublish": (S.PUBLISHED,),
    "archive": (S.PUBLISHED, S.UNPUBLISHED, S.RETURNED),
}
RESULT = {
    "submit": S.SUBMITTED, "publish": S.PUBLISHED, "return": S.RETURNED,
    "unpublish": S.UNPUBLISHED, "archive": S.ARCHIVED,
}
ALREADY = {
    "submit": "Bài viết đã được gửi duyệt.",
    "publish": "Bài viết đã được xuất bản.",
    "return": "Bài viết đã được trả lại.",
    "unpublish": "Bài viết đã được gỡ xuống.",
    "archive": "Bài viết đã được lưu trữ.",
}


def slugify_vi(text: str, *, max_length: int = 120) -> str:
    """"Cải cách hành chính: một cửa" → "cai-cach-hanh-chinh-mot-cua"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:max_length].rstrip("-")
    return slug or "bai-viet"


def unique_slug(model, text: str, *, exclude_pk: int | None = None) -> str:
    base = slugify_vi(text)
    taken = set(
        model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _image_sizes(article: Article) -> dict[int, tuple[int, int]]:
    return {pk: (w, h) for pk, w, h in article.images.values_list("pk", "width", "height")}


def article_save(
    *, user, unit, title: str, body: str, summary: str = "", article: Article | None = None,
    record_as_activity: bool | None = None,
) -> Article:
    """Create a draft (article=None) or change an article's text. Access is checked by the caller."""
    title = (title or "").strip()
    if not title:
        raise ValidationError("Hãy nhập tiêu đề bài viết.")
    if article is None:
        article = Article(author=user, status=S.DRAFT)
    article.unit = unit
    article.title = title
    article.body = clean_html(body, image_sizes=_image_sizes(article) if article.pk else None)
    article.summary = (summary or "").strip()
    if record_as_activity is not None:
        article.record_as_activity = record_as_activity
    if not article.slug or article.status != S.PUBLISHED:
        # The address is fixed once published: shared links must keep working.
        article.slug = unique_slug(Article, title, exclude_pk=article.pk)
    article.full_clean(exclude=["cover", "published_by"])
    article.save()
    return article


def image_add(*, article: Article, upload, user, alt: str = "", as_cover: bool = False) -> ArticleImage:
    """Validate, re-encode and attach an image; the first image becomes the cover."""
    clean = image_clean(upload)
    image = ArticleImage(
        article=article, content_type=clean.content_type, width=clean.width, height=clean.height,
        alt=(alt or "").strip()[:300] or article.title[:300], size=len(clean.data), uploaded_by=user,
    )
    image.file.save(clean.name, ContentFile(clean.data), save=False)
    image.save()
    if as_cover or article.cover_id is None:
        article.cover = image
        article.save(update_fields=["cover", "updated_at"])
    return image


def _transition(article: Article, action: str) -> Article:
    """Lock the row and check the action is allowed from its current state (double clicks included)."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in TRANSITIONS[action]:
        if locked.status == RESULT[action]:
            raise ValidationError(ALREADY[action])
        raise ValidationError(f"Không thực hiện được khi bài viết đang ở trạng thái “{locked.get_status_display()}”.")
    return locked


def _notify(user, text: str, link: str) -> None:
    from cchc.plans.models import Notification

    Notification.objects.create(user=user, text=text[:500], link=link[:300])


@transaction.atomic
def article_submit(*, article: Article, user) -> Article:
    article = _transition(article, "submit")
    if not html_to_text(article.body):
        raise ValidationError("Bài viết chưa có nội dung; hãy viết nội dung trước khi gửi duyệt.")
    article.status = S.SUBMITTED
    article.submitted_at = timezone.now()
    article.save(update_fields=["status", "submitted_at", "updated_at"])
    return article


@transaction.atomic
def article_return(*, article: Article, user, note: str) -> Article:
    note = (note or "").strip()
    if not note:
        raise ValidationError("Hãy ghi ý kiến để cộng tác viên biết cần sửa gì.")
    article = _transition(article, "return")
    article.status = S.RETURNED
    article.review_note = note
    article.save(update_fields=["status", "review_note", "updated_at"])
    _notify(article.author, f"Bài viết “{article.title}” được trả lại để sửa: {note}",
            f"/cai-cach-hanh-chinh/bien-tap/bai-viet/{article.pk}/")
    return article


@transaction.atomic
def article_publish(*, article: Article, user, record_as_activity: bool = True) -> Article:
    """Publish; the first publication date is kept when an unpublished article comes back.
    Sends `article_published` inside the transaction, so a receiver's record is kept or lost with it."""
    article = _transition(article, "publish")
    article.status = S.PUBLISHED
    article.published_at = article.published_at or timezone.now()
    article.published_by = user
    article.record_as_activity = record_as_activity
    article.review_note = ""
    article.save(update_fields=["status", "published_at", "published_by", "record_as_activity", "review_note",
                                "updated_at"])
    article_published.send(sender=Article, article=article)
    if article.author_id != user.pk:
        _notify(article.author, f"Bài viết “{article.title}” đã được xuất bản.", article.get_absolute_url())
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user, note: str = "") -> Article:
    article = _transition(article, "unpublish")
    article.status = S.UNPUBLISHED
    article.review_note = (note or "").strip()
    article.save(update_fields=["status", "review_note", "updated_at"])
    return article


@transaction.atomic
def article_archive(*, article: Article, user) -> Article:
    article = _transition(article, "archive")
    article.status = S.ARCHIVED
    article.save(update_fields=["status", "updated_at"])
    return article


def guide_save(*, guide: ServiceGuide, body: str) -> ServiceGuide:
    guide.body = clean_html(body)
    if not guide.slug:
        guide.slug = unique_slug(ServiceGuide, guide.title, exclude_pk=guide.pk)
    guide.full_clean()
    guide.save()
    return guide


# --- interest: views ------------------------------------------------------------------------------
#
# A view is one INSERT of (article_id, day) into ArticleHit: no IP, no cookie, no user, and no UPDATE
# of a shared counter row, so a popular article never makes readers queue on a row lock. The rollup
# (a django-tasks task scheduled at most every PORTAL_VIEWS_ROLLUP_SECONDS per process, and the
# `portal_rollup_views` command for cron) folds the hits into ArticleDailyViews — one row per
# (article, day), written by a batched upsert — and deletes them. Figures are thus up to a few minutes
# behind, which is fine for "mức độ quan tâm".

BOT_UA = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|zalo|preview|curl|wget|python-requests|"
    r"python-urllib|httpclient|headless|lighthouse|monitor|scan|feed|fetch",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_UA.search(user_agent))


def view_record(*, article: Article, user_agent: str) -> bool:
    """Count one view of a published article by a person (not a bot). Returns whether it counted."""
    if article.status != S.PUBLISHED or is_bot(user_agent):
        return False
    ArticleHit.objects.create(article_id=article.pk, day=timezone.localdate())
    _schedule_rollup()
    return True


def view_record_pk(*, article_id: int, user_agent: str) -> bool:
    """The same count for a page served from the cache: its article was public when it was cached
    (an unpublish makes that page stale), so only the reader is checked."""
    if is_bot(user_agent):
        return False
    ArticleHit.objects.create(article_id=article_id, day=timezone.localdate())
    _schedule_rollup()
    return True


def _schedule_rollup() -> None:
    every = getattr(settings, "PORTAL_VIEWS_ROLLUP_SECONDS", 300)
    if every and cache.add("portal:views-rollup", 1, timeout=every):
        from .tasks import rollup_views

        transaction.on_commit(rollup_views.enqueue)


def views_rollup() -> int:
    """Fold pending hits into the daily counts. Returns the number of hits folded.

    The counts of the (article, day) pairs concerned are read, added to, and written back with one
    INSERT … ON CONFLICT DO UPDATE per 500 pairs (SQLite and PostgreSQL alike), so a busy day's
    rollup holds the write lock for a few statements rather than one UPDATE per pair.

    Safe to run concurrently: the hits are deleted in the same transaction, and when another rollup
    took some of them first (fewer rows deleted than counted) this one rolls back, its writes too.
    A rollup that read the counts before another committed also read the hits before it, so it
    always sees that mismatch."""
    with transaction.atomic():
        last = ArticleHit.objects.aggregate(m=Max("id"))["m"]
        if last is None:
            return 0
        pending = ArticleHit.objects.filter(id__lte=last)
        groups = list(pending.values("article_id", "day").annotate(n=Count("id")).order_by("article_id", "day"))
        live = set(
            Article.objects.filter(pk__in={g["article_id"] for g in groups}).values_list("pk", flat=True)
        )
        groups_live = [g for g in groups if g["article_id"] in live]  # an article may have been deleted
        existing = {
            (article_id, day): count
            for article_id, day, count in ArticleDailyViews.objects.filter(
                article_id__in={g["article_id"] for g in groups_live}, day__in={g["day"] for g in groups_live}
            ).values_list("article_id", "day", "count")
        }
        rows = [
            ArticleDailyViews(article_id=g["article_id"], day=g["day"],
                              count=existing.get((g["article_id"], g["day"]), 0) + g["n"])
            for g in groups_live
        ]
        ArticleDailyViews.objects.bulk_create(
            rows, batch_size=500, update_conflicts=True, unique_fields=["article", "day"], update_fields=["count"]
        )
        deleted, _ = pending.delete()
        if deleted != sum(g["n"] for g in groups):
            raise _Raced()
    if groups_live:
        from .cache import bump

        bump()  # the cached pages show view counts and "most read": render them afresh
    return sum(g["n"] for g in groups_live)


class _Raced(Exception):
    pass


def views_rollup_safe() -> int:
    try:
        return views_rollup()
    except _Raced:
        return 0


# --- interest: reading the figures ------------------------------------------------------------------


def most_read(*, start: datetime.date, end: datetime.date, limit: int = 20) -> list[tuple[Article, int]]:
    """The most-read published articles of a period. Aggregated from the day index alone (no join),
    with a few spare rows for articles unpublished since they were read."""
    rows = list(
        ArticleDailyViews.objects.filter(day__gte=start, day__lte=end)
        .values("article_id").annotate(total=Sum("count")).order_by("-total", "article_id")[:limit + 10]
    )
    articles = Article.objects.filter(status=S.PUBLISHED).select_related("unit").in_bulk(
        [r["article_id"] for r in rows]
    )
    return [(articles[r["article_id"]], r["total"]) for r in rows if r["article_id"] in articles][:limit]


def daily_totals(*, start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, int]]:
    counts = dict(
        ArticleDailyViews.objects.filter(day__gte=start, day__lte=end)
        .values("day").annotate(total=Sum("count")).order_by("day").values_list("day", "total")
    )
    days = (end - start).days + 1
    return [(start + datetime.timedelta(d), counts.get(start + datetime.timedelta(d), 0)) for d in range(days)]


def article_views(article: Article) -> int:
    return ArticleDailyViews.objects.filter(article=article).aggregate(s=Sum("count"))["s"] or 0
