"""Forms of the communication pages: quick entry, full entry, filters, period, import."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.db import models
from django.utils import timezone

from cchc.documents.tables import parse_date
from cchc.orgs.models import UnitGroup, UnitKind

from . import services
from .models import Activity, Audience, ChannelKind, Requirement, RequirementKind


class VnDateField(forms.CharField):
    """dd/mm/yyyy typed as text (the way people write dates); impossible dates are named."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric",
                                                           "size": 10, "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            raise forms.ValidationError(
                f"Ngày “{text}” không có thật hoặc sai định dạng (dd/mm/yyyy)."
            ) from None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        return f"{topic.code}) {topic.text}"


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ActivityForm(forms.ModelForm):
    """One activity. `quick` keeps only what the common case needs (date, channel, content, topics…)."""

    date = VnDateField(label="Ngày thực hiện", error_messages={"required": "Hãy nhập ngày thực hiện (dd/mm/yyyy)."})
    link = forms.URLField(label="Đường dẫn", required=False, max_length=500, assume_scheme="https",
                          error_messages={"invalid": "Đường dẫn không hợp lệ (bắt đầu bằng http:// hoặc https://)."})
    topics = TopicChoiceField(
        label="Nội dung tuyên truyền (theo kế hoạch)", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Nội dung đã chọn không thuộc kế hoạch tuyên truyền của đơn vị hoặc cấp trên.",
                        "invalid_pk_value": "Nội dung đã chọn không hợp lệ."},
    )
    audience = forms.MultipleChoiceField(label="Đối tượng", choices=Audience.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    quantity = forms.IntegerField(
        label="Số lượng", min_value=1, max_value=1_000_000, initial=1,
        error_messages={"min_value": "Số lượng phải là số nguyên dương (từ 1 trở lên).",
                        "max_value": "Số lượng quá lớn.", "invalid": "Số lượng phải là một số nguyên.",
                        "required": "Hãy nhập số lượng."},
        help_text="Số tin bài, buổi, bản, lượt phát sóng.",
    )
    reach = forms.IntegerField(
        label="Người tham dự / lượt xem", min_value=0, max_value=100_000_000, required=False,
        error_messages={"min_value": "Số người tham dự, lượt xem không được âm.",
                        "max_value": "Số người tham dự, lượt xem quá lớn.",
                        "invalid": "Số người tham dự, lượt xem phải là một số nguyên."},
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    files = MultipleFileField(label="Tệp minh chứng", required=False,
                              help_text="Ảnh, PDF, Word, Excel… mỗi tệp tối đa theo giới hạn tải lên.")

    class Meta:
        model = Activity
        formfield_callback = _formfield
        fields = ["date", "channel", "title", "topics", "quantity", "reach", "link", "innovative", "note"]
        labels = {"title": "Nội dung hoạt động"}
        widgets = {"note": forms.Textarea(attrs={"rows": 3}),
                   "title": forms.TextInput(attrs={"placeholder": "Ví dụ: Tuyên truyền dịch vụ công trực tuyến tại họp thôn Đông"})}
        error_messages = {"title": {"required": "Hãy ghi nội dung hoạt động."},
                          "link": {"invalid": "Đường dẫn không hợp lệ (bắt đầu bằng http:// hoặc https://)."},
                          "channel": {"invalid_choice": "Hình thức không có trong danh mục.",
                                      "required": "Hãy chọn hình thức."}}

    QUICK_FIELDS = ("date", "channel", "title", "topics", "audience", "quantity", "reach", "token")

    def __init__(self, *args, unit, quick: bool = False, max_bytes: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.quick, self.max_bytes = unit, quick, max_bytes
        self.fields["topics"].queryset = services.allowed_topics(unit)
        self.fields["channel"].choices = ChannelKind.choices
        if self.instance.pk:
            self.initial.setdefault("audience", self.instance.audiences)
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4().hex
        if quick:
            self.fields["title"].widget.attrs["autofocus"] = True  # type at once, Enter to record
            for name in list(self.fields):
                if name not in self.QUICK_FIELDS:
                    del self.fields[name]

    def topic_groups(self):
        """The topic checkboxes grouped by plan (the unit's own plan first, then the parent's)."""
        groups: dict[int, dict] = {}
        topics = {t.pk: t for t in self.fields["topics"].queryset}
        for widget in self["topics"]:
            topic = topics.get(widget.data["value"].value if hasattr(widget.data["value"], "value") else widget.data["value"])
            if topic is None:
                continue
            group = groups.setdefault(topic.plan_id, {"plan": topic.plan, "widgets": []})
            group["widgets"].append(widget)
        return list(groups.values())

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is None:
            raise forms.ValidationError("Hãy nhập ngày thực hiện (dd/mm/yyyy).")
        try:
            services.check_date(day)
        except forms.ValidationError:
            raise
        return day

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        for upload in files:
            if not upload.name.lower().endswith(services.FILE_EXTENSIONS):
                raise forms.ValidationError(f"Tệp “{upload.name}” không đúng loại (nhận ảnh, PDF, Word, Excel, video mp4).")
            if upload.size == 0:
                raise forms.ValidationError(f"Tệp “{upload.name}” rỗng.")
            if self.max_bytes and upload.size > self.max_bytes:
                raise forms.ValidationError(f"Tệp “{upload.name}” quá lớn (tối đa {self.max_bytes // (1024 * 1024)} MB).")
        return files

    def apply(self) -> Activity:
        """The activity with the form's data (unsaved; ModelForm has copied the model fields)."""
        activity = self.instance
        activity.unit = self.unit
        audience = set(self.cleaned_data.get("audience") or [])
        activity.for_officials = Audience.OFFICIALS in audience
        activity.for_citizens = Audience.CITIZENS in audience
        activity.for_businesses = Audience.BUSINESSES in audience
        token = self.cleaned_data.get("token")
        if activity.pk is None and token:
            activity.source_key = f"form:{token[:64]}"
        return activity


PERIOD_CHOICES = [
    ("nam", "Cả năm"), ("q1", "Quý I"), ("q2", "Quý II"), ("q3", "Quý III"), ("q4", "Quý IV"),
    ("6t-dau", "6 tháng đầu năm"), ("6t-cuoi", "6 tháng cuối năm"), ("tuy-chon", "Tùy chọn (từ ngày – đến ngày)"),
]


def period_range(year: int, kind: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a reporting period of `year`."""
    spans = {"nam": (1, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12),
             "6t-dau": (1, 6), "6t-cuoi": (7, 12)}
    first, last = spans.get(kind, (1, 12))
    end = datetime.date(year + (last == 12), 1 if last == 12 else last + 1, 1) - datetime.timedelta(days=1)
    return datetime.date(year, first, 1), end


class PeriodForm(forms.Form):
    """The period (year + quarter / 6 months / year, or custom dates) and the unit group/kind."""

    nam = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)
    ky = forms.ChoiceField(label="Kỳ", choices=PERIOD_CHOICES, required=False)
    tu = VnDateField(label="Từ ngày", required=False)
    den = VnDateField(label="Đến ngày", required=False)
    nhom = forms.ModelChoiceField(label="Nhóm đơn vị", queryset=UnitGroup.objects.exclude(member_kinds=[]).order_by("name"),
                                  required=False, to_field_name="code", empty_label="Tất cả")
    loai = forms.ChoiceField(label="Loại đơn vị", choices=[("", "Tất cả")] + list(UnitKind.choices), required=False)

    def __init__(self, *args, with_units: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_units:
            del self.fields["nhom"], self.fields["loai"]

    def clean(self):
        data = super().clean()
        if data.get("ky") == "tuy-chon":
            if not data.get("tu") or not data.get("den"):
                raise forms.ValidationError("Kỳ tùy chọn cần cả ngày bắt đầu và ngày kết thúc.")
            if data["tu"] > data["den"]:
                raise forms.ValidationError("Ngày bắt đầu phải trước ngày kết thúc.")
        return data

    def range(self) -> tuple[datetime.date, datetime.date, str]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("nam") or today.year
        kind = data.get("ky") or "nam"
        if kind == "tuy-chon" and data.get("tu") and data.get("den"):
            return data["tu"], data["den"], f"từ {data['tu']:%d/%m/%Y} đến {data['den']:%d/%m/%Y}"
        start, end = period_range(year, kind)
        label = dict(PERIOD_CHOICES)[kind] if kind != "tuy-chon" else "Cả năm"
        return start, end, f"{label} {year} ({start:%d/%m/%Y} – {end:%d/%m/%Y})"

    def filter_units(self, units):
        data = self.cleaned_data if self.is_valid() else {}
        group = data.get("nhom")
        if group is not None:
            units = units.filter(kind__in=group.member_kinds) | units.filter(pk__in=group.members.values("pk"))
        if data.get("loai"):
            units = units.filter(kind=data["loai"])
        return units


class ActivityFilterForm(PeriodForm):
    q = forms.CharField(label="Tìm", required=False)
    hinh_thuc = forms.ChoiceField(label="Hình thức", choices=[("", "Tất cả")] + list(ChannelKind.choices), required=False)
    don_vi = forms.CharField(label="Mã đơn vị", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ky"].choices = [("", "Mọi thời gian")] + PERIOD_CHOICES

    def range(self):
        data = self.cleaned_data if self.is_valid() else {}
        if not data.get("ky") and not data.get("nam"):
            return None, None, "mọi thời gian"
        return super().range()


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx)", error_messages={"required": "Hãy chọn tệp .xlsx để nhập.",
                                                                      "empty": "Tệp rỗng: không có dữ liệu để nhập."})

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Chỉ nhận tệp Excel .xlsx theo mẫu (hãy tải tệp mẫu).")
        if upload.size == 0:
            raise forms.ValidationError("Tệp rỗng: không có dữ liệu để nhập.")
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {self.max_bytes // (1024 * 1024)} MB).")
        return upload


class RequirementForm(forms.ModelForm):
    """A coordinator corrects what the plan requires: the units it applies to, the channels, the minimum."""

    unit_kinds = forms.MultipleChoiceField(
        label="Áp dụng cho loại đơn vị (trực thuộc đơn vị ban hành)", required=False,
        choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Để trống: chỉ áp dụng cho chính đơn vị ban hành kế hoạch.",
    )
    channels = forms.MultipleChoiceField(label="Các hình thức (với loại “ít nhất một trong các hình thức”)",
                                         required=False, choices=ChannelKind.choices, widget=forms.CheckboxSelectMultiple)
    min_activities = forms.IntegerField(label="Số hoạt động tối thiểu", min_value=1, max_value=1000,
                                        error_messages={"min_value": "Số hoạt động tối thiểu phải từ 1 trở lên."})

    class Meta:
        model = Requirement
        fields = ["kind", "text", "source", "unit_kinds", "channels", "count_innovative", "min_activities", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "kind": forms.RadioSelect}
        error_messages = {"text": {"required": "Hãy ghi yêu cầu (trích từ kế hoạch)."}}

    def clean(self):
        data = super().clean()
        if data.get("kind") == RequirementKind.ANY_CHANNEL and not data.get("channels") and not data.get("count_innovative"):
            raise forms.ValidationError("Hãy chọn ít nhất một hình thức (hoặc tính hình thức mới, sáng tạo).")
        return data
