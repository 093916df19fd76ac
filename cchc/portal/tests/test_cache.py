"""The public page cache: anonymous readers get cached pages, still counted; editors see live pages;
a publish or any content change shows at once."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.portal import services
from cchc.portal.models import ArticleHit, ArticleStatus, Contact

from .conftest import BROWSER_UA, make_article

pytestmark = pytest.mark.django_db


def get(client, url):
    response = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 200
    return response


def test_second_anonymous_read_of_an_article_is_cached_and_still_counted(client, ctv):
    article = make_article(ctv, title="Một cửa liên thông ở Bình Giang")
    first = get(client, article.get_absolute_url())
    assert first["X-Portal-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = get(client, article.get_absolute_url())
    assert second["X-Portal-Cache"] == "hit"
    assert "Một cửa liên thông ở Bình Giang" in second.content.decode()
    # The cached page costs one INSERT: the view it counts.
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]
    assert ArticleHit.objects.filter(article=article).count() == 2


def test_bots_reading_a_cached_page_are_not_counted(client, ctv):
    article = make_article(ctv)
    get(client, article.get_absolute_url())
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    assert ArticleHit.objects.count() == 1


@pytest.mark.parametrize("url", [
    "/cai-cach-hanh-chinh/", "/cai-cach-hanh-chinh/tin-tuc/", "/cai-cach-hanh-chinh/van-ban/",
    "/cai-cach-hanh-chinh/thu-tuc-hanh-chinh/", "/cai-cach-hanh-chinh/dich-vu-cong/",
    "/cai-cach-hanh-chinh/lien-he/", "/cai-cach-hanh-chinh/tim-kiem/?q=cai+cach",
    "/cai-cach-hanh-chinh/tien-do-ke-hoach/",
])
def test_every_public_page_is_served_from_the_cache_without_queries(client, ctv, url):
    make_article(ctv)
    assert get(client, url)["X-Portal-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        page = get(client, url)
    assert page["X-Portal-Cache"] == "hit"
    assert len(ctx.captured_queries) == 0
    assert "csrfmiddlewaretoken" not in page.content.decode()  # only GET forms on public pages


def test_a_publish_shows_on_the_home_page_at_once(client, ctv, editor):
    make_article(ctv, title="Tin cũ về chuyển đổi số")
    get(client, "/cai-cach-hanh-chinh/")
    assert get(client, "/cai-cach-hanh-chinh/")["X-Portal-Cache"] == "hit"
    draft = make_article(ctv, title="Tin mới: trả kết quả tại nhà", status=ArticleStatus.SUBMITTED)
    assert "Tin mới: trả kết quả tại nhà" not in get(client, "/cai-cach-hanh-chinh/").content.decode()
    services.article_publish(article=draft, user=editor)
    home = get(client, "/cai-cach-hanh-chinh/")
    assert home["X-Portal-Cache"] == "miss"
    assert "Tin mới: trả kết quả tại nhà" in home.content.decode()


def test_an_unpublished_article_is_gone_at_once_and_not_counted(client, ctv, editor):
    article = make_article(ctv)
    get(client, article.get_absolute_url())
    services.article_unpublish(article=article, user=editor)
    assert client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).status_code == 404
    assert ArticleHit.objects.count() == 1


def test_other_content_changes_invalidate(client, ctv):
    get(client, "/cai-cach-hanh-chinh/lien-he/")
    Contact.objects.create(name="Đường dây nóng Sở Tư pháp", phone="0229 3871 234", is_hotline=True)
    assert "Đường dây nóng Sở Tư pháp" in get(client, "/cai-cach-hanh-chinh/lien-he/").content.decode()


def test_a_signed_in_editor_sees_live_pages(client, ctv, editor):
    make_article(ctv)
    get(client, "/cai-cach-hanh-chinh/")  # cached for anonymous readers
    client.force_login(editor)
    page = get(client, "/cai-cach-hanh-chinh/")
    assert "X-Portal-Cache" not in page
    assert "Khu vực biên tập" in page.content.decode()
    client.logout()
    assert "Khu vực biên tập" not in get(client, "/cai-cach-hanh-chinh/").content.decode()


def test_plan_progress_page_is_kept_one_minute_and_says_so(client, ctv, monkeypatch):
    from cchc.portal import cache as page_cache

    stored = {}
    real_set = page_cache.cache.set

    def spy(key, value, timeout=None):
        stored[key] = timeout
        return real_set(key, value, timeout)

    monkeypatch.setattr(page_cache.cache, "set", spy)
    get(client, "/cai-cach-hanh-chinh/tien-do-ke-hoach/")
    assert list(stored.values()) == [60]
    # Content changes do not touch it (not versioned): only its minute does.
    assert all(key.startswith("portal:page:0:") for key in stored)


def test_plan_progress_template_says_figures_refresh_every_minute():
    from django.template.loader import get_template

    assert "cập nhật mỗi phút" in get_template("portal/accountability.html").template.source


def test_query_count_of_a_cached_home_page_is_flat(client, ctv):
    for i in range(3):
        make_article(ctv, title=f"Tin số {i}")
    get(client, "/cai-cach-hanh-chinh/")
    with CaptureQueriesContext(connection) as small:
        get(client, "/cai-cach-hanh-chinh/")
    for i in range(3, 15):
        make_article(ctv, title=f"Tin số {i}")
    get(client, "/cai-cach-hanh-chinh/")
    with CaptureQueriesContext(connection) as large:
        get(client, "/cai-cach-hanh-chinh/")
    assert len(small.captured_queries) == len(large.captured_queries) == 0


@pytest.mark.parametrize("url", ["/cai-cach-hanh-chinh/tin-tuc/", "/cai-cach-hanh-chinh/tim-kiem/?q=cai+cach"])
def test_an_anonymous_reader_with_a_csrf_cookie_gets_the_cached_page(client, ctv, url):
    """A reader who once opened the login page carries a csrftoken cookie: still anonymous, still
    served from the cache, without a query."""
    make_article(ctv)
    get(client, url)
    client.cookies["csrftoken"] = "x" * 32
    with CaptureQueriesContext(connection) as ctx:
        page = get(client, url)
    assert page["X-Portal-Cache"] == "hit"
    assert len(ctx.captured_queries) == 0
    assert "csrftoken" not in page.cookies  # the cached page sets no cookie of its own


def test_an_anonymous_reader_with_a_stale_session_cookie_gets_the_cached_page(client, ctv):
    """A session cookie left from an expired sign-in: the session is looked up (one query, to know
    the reader is nobody) and the page still comes from the cache."""
    article = make_article(ctv)
    get(client, "/cai-cach-hanh-chinh/tin-tuc/")
    client.cookies["sessionid"] = "khong-con-phien-nao-nhu-vay-0123456"
    with CaptureQueriesContext(connection) as ctx:
        page = get(client, "/cai-cach-hanh-chinh/tin-tuc/")
    assert page["X-Portal-Cache"] == "hit"
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT"]
    assert article.title in page.content.decode()


def test_a_page_that_sets_a_cookie_is_never_stored(client, ctv, monkeypatch):
    """Whatever sets a cookie (a CSRF token, a message) belongs to one reader: not cached."""
    from django.middleware.csrf import get_token

    from cchc.portal import views

    real = views._render

    def with_token(request, *args, **kwargs):
        get_token(request)
        return real(request, *args, **kwargs)

    monkeypatch.setattr(views, "_render", with_token)
    assert "X-Portal-Cache" not in get(client, "/cai-cach-hanh-chinh/lien-he/")
    assert "X-Portal-Cache" not in get(client, "/cai-cach-hanh-chinh/lien-he/")
