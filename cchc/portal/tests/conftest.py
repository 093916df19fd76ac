"""Shared set-up of the portal tests: media in a temp dir, a tiny named cast, article helpers."""

import io

import pytest
from PIL import Image

from cchc.orgs import services as org_services
from cchc.orgs.models import Role, Unit, User
from cchc.portal import services
from cchc.portal.models import Article, ArticleStatus

BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://cchc.ninhbinh.example"
    # The automatic rollup is tested on its own; elsewhere hits stay pending until a test folds them.
    settings.PORTAL_VIEWS_ROLLUP_SECONDS = 0
    from django.core.cache import cache

    cache.clear()  # the home page keeps its "most read" list for a few minutes


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def cast(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def ctv():
    return cast("ctv.bao")


@pytest.fixture
def editor():
    return cast("bientap")


@pytest.fixture
def other_ctv(db):
    """A second collaborator of the same newspaper: must not see ctv.bao's drafts."""
    person = User.objects.filter(username="ctv.khac").first()
    if person is None:
        person = org_services.person_create(
            username="ctv.khac", full_name="Lương Văn Khải", email="", password="Mat-khau-thu-2025",
            unit=Unit.objects.get(code="37.BAO"), role=Role.COLLABORATOR,
        )
    return person


def make_article(author, *, title="Tin cải cách hành chính", body="Nội dung đầy đủ của bài viết.",
                 status=ArticleStatus.PUBLISHED, editor=None, unit=None) -> Article:
    unit = unit or author.memberships.first().unit
    article = services.article_save(user=author, unit=unit, title=title, body=body)
    if status == ArticleStatus.DRAFT:
        return article
    services.article_submit(article=article, user=author)
    if status == ArticleStatus.SUBMITTED:
        return Article.objects.get(pk=article.pk)
    article = services.article_publish(article=article, user=editor or User.objects.get(username="bientap"))
    return article
