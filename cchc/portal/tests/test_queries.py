"""Page cost does not grow with the data: the same number of queries at 3 and at 30 articles."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.portal import services
from cchc.portal.models import ArticleDailyViews, Contact, LegalDocument, ProcedureChange
from cchc.test import count_queries

from .conftest import BROWSER_UA, image_bytes, make_article

pytestmark = pytest.mark.django_db
BASE = "/cai-cach-hanh-chinh"


def grow(author, n: int, start: int) -> None:
    today = timezone.localdate()
    for i in range(start, start + n):
        article = make_article(author, title=f"Cải cách hành chính tin {i}")
        services.image_add(article=article, upload=SimpleUploadedFile("a.png", image_bytes()), user=author)
        ArticleDailyViews.objects.create(article=article, day=today - datetime.timedelta(days=i % 5), count=i + 1)
        LegalDocument.objects.create(number=f"{i}/QĐ-UBND", kind="Quyết định", title="Cải cách hành chính",
                                     issuer="UBND tỉnh", issued_on=datetime.date(2025, 1, 1) + datetime.timedelta(i))
        ProcedureChange.objects.create(name=f"Thủ tục cải cách {i}", field="Hộ tịch", change="new",
                                       deciding_document="QĐ", decided_on=datetime.date(2025, 1, 1))
        Contact.objects.create(name=f"Đầu mối {i}", phone="0229", is_hotline=i % 2 == 0)


def costs(client, article_url: str) -> dict[str, int]:
    client.get(f"{BASE}/tin-tuc/")  # the province name is cached for an hour; measure without it
    return {
        "home": count_queries(client, f"{BASE}/"),
        "list": count_queries(client, f"{BASE}/tin-tuc/"),
        "article": count_queries(client, article_url),
        "search": count_queries(client, f"{BASE}/tim-kiem/", q="cai cach"),
        "feed": count_queries(client, f"{BASE}/tin-tuc/atom.xml"),
        "documents": count_queries(client, f"{BASE}/van-ban/"),
        "procedures": count_queries(client, f"{BASE}/thu-tuc-hanh-chinh/"),
        "contacts": count_queries(client, f"{BASE}/lien-he/"),
    }


def test_public_pages_cost_the_same_at_two_sizes(client, ctv):
    client.defaults["HTTP_USER_AGENT"] = BROWSER_UA
    grow(ctv, 3, 0)
    url = make_article(ctv, title="Bài đo").get_absolute_url()
    small = costs(client, url)
    grow(ctv, 27, 3)
    cache.clear()  # measure the home page with its "most read" list computed, as after a rollup
    large = costs(client, url)
    assert small == large
    # home: latest teasers, most read (2), procedures, documents, guides, hotline
    assert large["home"] <= 8
    # article: the article, the view INSERT, related teasers, its view total
    assert large["article"] <= 5


def test_workspace_pages_cost_the_same_at_two_sizes(client, ctv, editor):
    grow(ctv, 3, 0)
    client.force_login(editor)
    small = [count_queries(client, f"{BASE}/bien-tap/", **{"trang-thai": ""}),
             count_queries(client, f"{BASE}/bien-tap/thong-ke/")]
    grow(ctv, 27, 3)
    large = [count_queries(client, f"{BASE}/bien-tap/", **{"trang-thai": ""}),
             count_queries(client, f"{BASE}/bien-tap/thong-ke/")]
    assert small == large
