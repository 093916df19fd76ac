"""Draft → submitted → returned / published → unpublished → archived, audited, with the signal."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from cchc.plans.models import Notification
from cchc.portal import services
from cchc.portal.models import Article, ArticleStatus
from cchc.portal.signals import article_published

from .conftest import make_article

pytestmark = pytest.mark.django_db
WS = "/cai-cach-hanh-chinh/bien-tap"


@pytest.fixture
def received():
    calls = []

    def receiver(sender, article, **kwargs):
        calls.append((sender, article))

    article_published.connect(receiver, dispatch_uid="test-portal-received")
    yield calls
    article_published.disconnect(dispatch_uid="test-portal-received")


def test_the_collaborator_writes_and_submits_and_the_editor_publishes_over_http(client, ctv, editor, received):
    client.force_login(ctv)
    response = client.post(f"{WS}/bai-viet/moi/", {
        "title": "Một cửa xã Bình Giang", "body": "Đoạn một.\n\nĐoạn hai.", "unit": str(ctv.memberships.first().unit_id),
    })
    article = Article.objects.get(title="Một cửa xã Bình Giang")
    assert response.status_code == 302 and article.status == ArticleStatus.DRAFT
    assert article.slug == "mot-cua-xa-binh-giang" and article.body == "<p>Đoạn một.</p><p>Đoạn hai.</p>"
    assert article.summary == "" and article.excerpt == "Đoạn một. Đoạn hai."
    client.post(f"{WS}/bai-viet/{article.pk}/submit/")
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.SUBMITTED

    client.force_login(editor)
    response = client.post(f"{WS}/bai-viet/{article.pk}/publish/", {"record_as_activity": "on"})
    article.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert article.status == ArticleStatus.PUBLISHED and article.published_at and article.published_by == editor
    assert article.record_as_activity is True
    [(sender, sent)] = received
    assert sender is Article and sent.pk == article.pk and sent.unit.code == "37.BAO" and sent.author == ctv
    assert Notification.objects.filter(user=ctv, text__contains="đã được xuất bản").exists()


def test_the_editor_may_publish_without_recording_an_activity(client, ctv, editor, received):
    article = make_article(ctv, status=ArticleStatus.SUBMITTED)
    client.force_login(editor)
    client.post(f"{WS}/bai-viet/{article.pk}/publish/", {})  # checkbox left unticked
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.record_as_activity is False
    assert received[0][1].record_as_activity is False


def test_returning_needs_a_comment_and_the_author_sees_it(client, ctv, editor):
    article = make_article(ctv, status=ArticleStatus.SUBMITTED)
    client.force_login(editor)
    response = client.post(f"{WS}/bai-viet/{article.pk}/return/", {"note": ""}, follow=True)
    assert "Hãy ghi ý kiến" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.SUBMITTED
    client.post(f"{WS}/bai-viet/{article.pk}/return/", {"note": "Bổ sung số liệu quý III."})
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.RETURNED
    client.force_login(ctv)
    page = client.get(f"{WS}/bai-viet/{article.pk}/").content.decode()
    assert "Bổ sung số liệu quý III." in page and "Gửi duyệt" in page
    assert Notification.objects.filter(user=ctv, text__contains="Bổ sung số liệu").exists()


def test_a_double_publish_is_refused_with_a_message_and_sends_the_signal_once(client, ctv, editor, received):
    article = make_article(ctv, status=ArticleStatus.SUBMITTED)
    client.force_login(editor)
    client.post(f"{WS}/bai-viet/{article.pk}/publish/", {"record_as_activity": "on"})
    first = Article.objects.get(pk=article.pk).published_at
    response = client.post(f"{WS}/bai-viet/{article.pk}/publish/", {"record_as_activity": "on"}, follow=True)
    assert "Bài viết đã được xuất bản." in response.content.decode()
    assert Article.objects.get(pk=article.pk).published_at == first
    assert len(received) == 1


def test_a_draft_cannot_be_published_before_it_is_submitted(ctv, editor):
    article = make_article(ctv, status=ArticleStatus.DRAFT)
    with pytest.raises(ValidationError, match="Bản nháp"):
        services.article_publish(article=article, user=editor)


def test_an_empty_article_cannot_be_submitted(ctv):
    article = make_article(ctv, body="", status=ArticleStatus.DRAFT)
    with pytest.raises(ValidationError, match="chưa có nội dung"):
        services.article_submit(article=article, user=ctv)
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_unpublish_hides_and_republish_keeps_the_first_date_and_the_address(client, ctv, editor):
    article = make_article(ctv, title="Tin sẽ gỡ")
    url, first = article.get_absolute_url(), article.published_at
    client.force_login(editor)
    client.post(f"{WS}/bai-viet/{article.pk}/unpublish/")
    client.logout()
    assert client.get(url).status_code == 404
    services.article_save(user=editor, unit=article.unit, title="Tin đã sửa tiêu đề", body="Mới",
                          article=Article.objects.get(pk=article.pk))
    services.article_publish(article=Article.objects.get(pk=article.pk), user=editor)
    again = Article.objects.get(pk=article.pk)
    assert again.published_at == first and again.get_absolute_url() != ""
    assert client.get(again.get_absolute_url()).status_code == 200


def test_every_step_is_audited_with_the_actor(client, ctv, editor):
    client.force_login(ctv)
    client.post(f"{WS}/bai-viet/moi/", {"title": "Bài kiểm toán", "body": "Nội dung",
                                         "unit": str(ctv.memberships.first().unit_id)})
    article = Article.objects.get(title="Bài kiểm toán")
    client.post(f"{WS}/bai-viet/{article.pk}/submit/")
    client.force_login(editor)
    client.post(f"{WS}/bai-viet/{article.pk}/publish/", {"record_as_activity": "on"})
    entries = LogEntry.objects.get_for_object(article).order_by("timestamp")
    statuses = [(e.actor.username, e.changes_dict.get("status")) for e in entries if "status" in e.changes_dict]
    assert statuses[-2][0] == "ctv.bao" and statuses[-2][1][1] in ("submitted", "Chờ biên tập")
    assert statuses[-1][0] == "bientap" and statuses[-1][1][1] in ("published", "Đã xuất bản")
    page = client.get(f"{WS}/bai-viet/{article.pk}/").content.decode()
    assert "Lịch sử" in page and "Ngô Thị Hương" in page


def test_publishing_records_the_activity_of_the_authors_unit_when_comms_listens(client, ctv, editor):
    comms = pytest.importorskip("cchc.comms.models")
    article = make_article(ctv, title="Tin ghi vào sổ hoạt động", status=ArticleStatus.SUBMITTED)
    client.force_login(editor)
    client.post(f"{WS}/bai-viet/{article.pk}/publish/", {"record_as_activity": "on"})
    activity = comms.Activity.objects.get(source_key=f"portal.article:{article.pk}")
    assert activity.unit.code == "37.BAO" and activity.title == "Tin ghi vào sổ hoạt động"
    assert activity.link.endswith(Article.objects.get(pk=article.pk).get_absolute_url())
