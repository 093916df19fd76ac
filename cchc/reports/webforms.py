"""The pages' forms: what a person types, checked before any service is asked.

The business rules stay in the services (`open_period`, `save_report`…); these forms only turn the
request into typed arguments and give each field its Vietnamese message.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from cchc.orgs.models import UnitKind
from cchc.reports import calendar
from cchc.reports.forms_reader import load_definitions
from cchc.reports.models import FormSet, PeriodKind, ReportStatus
from cchc.reports.services import TIMELINESS

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ANNEX_EXTENSIONS = (".docx", ".doc")
TABLE_EXTENSIONS = (".xlsx", ".csv")
DEFAULT_DOCUMENT = load_definitions("4625")["document"]
DEFAULT_TITLE = "Biểu mẫu thống kê số liệu báo cáo cải cách hành chính"


def _date_field(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=False, input_formats=DATE_FORMATS, help_text=help_text,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": "Ngày không hợp lệ (định dạng dd/mm/yyyy)."},
    )


class FormSetUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp biểu mẫu",
        help_text="Phụ lục biểu mẫu của Bộ Nội vụ (.docx, .doc) hoặc bảng định nghĩa (.xlsx, .csv) tải về từ hệ thống.",
        error_messages={"empty": "Tệp rỗng.", "required": "Hãy chọn tệp biểu mẫu."},
    )
    year = forms.IntegerField(label="Năm áp dụng", min_value=2000, max_value=2100,
                              error_messages={"required": "Hãy nhập năm áp dụng.", "invalid": "Năm phải là số."})
    document = forms.CharField(label="Văn bản hướng dẫn", max_length=255, initial=DEFAULT_DOCUMENT)
    title = forms.CharField(label="Tên bộ biểu mẫu", max_length=255, required=False,
                            help_text="Để trống: lấy tiêu đề in trong tệp.")

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ANNEX_EXTENSIONS + TABLE_EXTENSIONS):
            raise forms.ValidationError("Định dạng tệp không được hỗ trợ. Hãy tải lên .docx, .doc, .xlsx hoặc .csv.")
        if upload.size == 0:
            raise forms.ValidationError("Tệp rỗng.")
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {self.max_bytes // (1024 * 1024)} MB).")
        return upload

    @property
    def is_table(self) -> bool:
        return self.cleaned_data["file"].name.lower().endswith(TABLE_EXTENSIONS)


class FormSetCopyForm(forms.Form):
    year = forms.IntegerField(label="Sao chép sang năm", min_value=2000, max_value=2100,
                              error_messages={"required": "Hãy nhập năm.", "invalid": "Năm phải là số."})


class PeriodOpenForm(forms.Form):
    form_set = forms.ModelChoiceField(label="Bộ biểu mẫu", queryset=FormSet.objects.none(),
                                      error_messages={"required": "Hãy chọn bộ biểu mẫu.",
                                                      "invalid_choice": "Bộ biểu mẫu không tồn tại."})
    kind = forms.ChoiceField(label="Kỳ báo cáo", choices=PeriodKind.choices)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100,
                              error_messages={"required": "Hãy nhập năm.", "invalid": "Năm phải là số."})
    unit_due = _date_field("Hạn các đơn vị gửi Sở Nội vụ", "Để trống: theo lịch (5 ngày trước hạn gửi Bộ Nội vụ).")
    timely_days = forms.IntegerField(label="Số ngày sau hạn vẫn tính là đúng hạn", min_value=0, max_value=60, initial=0,
                                     error_messages={"min_value": "Không được âm.", "invalid": "Phải là số ngày."})
    locked_on = _date_field("Khóa nhập liệu sau ngày", "Để trống: ngày hạn gửi Bộ Nội vụ.")
    reporting_kinds = forms.MultipleChoiceField(
        label="Loại đơn vị phải báo cáo", choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple,
        initial=calendar.DEFAULT_REPORTING_KINDS, error_messages={"required": "Chọn ít nhất một loại đơn vị."},
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["form_set"].queryset = FormSet.objects.order_by("-year", "-version")
        self.fields["form_set"].label_from_instance = lambda fs: f"{fs.title} — năm {fs.year}, phiên bản {fs.version}"
        kind, year = calendar.period_for(today)
        self.fields["kind"].initial, self.fields["year"].initial = kind, year
        latest = self.fields["form_set"].queryset.filter(year__lte=year).first() or self.fields["form_set"].queryset.first()
        self.fields["form_set"].initial = latest.pk if latest else None
        self.fields["unit_due"].widget.attrs["placeholder"] = calendar.unit_due(kind, year).strftime("%d/%m/%Y")
        self.fields["locked_on"].widget.attrs["placeholder"] = calendar.national_due(kind, year).strftime("%d/%m/%Y")


class ReturnForm(forms.Form):
    comment = forms.CharField(label="Lý do trả lại", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                              error_messages={"required": "Hãy ghi lý do trả lại để đơn vị biết cần sửa gì."})


class WatchFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Loại đơn vị", required=False, choices=[("", "Tất cả")] + list(UnitKind.choices))
    status = forms.ChoiceField(label="Trạng thái", required=False, choices=[("", "Tất cả")] + list(ReportStatus.choices))
    timely = forms.ChoiceField(label="Thời hạn", required=False, choices=[("", "Tất cả")] + list(TIMELINESS.items()))
    q = forms.CharField(label="Tên đơn vị", required=False, max_length=100)
