"""The public section over HTTP, as an anonymous reader: lists, article, search, feed, sharing tags."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from cchc.portal.models import Article, ArticleStatus, Contact, LegalDocument, ProcedureChange

from .conftest import BROWSER_UA, make_article

pytestmark = pytest.mark.django_db
BASE = "/cai-cach-hanh-chinh"
ATOM = "{http://www.w3.org/2005/Atom}"


def meta(html: str, prop: str) -> str:
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)"', html)
    assert found, f"thiếu {prop}"
    return found.group(1)


def test_the_home_page_shows_the_latest_news_procedures_documents_and_hotline(client, ctv):
    make_article(ctv, title="Ninh Bình đẩy mạnh dịch vụ công trực tuyến")
    make_article(ctv, title="Bản nháp chưa duyệt", status=ArticleStatus.DRAFT)
    ProcedureChange.objects.create(name="Đăng ký khai sinh", field="Hộ tịch", change="amended",
                                   deciding_document="Quyết định số 1/QĐ-UBND", decided_on=datetime.date(2025, 9, 1))
    LegalDocument.objects.create(number="76/NQ-CP", kind="Nghị quyết", title="Chương trình tổng thể CCHC",
                                 issuer="Chính phủ", issued_on=datetime.date(2021, 7, 15))
    Contact.objects.create(name="Đường dây nóng", phone="0229 3 888 999", is_hotline=True)
    html = client.get(f"{BASE}/").content.decode()
    assert "Ninh Bình đẩy mạnh dịch vụ công trực tuyến" in html
    assert "Bản nháp chưa duyệt" not in html
    assert "Đăng ký khai sinh" in html and "Sửa đổi, bổ sung" in html and "76/NQ-CP" in html
    assert 'href="tel:02293888999"' in html
    assert "<script" not in html  # no JavaScript needed
    assert "portal/portal.css" in html and "cchc/app.css" not in html  # its own layout, not the app chrome


def test_an_article_page_has_open_graph_tags_with_absolute_urls(client, ctv):
    article = make_article(ctv, title="Một cửa liên thông cấp xã", body="<p>Nội dung chi tiết.</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "og:title") == "Một cửa liên thông cấp xã"
    assert meta(html, "og:description") == "Nội dung chi tiết."
    assert meta(html, "og:url") == f"https://cchc.ninhbinh.example{BASE}/tin-tuc/mot-cua-lien-thong-cap-xa/"
    assert meta(html, "og:image").startswith("https://cchc.ninhbinh.example/static/portal/og-default")
    assert meta(html, "og:type") == "article"
    assert "<p>Nội dung chi tiết.</p>" in html


def test_an_article_with_a_cover_shares_it_and_sizes_it(client, ctv):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.portal import services

    from .conftest import image_bytes

    article = make_article(ctv, title="Bài có ảnh đại diện")
    image = services.image_add(article=article, upload=SimpleUploadedFile("a.png", image_bytes()), user=ctv)
    html = client.get(article.get_absolute_url()).content.decode()
    assert meta(html, "og:image") == f"https://cchc.ninhbinh.example{BASE}/anh/{image.pk}/"
    assert meta(html, "og:image:width") == "64"
    assert f'src="{BASE}/anh/{image.pk}/" alt="Bài có ảnh đại diện" width="64" height="48"' in html
    response = client.get(f"{BASE}/anh/{image.pk}/")
    assert response["Content-Type"] == "image/png" and "public" in response["Cache-Control"]
    listing = client.get(f"{BASE}/tin-tuc/").content.decode()
    assert 'loading="lazy"' in listing or 'loading="eager"' in listing


def test_the_list_paginates(client, ctv):
    for i in range(14):
        make_article(ctv, title=f"Tin số {i:02d}")
    first = client.get(f"{BASE}/tin-tuc/").content.decode()
    assert "Trang 1/2" in first and 'rel="next"' in first and "Tin số 13" in first and "Tin số 01" not in first
    second = client.get(f"{BASE}/tin-tuc/", {"trang": 2}).content.decode()
    assert "Tin số 01" in second and "Tin số 00" in second and 'rel="prev"' in second
    assert client.get(f"{BASE}/tin-tuc/", {"trang": "abc"}).status_code == 200


@pytest.mark.parametrize("query", ["cai cach", "CẢI CÁCH", "cải cach", "mot cua"])
def test_search_ignores_diacritics_and_case(client, ctv, query):
    make_article(ctv, title="Đẩy mạnh cải cách thủ tục một cửa")
    make_article(ctv, title="Tin về chuyển đổi số")
    html = client.get(f"{BASE}/tim-kiem/", {"q": query}).content.decode()
    assert "Đẩy mạnh cải cách thủ tục một cửa" in html
    assert "Tin về chuyển đổi số" not in html


def test_search_finds_words_in_the_body_documents_and_procedures_but_not_drafts(client, ctv):
    make_article(ctv, title="Tin A", body="Người dân đăng ký khai sinh trực tuyến.")
    make_article(ctv, title="Tin nháp", body="đăng ký khai sinh", status=ArticleStatus.DRAFT)
    ProcedureChange.objects.create(name="Đăng ký khai sinh", field="Hộ tịch", change="new",
                                   deciding_document="QĐ 1", decided_on=datetime.date(2025, 9, 1))
    html = client.get(f"{BASE}/tim-kiem/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Tin A" in html and "Tin nháp" not in html and "Ban hành mới" in html
    assert client.get(f"{BASE}/tim-kiem/", {"q": "%_"}).status_code == 200
    assert "Nhập từ khóa" in client.get(f"{BASE}/tim-kiem/").content.decode()


def test_the_feed_is_atom_with_the_published_articles(client, ctv):
    make_article(ctv, title="Tin trong nguồn tin")
    make_article(ctv, title="Nháp không vào nguồn tin", status=ArticleStatus.SUBMITTED)
    response = client.get(f"{BASE}/tin-tuc/atom.xml")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text.startswith("Tin cải cách hành chính")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Tin trong nguồn tin"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"https://cchc.ninhbinh.example{BASE}/tin-tuc/tin-trong-nguon-tin/"
    assert entries[0].find(f"{ATOM}updated") is not None and entries[0].find(f"{ATOM}id") is not None
    assert '<link rel="alternate" type="application/atom+xml"' in client.get(f"{BASE}/").content.decode()


def test_document_and_procedure_lists_filter(client):
    LegalDocument.objects.create(number="76/NQ-CP", kind="Nghị quyết", title="Chương trình tổng thể",
                                 issuer="Chính phủ", issued_on=datetime.date(2021, 7, 15), level="central")
    LegalDocument.objects.create(number="148/KH-UBND", kind="Kế hoạch", title="CCHC năm 2026",
                                 issuer="UBND tỉnh", issued_on=datetime.date(2025, 12, 3), level="provincial")
    html = client.get(f"{BASE}/van-ban/", {"cap": "tinh"}).content.decode()
    assert "148/KH-UBND" in html and "76/NQ-CP" not in html
    html = client.get(f"{BASE}/van-ban/", {"q": "chuong trinh tong the"}).content.decode()
    assert "76/NQ-CP" in html and "148/KH-UBND" not in html
    for change in ("new", "abolished"):
        ProcedureChange.objects.create(name=f"Thủ tục {change}", field="Hộ tịch", change=change,
                                       deciding_document="QĐ", decided_on=datetime.date(2025, 9, 1))
    html = client.get(f"{BASE}/thu-tuc-hanh-chinh/", {"loai": "bai-bo"}).content.decode()
    assert "Thủ tục abolished" in html and "Thủ tục new" not in html


def test_guides_and_contacts(client):
    from cchc.portal import services
    from cchc.portal.models import ServiceGuide

    guide = services.guide_save(guide=ServiceGuide(title="Nộp hồ sơ trực tuyến", summary="Các bước"),
                                body="<ol><li>Đăng nhập</li></ol><script>x</script>")
    assert guide.slug == "nop-ho-so-truc-tuyen" and "<script" not in guide.body
    html = client.get(f"{BASE}/dich-vu-cong/nop-ho-so-truc-tuyen/").content.decode()
    assert "<li>Đăng nhập</li>" in html
    Contact.objects.create(name="Phòng Kiểm soát TTHC", address="Phường Hoa Lư", email="kstthc@example.vn")
    html = client.get(f"{BASE}/lien-he/").content.decode()
    assert "Phòng Kiểm soát TTHC" in html and "mailto:kstthc@example.vn" in html


def test_a_published_articles_time_is_aware_and_shown_in_vietnam_time(client, ctv):
    article = make_article(ctv, title="Giờ xuất bản")
    Article.objects.filter(pk=article.pk).update(
        published_at=datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC))
    assert timezone.is_aware(Article.objects.get(pk=article.pk).published_at)
    assert "08:30 01/03/2026" in client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()


def test_search_counts_at_most_the_cap(client, ctv, monkeypatch):
    from cchc.portal.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for i in range(5):
        make_article(ctv, title=f"Một cửa điện tử {i}")
    html = client.get(f"{BASE}/tim-kiem/", {"q": "mot cua"}).content.decode()
    assert "Tin tức (hơn 3)" in html and "Một cửa điện tử 4" in html
    html = client.get(f"{BASE}/tim-kiem/", {"q": "mot cua dien tu 2"}).content.decode()
    assert "Tin tức (1)" in html
