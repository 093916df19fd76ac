"""Who may do what, from the outside over HTTP: 404 when not to be seen, 403 when seen but not allowed."""

import datetime

import pytest

from cchc.portal.models import Article, ArticleStatus, LegalDocument

from .conftest import cast, make_article

pytestmark = pytest.mark.django_db
BASE = "/cai-cach-hanh-chinh"
WS = f"{BASE}/bien-tap"


def test_a_draft_is_404_for_the_public_and_for_another_collaborator(client, ctv, other_ctv, editor):
    draft = make_article(ctv, title="Bản nháp riêng", status=ArticleStatus.DRAFT)
    client.force_login(ctv)  # the author may preview it (shared setup proves the URL works)
    assert client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(other_ctv)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"{WS}/bai-viet/{draft.pk}/").status_code == 404
    assert client.post(f"{WS}/bai-viet/{draft.pk}/submit/").status_code == 404
    assert "Bản nháp riêng" not in client.get(f"{WS}/").content.decode()
    client.force_login(editor)  # an editor sees drafts only once submitted
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"{WS}/bai-viet/{draft.pk}/").status_code == 404


def test_a_collaborator_sees_only_their_own_articles_even_when_submitted(client, ctv, other_ctv):
    mine = make_article(ctv, title="Bài của tôi", status=ArticleStatus.SUBMITTED)
    theirs = make_article(other_ctv, title="Bài của người khác", status=ArticleStatus.SUBMITTED)
    client.force_login(ctv)
    html = client.get(f"{WS}/", {"trang-thai": ""}).content.decode()
    assert "Bài của tôi" in html and "Bài của người khác" not in html
    assert client.get(f"{WS}/bai-viet/{mine.pk}/").status_code == 200
    assert client.get(f"{WS}/bai-viet/{theirs.pk}/").status_code == 404


def test_a_collaborator_may_not_publish_return_or_edit_after_submitting(client, ctv):
    article = make_article(ctv, status=ArticleStatus.SUBMITTED)
    client.force_login(ctv)
    for action in ("publish", "return", "unpublish", "archive"):
        assert client.post(f"{WS}/bai-viet/{article.pk}/{action}/", {"note": "x"}).status_code == 403
    response = client.post(f"{WS}/bai-viet/{article.pk}/", {"title": "Sửa lén", "body": "x",
                                                            "unit": str(article.unit_id)})
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.SUBMITTED
    assert Article.objects.get(pk=article.pk).title != "Sửa lén"


def test_the_editor_pages_are_for_editors(client, ctv, editor):
    client.force_login(editor)
    assert client.get(f"{WS}/thong-ke/").status_code == 200
    assert client.get(f"{WS}/van-ban/").status_code == 200
    client.force_login(ctv)
    for url in (f"{WS}/thong-ke/", f"{WS}/van-ban/", f"{WS}/thu-tuc/moi/", f"{WS}/huong-dan/", f"{WS}/lien-he/"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"{WS}/khong-co/").status_code == 403  # refused before the kind is even looked at


def test_people_outside_the_network_are_refused_and_visitors_are_sent_to_log_in(client):
    client.force_login(cast("canbo.phuly"))
    assert client.get(f"{WS}/").status_code == 403
    assert client.get(f"{WS}/bai-viet/moi/").status_code == 403
    assert client.get(f"{BASE}/").status_code == 200  # the public section stays open to them
    client.logout()
    response = client.get(f"{WS}/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_coordinator_may_write_and_publish(client, ctv):
    article = make_article(ctv, status=ArticleStatus.SUBMITTED)
    client.force_login(cast("dieuphoi"))
    response = client.post(f"{WS}/bai-viet/{article.pk}/publish/", {"record_as_activity": "on"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_an_editor_keeps_the_legal_documents_with_clear_errors(client, editor):
    client.force_login(editor)
    response = client.post(f"{WS}/van-ban/moi/", {"kind": "Nghị định", "number": "118/2025/NĐ-CP", "title": "Một cửa",
                                                  "issuer": "Chính phủ", "issued_on": "31/02/2025", "level": "central",
                                                  "is_public": "on"})
    assert response.status_code == 200 and "Nhập một ngày hợp lệ" in response.content.decode()
    assert not LegalDocument.objects.exists()
    response = client.post(f"{WS}/van-ban/moi/", {"kind": "Nghị định", "number": "118/2025/NĐ-CP", "title": "Một cửa",
                                                  "issuer": "Chính phủ", "issued_on": "09/06/2025", "level": "central",
                                                  "url": "vanban.chinhphu.vn/118", "is_public": "on"})
    assert response.status_code == 302
    document = LegalDocument.objects.get()
    assert document.issued_on == datetime.date(2025, 6, 9) and document.url == "https://vanban.chinhphu.vn/118"
    assert "118/2025/NĐ-CP" in client.get(f"{BASE}/van-ban/").content.decode()


def test_a_procedure_replacement_needs_the_replaced_procedure(client, editor):
    client.force_login(editor)
    data = {"name": "Đăng ký kết hôn", "field": "Hộ tịch", "change": "replaced", "level": "commune",
            "deciding_document": "Quyết định số 1/QĐ-UBND", "decided_on": "08/10/2025"}
    response = client.post(f"{WS}/thu-tuc/moi/", data)
    assert "Hãy ghi tên thủ tục bị thay thế." in response.content.decode()
    response = client.post(f"{WS}/thu-tuc/moi/", {**data, "replaces": "Đăng ký kết hôn (cấp huyện)"})
    assert response.status_code == 302
