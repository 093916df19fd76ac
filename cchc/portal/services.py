"""What changes the portal's data. Views, commands, the demo loader and tests all call these.

Article workflow:  draft → submitted → published | returned (→ submitted again)
                   published → unpublished (→ published again) → archived
Every save is audited by django-auditlog (registered in apps.py) with the acting user.
"""

from __future__ import annotations

import datetime
import logging
import re

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
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
# A view carries no IP, no cookie and no user: only which article and which day, and it is never an
# UPDATE of a shared counter row, so a popular article never makes readers queue on a row lock.
#
# Where it is counted depends on the cache:
# - Redis (REDIS_URL): one round trip — HINCRBY on the day's hash (one field per article), SADD of
#   the day into the set of days to fold, and the rollup's "scheduled" flag. No database write, so a
#   cached article page costs no query at all.
# - otherwise: one INSERT of (article_id, day) into ArticleHit, as before.
# The rollup (a django-tasks task scheduled at most every PORTAL_VIEWS_ROLLUP_SECONDS, and the
# `portal_rollup_views` command for cron) folds both into ArticleDailyViews — one row per
# (article, day), written by a batched upsert. Figures are thus up to a few minutes behind, which
# is fine for "mức độ quan tâm".

logger = logging.getLogger(__name__)

BOT_UA = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|zalo|preview|curl|wget|python-requests|"
    r"python-urllib|httpclient|headless|lighthouse|monitor|scan|feed|fetch",
    re.IGNORECASE,
)
ROLLUP_FLAG = "portal:views-rollup"
DAYS_KEY = "portal:views:days"  # days whose hash holds counts not folded yet
FOLDING_KEY = "portal:views:folding"  # days taken by a rollup and not yet written to the database
LOCK_KEY = "portal:views:lock"


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_UA.search(user_agent))


def view_record(*, article: Article, user_agent: str) -> bool:
    """Count one view of a published article by a person (not a bot). Returns whether it counted."""
    if article.status != S.PUBLISHED or is_bot(user_agent):
        return False
    _count(article.pk)
    return True


def view_record_pk(*, article_id: int, user_agent: str) -> bool:
    """The same count for a page served from the cache: its article was public when it was cached
    (an unpublish makes that page stale), so only the reader is checked."""
    if is_bot(user_agent):
        return False
    _count(article_id)
    return True


def _redis():
    """The redis-py client behind Django's cache when that cache is Redis, else None."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def _key(name: str) -> str:
    return caches["default"].make_key(name)  # the cache's KEY_PREFIX: two sites may share one Redis


def _day_key(day: str) -> str:
    return _key(f"portal:views:{day}")


def _fold_key(day: str) -> str:
    return _key(f"portal:views:fold:{day}")


def _count(article_id: int) -> None:
    client = _redis()
    if client is not None:
        from redis.exceptions import RedisError

        every = getattr(settings, "PORTAL_VIEWS_ROLLUP_SECONDS", 300)
        day = timezone.localdate().isoformat()
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(_day_key(day), str(article_id), 1)
            pipe.sadd(_key(DAYS_KEY), day)
            if every:
                pipe.set(_key(ROLLUP_FLAG), 1, nx=True, ex=every)
            done = pipe.execute()
        except RedisError:
            # Redis unreachable: the page was rendered live anyway; keep the view in the database.
            logger.warning("portal: Redis không nhận được lượt xem, ghi vào cơ sở dữ liệu", exc_info=True)
        else:
            if every and done[2]:
                _enqueue_rollup()
            return
    ArticleHit.objects.create(article_id=article_id, day=timezone.localdate())
    _schedule_rollup()


def _enqueue_rollup() -> None:
    from .tasks import rollup_views

    transaction.on_commit(rollup_views.enqueue)


def _schedule_rollup() -> None:
    every = getattr(settings, "PORTAL_VIEWS_ROLLUP_SECONDS", 300)
    if every and cache.add(ROLLUP_FLAG, 1, timeout=every):
        _enqueue_rollup()


def _add_counts(counts: dict[tuple[int, datetime.date], int]) -> int:
    """Add `counts` to the daily rows (inside the caller's transaction); returns the views added.

    One INSERT … ON CONFLICT DO UPDATE SET count = count + new per 500 pairs (SQLite and PostgreSQL
    alike): the addition happens in the database, so two rollups that write the same (article,
    day) — the database hits and Redis's counters — add up instead of overwriting each other, and a
    busy day's rollup holds the write lock for a few statements rather than one UPDATE per pair.
    Counts of a deleted article are dropped."""
    if not counts:
        return 0
    live = set(Article.objects.filter(pk__in={a for a, _ in counts}).values_list("pk", flat=True))
    pairs = sorted((pair, n) for pair, n in counts.items() if pair[0] in live and n > 0)
    if not pairs:
        return 0
    qn = connection.ops.quote_name
    table = qn(ArticleDailyViews._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 500):
            batch = pairs[start:start + 500]
            cursor.execute(
                f"INSERT INTO {table} (article_id, day, {qn('count')}) VALUES "  # noqa: S608 - names only
                + ", ".join(["(%s, %s, %s)"] * len(batch))
                + f" ON CONFLICT (article_id, day) DO UPDATE SET {qn('count')} = {table}.{qn('count')} + EXCLUDED.{qn('count')}",
                [v for (a, d), n in batch for v in (a, connection.ops.adapt_datefield_value(d), n)],
            )
    return sum(n for _, n in pairs)


def _rollup_hits() -> int:
    """Fold the ArticleHit rows (the counting without Redis) and delete them.

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
        folded = _add_counts({(g["article_id"], g["day"]): g["n"] for g in groups})
        deleted, _ = pending.delete()
        if deleted != sum(g["n"] for g in groups):
            raise _Raced()
    return folded


# Takes a day's hash away from the readers in one atomic step: renamed to the day's "fold" key (or
# merged into it, when an earlier rollup failed to write it to the database and left it there), and
# the day moved from the set of days to count into the set of days being folded. A view arriving
# after this creates a fresh hash and puts the day back: nothing is lost, nothing taken twice.
_CLAIM = """
if redis.call('exists', KEYS[1]) == 1 then
  if redis.call('exists', KEYS[2]) == 0 then
    redis.call('rename', KEYS[1], KEYS[2])
  else
    local v = redis.call('hgetall', KEYS[1])
    for i = 1, #v, 2 do redis.call('hincrby', KEYS[2], v[i], v[i + 1]) end
    redis.call('del', KEYS[1])
  end
  redis.call('sadd', KEYS[4], ARGV[1])
end
redis.call('srem', KEYS[3], ARGV[1])
return 1
"""


def _rollup_redis(client) -> int:
    """Fold Redis's counters into the database. One rollup at a time (a Redis lock); each day's fold
    key is deleted only after the database transaction that added it has committed, and a failed
    write leaves it for the next rollup. (A process killed between that commit and the DELETE would
    count the batch twice: the one window left, a few microseconds per rollup.)"""
    lock = client.lock(_key(LOCK_KEY), timeout=600)
    if not lock.acquire(blocking=False):
        return 0  # another rollup is folding right now; the next one takes what it leaves
    try:
        claim = client.register_script(_CLAIM)
        for raw_day in client.smembers(_key(DAYS_KEY)):
            day = raw_day.decode()
            claim(keys=[_day_key(day), _fold_key(day), _key(DAYS_KEY), _key(FOLDING_KEY)], args=[day])
        folded = 0
        for raw_day in sorted(client.smembers(_key(FOLDING_KEY))):
            day = raw_day.decode()
            counts = {(int(a), datetime.date.fromisoformat(day)): int(n)
                      for a, n in client.hgetall(_fold_key(day)).items()}
            with transaction.atomic():
                folded += _add_counts(counts)
            pipe = client.pipeline(transaction=True)
            pipe.delete(_fold_key(day))
            pipe.srem(_key(FOLDING_KEY), day)
            pipe.execute()
        return folded
    finally:
        from redis.exceptions import LockError

        try:
            lock.release()
        except LockError:  # held longer than its timeout: it expired already
            pass


def views_pending() -> int:
    """Views counted but not folded yet (the stats page says so)."""
    pending = ArticleHit.objects.count()
    client = _redis()
    if client is not None:
        from redis.exceptions import RedisError

        try:
            for name in (DAYS_KEY, FOLDING_KEY):
                for raw_day in client.smembers(_key(name)):
                    key = _day_key(raw_day.decode()) if name == DAYS_KEY else _fold_key(raw_day.decode())
                    pending += sum(int(n) for n in client.hvals(key))
        except RedisError:
            pass
    return pending


def views_rollup() -> int:
    """Fold pending views (ArticleHit rows, and Redis's counters when the cache is Redis) into the
    daily counts. Returns the number of views folded. Raises _Raced when another rollup took some
    of the database hits first (views_rollup_safe turns that into 0)."""
    try:
        folded = _rollup_hits()
        raced = False
    except _Raced:
        folded, raced = 0, True
    client = _redis()
    if client is not None:
        folded += _rollup_redis(client)
    if folded:
        from .cache import bump

        bump()  # the cached pages show view counts and "most read": render them afresh
    if raced:
        raise _Raced()
    return folded


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
