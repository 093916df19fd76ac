"""View counting with Redis as the cache: one HINCRBY per read and no database write, so a cached
article page costs no query; the rollup takes each day's counters away atomically and adds them to
the daily rows, so no read is lost or counted twice — a read during the fold, a failed database
write, a second rollup at the same time included.

Needs the Redis of the machine (PORTAL_TEST_REDIS_URL, default db 12 of 127.0.0.1:6379): skipped
when none answers. The same reads without Redis (one INSERT each) are tested in test_cache.py and
test_views_counter.py."""

import datetime
import os
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cchc.portal import services
from cchc.portal.models import ArticleDailyViews, ArticleHit
from cchc.test import count_queries

from .conftest import BROWSER_UA, make_article

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache(settings):
    """Django's cache on Redis, under a key prefix of its own (removed afterwards)."""
    if not _redis_answers():
        pytest.skip(f"Redis không trả lời ở {REDIS_URL}: bỏ qua các kiểm thử đếm lượt xem bằng Redis")
    prefix = f"cchc-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    client = services._redis()
    assert client is not None
    yield client
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def reader() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER_UA)


def read(article, times=1):
    browser = reader()
    for _ in range(times):
        assert browser.get(article.get_absolute_url()).status_code == 200


def shown_views(article) -> str:
    html = Client(HTTP_USER_AGENT="Googlebot/2.1").get(article.get_absolute_url()).content.decode()  # not counted
    meta = html.split('class="pt-meta"', 1)[1].split("</p>", 1)[0]
    return meta.rsplit("·", 1)[-1].strip() if "lượt xem" in meta else ""


def daily(article) -> dict:
    return dict(ArticleDailyViews.objects.filter(article=article).values_list("day", "count"))


def test_a_cached_article_read_costs_no_query_and_no_row(redis_cache, ctv):
    article = make_article(ctv, title="Một cửa liên thông ở Bình Giang")
    browser = reader()
    assert browser.get(article.get_absolute_url())["X-Portal-Cache"] == "miss"
    assert count_queries(browser, article.get_absolute_url()) == 0
    hit = browser.get(article.get_absolute_url())
    assert hit["X-Portal-Cache"] == "hit"
    assert "Một cửa liên thông ở Bình Giang" in hit.content.decode()
    assert not ArticleHit.objects.exists()  # counted in Redis, not in the database
    assert services.views_pending() == 3


def test_the_rollup_folds_the_counters_and_pages_show_the_right_count(redis_cache, ctv):
    a, b = make_article(ctv, title="Bài A"), make_article(ctv, title="Bài B")
    read(a, times=3)
    read(b, times=2)
    assert shown_views(a) == ""  # nothing folded yet
    assert services.views_rollup() == 5
    today = timezone.localdate()
    assert daily(a) == {today: 3} and daily(b) == {today: 2}
    assert shown_views(a) == "3 lượt xem"  # the rollup made the cached page stale
    read(a, times=4)
    assert services.views_rollup() == 4
    assert daily(a) == {today: 7}  # added to the day's row, not written over it
    assert shown_views(a) == "7 lượt xem"
    assert services.views_rollup() == 0
    assert services.views_pending() == 0


def test_bots_are_not_counted_with_redis_either(redis_cache, ctv):
    article = make_article(ctv)
    read(article)
    Client(HTTP_USER_AGENT="facebookexternalhit/1.1").get(article.get_absolute_url())
    Client(HTTP_USER_AGENT="").get(article.get_absolute_url())
    assert services.views_rollup() == 1


def test_views_of_another_day_are_folded_into_that_day(redis_cache, ctv, monkeypatch):
    article = make_article(ctv)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    monkeypatch.setattr(services.timezone, "localdate", lambda: yesterday)
    services.view_record_pk(article_id=article.pk, user_agent=BROWSER_UA)
    monkeypatch.undo()
    services.view_record_pk(article_id=article.pk, user_agent=BROWSER_UA)
    assert services.views_rollup() == 2
    assert daily(article) == {yesterday: 1, timezone.localdate(): 1}


def test_a_read_during_the_fold_is_kept_for_the_next_rollup(redis_cache, ctv, monkeypatch):
    article = make_article(ctv)
    read(article, times=2)
    real_add = services._add_counts

    def add_while_a_reader_comes(counts):
        services.view_record_pk(article_id=article.pk, user_agent=BROWSER_UA)  # after the day was taken
        return real_add(counts)

    monkeypatch.setattr(services, "_add_counts", add_while_a_reader_comes)
    assert services.views_rollup() == 2
    monkeypatch.undo()
    assert services.views_pending() == 1
    assert services.views_rollup() == 1
    assert daily(article) == {timezone.localdate(): 3}


def test_a_failed_database_write_loses_nothing_and_counts_nothing_twice(redis_cache, ctv, monkeypatch):
    article = make_article(ctv)
    read(article, times=2)

    def fail(counts):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_add_counts", fail)
    with pytest.raises(RuntimeError):
        services.views_rollup()
    monkeypatch.undo()
    assert not ArticleDailyViews.objects.exists()
    read(article, times=3)  # new reads meet the counters the failed rollup left aside
    assert services.views_pending() == 5
    assert services.views_rollup() == 5
    assert daily(article) == {timezone.localdate(): 5}
    assert services.views_rollup() == 0


def test_a_second_rollup_at_the_same_time_takes_nothing(redis_cache, ctv):
    article = make_article(ctv)
    read(article, times=2)
    lock = redis_cache.lock(services._key(services.LOCK_KEY), timeout=30)
    assert lock.acquire(blocking=False)  # another rollup is folding
    try:
        assert services.views_rollup() == 0
    finally:
        lock.release()
    assert services.views_rollup() == 2
    assert daily(article) == {timezone.localdate(): 2}


def test_database_hits_and_redis_counters_of_one_day_add_up(redis_cache, ctv):
    """Hits recorded before Redis was configured (or while it was down) are folded too."""
    article = make_article(ctv)
    ArticleHit.objects.create(article_id=article.pk, day=timezone.localdate())
    read(article, times=2)
    assert services.views_rollup() == 3
    assert daily(article) == {timezone.localdate(): 3}
    assert not ArticleHit.objects.exists()


def test_redis_unreachable_while_counting_falls_back_to_the_database(redis_cache, ctv, monkeypatch):
    import redis

    article = make_article(ctv)
    monkeypatch.setattr(services, "_redis", lambda: redis.Redis(port=1, socket_connect_timeout=0.2))
    assert services.view_record_pk(article_id=article.pk, user_agent=BROWSER_UA)
    assert ArticleHit.objects.filter(article=article).count() == 1


def test_the_first_read_after_a_pause_schedules_the_rollup(redis_cache, ctv, settings,
                                                           django_capture_on_commit_callbacks):
    settings.PORTAL_VIEWS_ROLLUP_SECONDS = 300
    article = make_article(ctv)
    cache.delete(services.ROLLUP_FLAG)
    with django_capture_on_commit_callbacks(execute=True):
        read(article)  # tests run tasks at once: the rollup folds the read before the response
    assert daily(article) == {timezone.localdate(): 1}
    with django_capture_on_commit_callbacks(execute=True):
        read(article)  # within the pause: waits for the next rollup
    assert services.views_pending() == 1


def test_the_stats_page_counts_what_redis_holds_as_pending(redis_cache, client, ctv, editor):
    article = make_article(ctv)
    read(article, times=4)
    client.force_login(editor)
    html = client.get("/cai-cach-hanh-chinh/bien-tap/thong-ke/").content.decode()
    assert "còn 4 lượt chưa tổng hợp" in html
