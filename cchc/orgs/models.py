"""Units (cơ quan, đơn vị) as a tree with history, named groups of units, and people's roles."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UnitKind(models.TextChoices):
    PROVINCE = "province", "UBND tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    COMMUNE = "commune", "UBND xã"
    WARD = "ward", "UBND phường"
    PRESS = "press", "Cơ quan báo chí"
    MASS_ORG = "mass_org", "Tổ chức chính trị - xã hội"
    SERVICE_UNIT = "service_unit", "Đơn vị sự nghiệp"
    CENTRAL_AGENCY = "central_agency", "Cơ quan Trung ương đóng trên địa bàn"
    OFFICE = "office", "Phòng, ban, đơn vị thuộc"


class Unit(models.Model):
    code = models.CharField(
        "mã đơn vị", max_length=64, unique=True, help_text="Mã ổn định dùng khi nhập/xuất."
    )
    name = models.CharField("tên đơn vị", max_length=255)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    aliases = models.JSONField(
        "tên gọi khác", default=list, blank=True, help_text="Các cách viết khác của tên đơn vị."
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField(
        "hết hiệu lực", null=True, blank=True, help_text="Ngày đơn vị giải thể, sáp nhập."
    )
    predecessors = models.ManyToManyField(
        "self",
        verbose_name="hình thành từ",
        symmetrical=False,
        blank=True,
        related_name="successors",
    )
    note = models.TextField("ghi chú", blank=True)
    # Materialised path of ancestor ids ("/1/7/42/"): a subtree is one indexed prefix query,
    # so access checks and roll-ups never walk the tree row by row.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                name="unit_valid_range",
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day >= self.valid_to)

    @property
    def is_active(self) -> bool:
        return self.is_active_on()


def active_units_q(day: datetime.date | None = None, *, prefix: str = "") -> Q:
    """Units in force on a day (today by default); `prefix` filters through a relation."""
    day = day or timezone.localdate()
    p = f"{prefix}__" if prefix else ""
    return (Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__lte": day})) & (
        Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gt": day})
    )


class GroupScope(models.TextChoices):
    PROVINCE = "province", "Toàn tỉnh"
    CONTEXT = "context", "Thuộc đơn vị ban hành"
    OPEN = "open", "Xác định theo từng việc"


class UnitGroup(models.Model):
    """A named set of units that plans address: "Các sở, ban, ngành", "UBND cấp xã"…

    Members are the active units of `member_kinds` under the scope (the whole province, or the
    unit that issues the plan), plus any listed explicitly. An open group ("các cơ quan có liên
    quan") has no fixed members: the plan decides them case by case.
    """

    code = models.SlugField("mã nhóm", max_length=40, unique=True)
    name = models.CharField("tên nhóm", max_length=255)
    aliases = models.JSONField("tên gọi khác", default=list, blank=True)
    scope = models.CharField(
        "phạm vi", max_length=10, choices=GroupScope.choices, default=GroupScope.PROVINCE
    )
    member_kinds = models.JSONField("gồm các loại đơn vị", default=list, blank=True)
    members = models.ManyToManyField(
        Unit, verbose_name="đơn vị bổ sung", blank=True, related_name="groups"
    )

    class Meta:
        verbose_name = "nhóm đơn vị"
        verbose_name_plural = "nhóm đơn vị"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Vietnamese names are written family name first and are not split
    into first/last name fields: "Vũ Thị Lan" is stored and shown as one."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username

    def __str__(self) -> str:
        return self.get_full_name()


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Điều phối CCHC (toàn tỉnh)"
    LEADER = "leader", "Lãnh đạo đơn vị"
    OFFICER = "officer", "Cán bộ phụ trách CCHC"
    COLLABORATOR = "collaborator", "Cộng tác viên"
    EDITOR = "editor", "Biên tập viên"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vai trò tại đơn vị"
        verbose_name_plural = "vai trò tại đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class NameMapping(models.Model):
    """A name a person said stands for a unit or a group: "Sở Tư pháp" of another province's plan →
    our Sở Tư pháp, "UBND các xã, phường, đặc khu" → "UBND cấp xã".

    The name is also added to the target's aliases, so every later reading knows it. Kept apart
    as well because a plan of an unknown issuer applies only what people have taught, never what
    the resolver would guess from the names alone.
    """

    phrase = models.CharField("tên trong văn bản", max_length=300)
    key = models.CharField("tên đã bỏ dấu", max_length=300, editable=False)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="name_mappings")
    group = models.ForeignKey(UnitGroup, verbose_name="nhóm đơn vị", null=True, blank=True,
                              on_delete=models.CASCADE, related_name="name_mappings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người ghi nhận", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tên gọi do người dùng ghi nhận"
        verbose_name_plural = "tên gọi do người dùng ghi nhận"
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                name="name_mapping_one_target",
                condition=Q(unit__isnull=False, group__isnull=True) | Q(unit__isnull=True, group__isnull=False),
            ),
            models.UniqueConstraint(fields=["key"], name="name_mapping_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.unit or self.group}"

    @property
    def target(self) -> Unit | UnitGroup:
        return self.unit or self.group
