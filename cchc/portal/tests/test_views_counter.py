"""Interest: one tiny INSERT per view (no IP, no cookie), folded into daily counts by the rollup."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from cchc.portal import services
from cchc.portal.models import ArticleDailyViews, ArticleHit, ArticleStatus

from .conftest import BROWSER_UA, make_article

pytestmark = pytest.mark.django_db


def read(client, article, ua=BROWSER_UA, times=1):
    for _ in range(times):
        assert client.get(article.get_absolute_url(), HTTP_USER_AGENT=ua).status_code == 200


def test_each_view_is_one_row_with_only_the_article_and_the_day(client, ctv):
    article = make_article(ctv)
    read(client, article, times=3)
    hits = list(ArticleHit.objects.values())
    assert len(hits) == 3
    assert set(hits[0]) == {"id", "article_id", "day"}  # nothing personal is stored
    assert hits[0]["day"] == timezone.localdate()
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies


@pytest.mark.parametrize("ua", [
    "Googlebot/2.1 (+http://www.google.com/bot.html)", "facebookexternalhit/1.1", "Zalo-Preview/1.0",
    "curl/8.5.0", "python-requests/2.32", "",
])
def test_bots_and_link_previews_are_not_counted(client, ctv, ua):
    read(client, make_article(ctv), ua=ua)
    assert not ArticleHit.objects.exists()


def test_editors_and_authors_previews_are_not_counted(client, ctv, editor):
    article = make_article(ctv)
    client.force_login(editor)
    read(client, article)
    client.force_login(ctv)
    read(client, article)
    submitted = make_article(ctv, title="Chờ duyệt", status=ArticleStatus.SUBMITTED)
    client.force_login(editor)
    html = client.get(submitted.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Bản xem trước" in html
    assert not ArticleHit.objects.exists()


def test_the_rollup_folds_hits_into_one_row_per_article_and_day(client, ctv):
    a, b = make_article(ctv, title="Bài A"), make_article(ctv, title="Bài B")
    read(client, a, times=3)
    read(client, b, times=2)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ArticleHit.objects.create(article_id=a.pk, day=yesterday)
    assert services.views_rollup() == 6
    assert not ArticleHit.objects.exists()
    counts = {(r.article_id, r.day): r.count for r in ArticleDailyViews.objects.all()}
    assert counts == {(a.pk, timezone.localdate()): 3, (b.pk, timezone.localdate()): 2, (a.pk, yesterday): 1}
    read(client, a, times=2)
    call_command("portal_rollup_views", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ArticleDailyViews.objects.get(article=a, day=timezone.localdate()).count == 5
    assert services.views_rollup() == 0
    assert "6 lượt xem" in client.get(a.get_absolute_url(), HTTP_USER_AGENT="bot").content.decode()


def test_hits_of_a_deleted_article_are_dropped(client, ctv):
    article = make_article(ctv)
    read(client, article)
    ArticleHit.objects.create(article_id=999_999, day=timezone.localdate())
    assert services.views_rollup() == 1
    assert not ArticleHit.objects.exists()


def test_the_first_view_after_a_pause_schedules_the_rollup(client, ctv, settings,
                                                           django_capture_on_commit_callbacks):
    settings.PORTAL_VIEWS_ROLLUP_SECONDS = 300
    cache.delete("portal:views-rollup")
    article = make_article(ctv)
    # Tests run tasks at once: the rollup has folded the first hit when the response returns.
    with django_capture_on_commit_callbacks(execute=True):
        read(client, article)
    assert ArticleDailyViews.objects.get(article=article).count == 1
    read(client, article)  # within the pause: waits for the next rollup
    assert ArticleHit.objects.count() == 1
    cache.delete("portal:views-rollup")


def test_the_stats_page_shows_the_most_read_and_the_trend(client, ctv, editor):
    popular, quiet = make_article(ctv, title="Bài đọc nhiều"), make_article(ctv, title="Bài ít người đọc")
    today = timezone.localdate()
    ArticleDailyViews.objects.create(article=popular, day=today, count=120)
    ArticleDailyViews.objects.create(article=popular, day=today - datetime.timedelta(days=3), count=80)
    ArticleDailyViews.objects.create(article=quiet, day=today, count=7)
    ArticleDailyViews.objects.create(article=quiet, day=today - datetime.timedelta(days=20), count=500)
    client.force_login(editor)
    html = client.get("/cai-cach-hanh-chinh/bien-tap/thong-ke/", {"ky": 7}).content.decode()
    assert html.index(">Bài đọc nhiều<") < html.index(">Bài ít người đọc<")
    assert "<strong>207</strong> lượt xem" in html
    assert html.count("<rect ") == 7 and "<svg" in html
    # SVG numbers use a decimal point whatever the locale ("102,9" would be no bar at all).
    bars = re.findall(r'<rect x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"', html)
    assert len(bars) == 7 and all(re.fullmatch(r"[0-9.]+", v) for bar in bars for v in bar)
    assert max(float(bar[3]) for bar in bars) == 180.0
    month = client.get("/cai-cach-hanh-chinh/bien-tap/thong-ke/", {"ky": 30}).content.decode()
    assert month.index(">Bài ít người đọc<") < month.index(">Bài đọc nhiều<")
    assert month.count("<rect ") == 30
    assert client.get("/cai-cach-hanh-chinh/bien-tap/thong-ke/", {"ky": "x"}).status_code == 200
