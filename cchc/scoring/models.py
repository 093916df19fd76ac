"""PAR Index (Chỉ số CCHC): criteria sets as data, rounds, scorecards and node scores.

The shape follows the real 2025 documents (see `/work/shared/PAR_INDEX.md`):
- a criteria set is year × unit type × guiding document × version ("1187/QĐ-BNV ngày 15/10/2025",
  revised by "12094/BNV-CCHC ngày 15/12/2025"), a tree lĩnh vực → tiêu chí → tiêu chí thành phần;
- each node says where its score comes from (self-assessed then appraised, appraisal only, scored
  centrally, ĐTXHH, SIPAS) and how it is scored (`rule`, see `cchc.scoring.rules`);
- "Chỉ số chung = Điểm đạt được / Điểm chuẩn tối đa × 100" (BC 36/BC-HĐTĐ), computed by
  `cchc.scoring.results`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cchc.orgs.models import Unit

DEFAULT_RATING_BANDS = [["Tốt", "80"], ["Khá", "65"], ["Trung bình", "50"], ["Kém", "0"]]


def default_rating_bands() -> list:
    """TĐ p.3: "Tốt ≥80%; Khá 65% đến <80%; Trung bình 50% đến <65%; Kém <50%"."""
    return [list(b) for b in DEFAULT_RATING_BANDS]


class UnitType(models.TextChoices):
    PROVINCE = "province", "Tỉnh, thành phố"
    DEPARTMENT = "department", "Sở, ban, ngành"
    COMMUNE = "commune", "UBND cấp xã"


class CriteriaSet(models.Model):
    """Bộ tiêu chí: one year, one unit type, one guiding document, one version."""

    slug = models.SlugField("mã bộ tiêu chí", max_length=80)
    year = models.PositiveSmallIntegerField("năm đánh giá")
    unit_type = models.CharField("đối tượng", max_length=20, choices=UnitType.choices)
    title = models.CharField("tên bộ tiêu chí", max_length=500)
    document = models.CharField(
        "văn bản hướng dẫn", max_length=255, blank=True, help_text="Ví dụ: 1187/QĐ-BNV ngày 15/10/2025"
    )
    version = models.PositiveSmallIntegerField("phiên bản", default=1)
    revision_document = models.CharField(
        "văn bản sửa đổi", max_length=255, blank=True, help_text="Ví dụ: 12094/BNV-CCHC ngày 15/12/2025"
    )
    previous = models.ForeignKey(
        "self", verbose_name="sửa đổi / sao chép từ", null=True, blank=True, on_delete=models.PROTECT,
        related_name="successors",
    )
    part1_max = models.DecimalField("điểm tối đa phần tiêu chí", max_digits=6, decimal_places=2, default=Decimal("75"))
    survey_max = models.DecimalField("điểm tối đa ĐTXHH", max_digits=6, decimal_places=2, default=Decimal("15"))
    sipas_max = models.DecimalField("điểm tối đa SIPAS", max_digits=6, decimal_places=2, default=Decimal("10"))
    sipas_min_rate = models.DecimalField(
        "tỷ lệ khảo sát SIPAS tối thiểu (%)", max_digits=5, decimal_places=2, default=Decimal("10")
    )
    sipas_min_forms = models.PositiveIntegerField("số phiếu SIPAS tối thiểu", default=50)
    rating_bands = models.JSONField(
        "xếp loại", default=default_rating_bands,
        help_text='Danh sách [nhãn, ngưỡng dưới %] từ cao xuống thấp: [["Tốt", "80"], …, ["Kém", "0"]].',
    )
    default_exclusions = models.JSONField(
        "tiêu chí không đánh giá trong năm", default=list, blank=True,
        help_text="Mã các tiêu chí bỏ ra cho cả kỳ, đề xuất khi mở kỳ (cấp xã 2025: [\"5.2\"]).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bộ tiêu chí"
        verbose_name_plural = "bộ tiêu chí"
        ordering = ["-year", "unit_type", "slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_type", "version", "slug"], name="criteriaset_unique"),
        ]

    def __str__(self) -> str:
        text = f"{self.title} ({self.year}"
        if self.version > 1:
            text += f", phiên bản {self.version}"
        return text + ")"


class NodeSource(models.TextChoices):
    SELF = "self", "Đơn vị tự đánh giá, Hội đồng thẩm định"
    APPRAISAL = "appraisal", "Chỉ Hội đồng thẩm định chấm"
    CENTRAL = "central", "Đánh giá tập trung"
    SURVEY = "survey", "Điều tra xã hội học"
    SIPAS = "sipas", "SIPAS"


class Node(models.Model):
    """A lĩnh vực (level 1), tiêu chí (2), tiêu chí thành phần (3) or sub-item (4) of a set."""

    criteria_set = models.ForeignKey(CriteriaSet, verbose_name="bộ tiêu chí", on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField("mã", max_length=20)
    parent = models.ForeignKey(
        "self", verbose_name="thuộc", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField("cấp", default=1)
    position = models.PositiveIntegerField("thứ tự", default=0)
    title = models.TextField("nội dung")
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    source = models.CharField("nguồn điểm", max_length=12, choices=NodeSource.choices, default=NodeSource.SELF)
    rule = models.JSONField("cách tính điểm", default=dict, blank=True, help_text="Trống: tổng điểm các tiêu chí con.")
    na_allowed = models.BooleanField("có thể không áp dụng", default=False)
    deduction = models.JSONField("trừ điểm", default=dict, blank=True)
    evidence = models.TextField("tài liệu kiểm chứng", blank=True)
    guidance = models.TextField("cách chấm điểm (nguyên văn)", blank=True)
    # Versioning inside a year (12094 revised three items of 1187): `origin` is the node of the
    # previous version this one continues; `rule_version` is the set version in which this node's
    # content last changed (unchanged nodes keep the earlier number).
    origin = models.ForeignKey(
        "self", verbose_name="kế thừa từ", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_version = models.PositiveSmallIntegerField("phiên bản nội dung", default=1)

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="node_unique_code"),
            models.CheckConstraint(name="node_max_points_nonnegative", condition=Q(max_points__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:80]}"

    @property
    def is_leaf_rule(self) -> bool:
        return bool(self.rule)


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SELF_ASSESSMENT = "self_assessment", "Đơn vị tự đánh giá"
    APPRAISAL_1 = "appraisal_1", "Thẩm định đợt 1"
    APPRAISAL_2 = "appraisal_2", "Thẩm định đợt 2"
    COMPUTED = "computed", "Đã tính kết quả"
    PUBLISHED = "published", "Đã công bố"


class Round(models.Model):
    """Một kỳ đánh giá Chỉ số CCHC: one set (the version in force when opened), deadlines, status."""

    title = models.CharField("tên kỳ đánh giá", max_length=255)
    year = models.PositiveSmallIntegerField("năm đánh giá")
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name="bộ tiêu chí", on_delete=models.PROTECT, related_name="rounds")
    status = models.CharField("trạng thái", max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    self_deadline = models.DateTimeField("hạn tự đánh giá", null=True, blank=True)
    appraisal_1_deadline = models.DateTimeField("hạn thẩm định đợt 1", null=True, blank=True)
    appraisal_2_deadline = models.DateTimeField("hạn thẩm định đợt 2", null=True, blank=True)
    excluded_nodes = models.ManyToManyField(
        Node, verbose_name="tiêu chí không đánh giá trong kỳ", blank=True, related_name="excluded_in_rounds",
        help_text="Ví dụ: năm 2025 không đánh giá cấp xã tiêu chí 5.2 (BC 36/BC-HĐTĐ, chú thích 4).",
    )
    published_at = models.DateTimeField("ngày công bố", null=True, blank=True)
    decision = models.CharField("quyết định công bố", max_length=255, blank=True)
    computed_at = models.DateTimeField("tính kết quả lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người tạo", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "kỳ đánh giá"
        verbose_name_plural = "kỳ đánh giá"
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == RoundStatus.PUBLISHED


class ScorecardStatus(models.TextChoices):
    OPEN = "open", "Đang tự đánh giá"
    SUBMITTED = "submitted", "Đã gửi"
    RETURNED = "returned", "Trả lại bổ sung"
    APPRAISED = "appraised", "Đã thẩm định"


class Scorecard(models.Model):
    """Phiếu chấm điểm của một đơn vị trong một kỳ, with its survey scores and cached results."""

    round = models.ForeignKey(Round, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="scorecards")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="scorecards")
    ranked = models.BooleanField(
        "xếp hạng", default=True, help_text="Bỏ chọn: xếp loại nhưng không xếp hạng (Nhóm 2, in \"TT\")."
    )
    status = models.CharField("trạng thái", max_length=12, choices=ScorecardStatus.choices, default=ScorecardStatus.OPEN)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    # Part 1 ("Phần thứ nhất"): either computed from node scores or, with totals_only, entered as
    # totals (results of a round scored elsewhere, e.g. the published 2025 figures).
    totals_only = models.BooleanField("chỉ nhập tổng điểm", default=False)
    self_points = models.DecimalField("điểm tự đánh giá", max_digits=8, decimal_places=2, null=True, blank=True)
    appraised_points = models.DecimalField("điểm thẩm định", max_digits=8, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField("điểm chuẩn tối đa phần tiêu chí", max_digits=8, decimal_places=2, null=True, blank=True)
    # Parts 2 and 3.
    survey_points = models.DecimalField("điểm ĐTXHH", max_digits=8, decimal_places=3, null=True, blank=True)
    sipas_points = models.DecimalField(
        "điểm SIPAS", max_digits=8, decimal_places=3, null=True, blank=True, help_text="Trống: không đánh giá SIPAS."
    )
    sipas_rate = models.DecimalField("tỷ lệ khảo sát SIPAS (%)", max_digits=6, decimal_places=2, null=True, blank=True)
    sipas_forms = models.PositiveIntegerField("số phiếu SIPAS", null=True, blank=True)
    # Results (written by cchc.scoring.results.compute_round).
    part1_points = models.DecimalField("điểm phần tiêu chí", max_digits=8, decimal_places=2, null=True, blank=True)
    points = models.DecimalField("điểm đạt được", max_digits=10, decimal_places=3, null=True, blank=True)
    maximum = models.DecimalField("điểm chuẩn tối đa", max_digits=8, decimal_places=2, null=True, blank=True)
    index = models.DecimalField("chỉ số chung (%)", max_digits=16, decimal_places=10, null=True, blank=True)
    rank = models.PositiveIntegerField("thứ hạng", null=True, blank=True)
    rating = models.CharField("xếp loại", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phiếu chấm điểm"
        verbose_name_plural = "phiếu chấm điểm"
        ordering = ["round", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="scorecard_unique_unit"),
        ]
        indexes = [
            # The ranking page: scorecards of a round ordered by rank.
            models.Index(fields=["round", "rank"], name="scorecard_round_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.round}"


class NodeScore(models.Model):
    """Điểm một tiêu chí của một đơn vị: raw inputs, self score, appraisal passes, deduction."""

    # No index of its own: the unique (scorecard, node) index leads with scorecard and serves every
    # lookup by scorecard; a second index only slows the 273,000-row appraisal pass.
    scorecard = models.ForeignKey(Scorecard, verbose_name="phiếu chấm điểm", on_delete=models.CASCADE,
                                  related_name="node_scores", db_index=False)
    node = models.ForeignKey(Node, verbose_name="tiêu chí", on_delete=models.PROTECT, related_name="scores")
    applicable = models.BooleanField("áp dụng", default=True)
    inputs = models.JSONField("số liệu", default=dict, blank=True)
    self_points = models.DecimalField("điểm tự đánh giá", max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.TextField("giải trình", blank=True)
    appraised_points_1 = models.DecimalField("điểm thẩm định đợt 1", max_digits=6, decimal_places=2, null=True, blank=True)
    reason_1 = models.TextField("lý do đợt 1", blank=True)
    # Who appraised, not a join key: nothing looks scores up by appraiser (deleting a user clears it
    # through Django's SET_NULL, a rare scan), and the database does not re-check the user for each of
    # a pass's 273,000 rows at commit — every writer (appraise, apply_appraisal_pass) checks the
    # acting user once and holds it (FOR KEY SHARE) until commit.
    appraiser_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thẩm định đợt 1", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False,
    )
    appraised_points_2 = models.DecimalField("điểm thẩm định đợt 2", max_digits=6, decimal_places=2, null=True, blank=True)
    reason_2 = models.TextField("lý do đợt 2", blank=True)
    appraiser_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thẩm định đợt 2", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False, db_constraint=False,
    )
    # Deduction (e.g. SN 6.2.2 "HĐTĐ xem xét TRỪ 50% điểm đạt được"): the appraised points above are
    # BEFORE the deduction; results apply node.deduction["share"] when applied and not waived.
    deduction_applied = models.BooleanField("trừ điểm", default=False)
    deduction_waived = models.BooleanField("miễn trừ điểm", default=False)
    set_version = models.PositiveSmallIntegerField("chấm theo phiên bản", default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "điểm tiêu chí"
        verbose_name_plural = "điểm tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "node"], name="nodescore_unique_node"),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} — {self.node.code}"

    @property
    def appraised_points(self) -> Decimal | None:
        """The last appraisal pass that scored the node (đợt 2 over đợt 1)."""
        if self.appraised_points_2 is not None:
            return self.appraised_points_2
        return self.appraised_points_1


class NodeEvidence(models.Model):
    """Tài liệu kiểm chứng: số, ký hiệu và ngày ban hành của văn bản, tệp, đường dẫn."""

    node_score = models.ForeignKey(NodeScore, verbose_name="điểm tiêu chí", on_delete=models.CASCADE, related_name="evidence")
    document_number = models.CharField("số, ký hiệu văn bản", max_length=120, blank=True)
    document_date = models.DateField("ngày ban hành", null=True, blank=True)
    file = models.FileField("tệp", upload_to="scoring/%Y/", blank=True)
    link = models.URLField("đường dẫn", max_length=500, blank=True)
    note = models.TextField("ghi chú", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người cập nhật", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.document_number or self.link or (self.file.name if self.file else "—")


class AppraiserAssignment(models.Model):
    """A member of the Tổ giúp việc assigned to areas ("phân quyền … theo từng lĩnh vực CCHC", TĐ p.43)."""

    round = models.ForeignKey(Round, verbose_name="kỳ đánh giá", on_delete=models.CASCADE, related_name="appraisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người thẩm định", on_delete=models.CASCADE, related_name="+")
    areas = models.ManyToManyField(Node, verbose_name="lĩnh vực", blank=True, related_name="appraiser_assignments")

    class Meta:
        verbose_name = "phân công thẩm định"
        verbose_name_plural = "phân công thẩm định"
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="appraiser_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.round}"
