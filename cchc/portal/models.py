"""The public "Cải cách hành chính" section: news, legal documents, procedure changes, guides to
online public services, contacts — and the view counts that measure interest in it.

Every searchable model keeps a `search_text` column: the folded (lower-case, no diacritics, đ → d)
text of its fields, written by `save()` through `cchc.lib.text.fold`. A search folds the query the
same way and matches with LIKE, so "cai cach" finds "cải cách" identically on SQLite and PostgreSQL
(no database-specific collation or `unaccent` extension).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cchc.lib.text import fold
from cchc.orgs.models import Unit


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Chờ biên tập"
    RETURNED = "returned", "Trả lại để sửa"
    PUBLISHED = "published", "Đã xuất bản"
    UNPUBLISHED = "unpublished", "Đã gỡ xuống"
    ARCHIVED = "archived", "Lưu trữ"


class Article(models.Model):
    """A news article written by a collaborator (cộng tác viên) and published by an editor."""

    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="portal_articles")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="tác giả", on_delete=models.PROTECT, related_name="portal_articles"
    )
    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField("đường dẫn", max_length=200, unique=True, allow_unicode=False)
    summary = models.TextField("tóm tắt", max_length=600, blank=True)
    body = models.TextField("nội dung", blank=True, help_text="HTML đã được làm sạch.")
    # What lists, the feed and shared links show: the summary, or the opening of the text.
    excerpt = models.TextField(editable=False, default="")
    cover = models.ForeignKey(
        "ArticleImage", verbose_name="ảnh đại diện", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("trạng thái", max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    review_note = models.TextField("ý kiến biên tập", blank=True)
    record_as_activity = models.BooleanField(
        "ghi nhận là hoạt động tuyên truyền của đơn vị", default=True,
        help_text="Khi xuất bản, bài viết được ghi vào sổ hoạt động tuyên truyền của đơn vị tác giả.",
    )
    published_at = models.DateTimeField("ngày xuất bản", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người xuất bản", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    submitted_at = models.DateTimeField("ngày gửi duyệt", null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        ordering = ["-published_at", "-pk"]
        indexes = [
            # The public lists and the feed: published articles, newest first, read in index order
            # (no sort of every published row on each home page).
            models.Index(fields=["status", "-published_at", "-id"], name="portal_article_public"),
            # The editors' queue and a collaborator's own list.
            models.Index(fields=["status", "-updated_at"], name="portal_article_queue"),
            models.Index(fields=["author", "-updated_at"], name="portal_article_author"),
        ]
        constraints = [
            models.CheckConstraint(
                name="portal_article_published_has_date",
                condition=~Q(status="published") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def is_editable_by_author(self) -> bool:
        return self.status in (ArticleStatus.DRAFT, ArticleStatus.RETURNED)

    def get_absolute_url(self) -> str:
        return reverse("portal:article", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        from .sanitize import html_to_text

        text = html_to_text(self.body)
        self.search_text = fold(f"{self.title} {self.summary} {text}")
        self.excerpt = self.summary or (text if len(text) <= 280 else text[:277].rsplit(" ", 1)[0] + "…")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "excerpt"}
        super().save(*args, **kwargs)


class ArticleImage(models.Model):
    """An image uploaded for an article, re-encoded on upload (no EXIF, at most 1600 px wide).

    Served by the portal's own view so an unpublished article's images stay private."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to="portal/anh/%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt = models.CharField("mô tả ảnh", max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ảnh bài viết"
        verbose_name_plural = "ảnh bài viết"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt or f"Ảnh {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("portal:image", kwargs={"pk": self.pk})


class ArticleHit(models.Model):
    """One counted view, append-only: an INSERT per view, never an UPDATE, so concurrent readers
    never wait on a row lock. No IP, no cookie, no user: only which article and which day.
    `views_rollup` folds these rows into ArticleDailyViews and deletes them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    day = models.DateField()

    class Meta:
        verbose_name = "lượt xem chưa tổng hợp"
        verbose_name_plural = "lượt xem chưa tổng hợp"


class ArticleDailyViews(models.Model):
    """Views of one article on one day (local date), written only by the rollup."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "lượt xem theo ngày"
        verbose_name_plural = "lượt xem theo ngày"
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="portal_daily_views_unique")]
        indexes = [
            # Most-read and trend for a period: a range scan on day that needs no table access.
            models.Index(fields=["day", "article", "count"], name="portal_daily_views_day"),
        ]


class Level(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCIAL = "provincial", "Tỉnh"
    COMMUNE = "commune", "Cấp xã"


class LegalDocument(models.Model):
    """A legal document on CCHC (Nghị quyết, Nghị định, Quyết định, Kế hoạch…)."""

    KINDS = [
        ("Luật", "Luật"), ("Nghị quyết", "Nghị quyết"), ("Nghị định", "Nghị định"),
        ("Quyết định", "Quyết định"), ("Chỉ thị", "Chỉ thị"), ("Thông tư", "Thông tư"),
        ("Kế hoạch", "Kế hoạch"), ("Công văn", "Công văn"),
    ]

    number = models.CharField("số, ký hiệu", max_length=60, help_text="Ví dụ 76/NQ-CP")
    kind = models.CharField("loại văn bản", max_length=20, choices=KINDS)
    title = models.CharField("trích yếu", max_length=500)
    issuer = models.CharField("cơ quan ban hành", max_length=200)
    issued_on = models.DateField("ngày ban hành")
    effective_on = models.DateField("ngày có hiệu lực", null=True, blank=True)
    level = models.CharField("cấp ban hành", max_length=12, choices=Level.choices, default=Level.CENTRAL)
    url = models.URLField("đường dẫn toàn văn", blank=True, max_length=500)
    is_public = models.BooleanField("công khai", default=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["number", "issued_on"], name="portal_legaldoc_unique")]

    def __str__(self) -> str:
        return f"{self.kind} số {self.number}"

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.kind} {self.number} {self.title} {self.issuer}")
        super().save(*args, **kwargs)


class ChangeKind(models.TextChoices):
    NEW = "new", "Ban hành mới"
    AMENDED = "amended", "Sửa đổi, bổ sung"
    REPLACED = "replaced", "Thay thế"
    ABOLISHED = "abolished", "Bãi bỏ"


class ProcedureChange(models.Model):
    """A change of an administrative procedure (TTHC) and the document that decided it."""

    name = models.CharField("tên thủ tục hành chính", max_length=400)
    code = models.CharField("mã thủ tục", max_length=40, blank=True, help_text="Mã trên Cơ sở dữ liệu quốc gia về TTHC.")
    field = models.CharField("lĩnh vực", max_length=120)
    change = models.CharField("loại thay đổi", max_length=10, choices=ChangeKind.choices)
    level = models.CharField("cấp thực hiện", max_length=12, choices=Level.choices, default=Level.PROVINCIAL)
    deciding_document = models.CharField(
        "văn bản công bố", max_length=300, help_text="Ví dụ: Quyết định số 1234/QĐ-UBND ngày 10/10/2025 của UBND tỉnh"
    )
    decided_on = models.DateField("ngày quyết định")
    effective_on = models.DateField("ngày áp dụng", null=True, blank=True)
    replaces = models.CharField("thủ tục bị thay thế", max_length=400, blank=True)
    summary = models.TextField("nội dung thay đổi", blank=True)
    service_url = models.URLField("dịch vụ công trực tuyến", blank=True, max_length=500)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thay đổi thủ tục hành chính"
        verbose_name_plural = "thay đổi thủ tục hành chính"
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.name}"

    def save(self, *args, **kwargs):
        self.search_text = fold(
            f"{self.name} {self.code} {self.field} {self.deciding_document} {self.replaces} {self.summary}"
        )
        super().save(*args, **kwargs)


class ServiceGuide(models.Model):
    """A step-by-step guide to an online public service (dichvucong.gov.vn, the province's portal)."""

    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField("đường dẫn", max_length=200, unique=True)
    summary = models.TextField("tóm tắt", max_length=600, blank=True)
    body = models.TextField("nội dung", blank=True)
    service_url = models.URLField("địa chỉ dịch vụ", blank=True, max_length=500)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hướng dẫn dịch vụ công"
        verbose_name_plural = "hướng dẫn dịch vụ công"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:guide", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        from .sanitize import html_to_text

        self.search_text = fold(f"{self.title} {self.summary} {html_to_text(self.body)}")
        super().save(*args, **kwargs)


class Contact(models.Model):
    """Where to send feedback (phản ánh, kiến nghị): address, phone, hotline, e-mail."""

    name = models.CharField("cơ quan, bộ phận", max_length=300)
    address = models.CharField("địa chỉ", max_length=400, blank=True)
    phone = models.CharField("điện thoại", max_length=60, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    hours = models.CharField("thời gian tiếp nhận", max_length=200, blank=True)
    note = models.TextField("ghi chú", blank=True)
    is_hotline = models.BooleanField("đường dây nóng", default=False)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "địa chỉ tiếp nhận phản ánh"
        verbose_name_plural = "địa chỉ tiếp nhận phản ánh"
        ordering = ["-is_hotline", "position", "pk"]

    def __str__(self) -> str:
        return self.name
