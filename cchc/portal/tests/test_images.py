"""Images are checked by their content, limited in size, and re-encoded; bad files get a clear message."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cchc.portal.models import Article, ArticleImage

from .conftest import image_bytes

pytestmark = pytest.mark.django_db
NEW = "/cai-cach-hanh-chinh/bien-tap/bai-viet/moi/"


def post_article(client, ctv, upload):
    client.force_login(ctv)
    return client.post(NEW, {"title": "Bài có ảnh", "body": "Nội dung", "unit": str(ctv.memberships.first().unit_id),
                             "image": upload, "image_alt": "Quầy một cửa"})


def test_a_png_is_accepted_reencoded_and_becomes_the_cover(client, ctv):
    response = post_article(client, ctv, SimpleUploadedFile("anh.png", image_bytes("PNG"), "image/png"))
    assert response.status_code == 302
    article = Article.objects.get(title="Bài có ảnh")
    assert article.cover.width == 64 and article.cover.height == 48
    assert article.cover.content_type == "image/png" and article.cover.alt == "Quầy một cửa"


def test_a_jpeg_loses_its_exif_and_a_wide_one_is_scaled_down(client, ctv):
    image = Image.new("RGB", (2400, 1200), (10, 80, 140))
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh có GPS"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    post_article(client, ctv, SimpleUploadedFile("anh.jpg", out.getvalue(), "image/jpeg"))
    stored = ArticleImage.objects.get(article__title="Bài có ảnh")
    assert (stored.width, stored.height) == (1600, 800)
    with stored.file.open("rb") as handle, Image.open(handle) as reopened:
        assert not reopened.getexif()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("anh.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "không phải là ảnh hợp lệ"),
    ("anh.png", image_bytes("PNG")[:60], "không phải là ảnh hợp lệ"),
    ("anh.gif", image_bytes("GIF"), "chỉ nhận JPEG, PNG hoặc WebP"),
    ("anh.jpg", b"", "rỗng"),
])
def test_a_file_that_is_not_an_accepted_image_is_refused_and_nothing_is_saved(client, ctv, name, data, message):
    response = post_article(client, ctv, SimpleUploadedFile(name, data, "image/jpeg"))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.filter(title="Bài có ảnh").exists()
    assert not ArticleImage.objects.exists()


def test_an_image_over_the_limit_is_refused(client, ctv, settings):
    settings.PORTAL_IMAGE_MAX_BYTES = 1024 * 1024
    big = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))  # noise does not compress
    out = io.BytesIO()
    big.save(out, "PNG")
    assert len(out.getvalue()) > 1024 * 1024
    response = post_article(client, ctv, SimpleUploadedFile("to.png", out.getvalue(), "image/png"))
    assert "Ảnh quá lớn" in response.content.decode() and "tối đa 1 MB" in response.content.decode()
    assert not Article.objects.filter(title="Bài có ảnh").exists()


def test_an_unpublished_articles_image_is_private(client, ctv):
    post_article(client, ctv, SimpleUploadedFile("anh.png", image_bytes("PNG"), "image/png"))
    image = ArticleImage.objects.get(article__title="Bài có ảnh")
    assert client.get(image.get_absolute_url()).status_code == 200  # the author
    client.logout()
    assert client.get(image.get_absolute_url()).status_code == 404
