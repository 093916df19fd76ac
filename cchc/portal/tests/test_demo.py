"""The demo content loads through the services, once: a second run adds nothing."""

import pytest

from cchc.portal.demo import load_demo
from cchc.portal.models import Article, ArticleDailyViews, ArticleStatus, Contact, LegalDocument, ProcedureChange

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_realistic(client):
    first = load_demo()
    assert "12 bài viết" in first
    counts = (Article.objects.count(), LegalDocument.objects.count(), ProcedureChange.objects.count(),
              Contact.objects.count(), ArticleDailyViews.objects.count())
    assert "0 bài viết, 0 văn bản, 0 thủ tục, 0 hướng dẫn, 0 liên hệ mới" in load_demo()
    assert counts == (Article.objects.count(), LegalDocument.objects.count(), ProcedureChange.objects.count(),
                      Contact.objects.count(), ArticleDailyViews.objects.count())
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED, cover__isnull=False).count() == 12
    assert LegalDocument.objects.filter(number="76/NQ-CP", issued_on__year=2021, issued_on__month=7).exists()
    assert LegalDocument.objects.filter(number__in=["30/2020/NĐ-CP", "118/2025/NĐ-CP", "148/KH-UBND"]).count() == 3
    assert set(ProcedureChange.objects.values_list("change", flat=True)) == {"new", "amended", "replaced", "abolished"}
    assert Contact.objects.filter(is_hotline=True).exists()
    html = client.get("/cai-cach-hanh-chinh/tim-kiem/", {"q": "mot cua cap xa"}).content.decode()
    assert "Bộ phận Một cửa cấp xã sau sắp xếp" in html
