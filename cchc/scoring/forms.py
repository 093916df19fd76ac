"""Forms of the scoring pages: they clean input only; the workflow functions decide and save."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from cchc.orgs.models import Unit, UnitKind, User, active_units_q

from .models import CriteriaSet, UnitType
from .workflow import check_evidence_file

DATE_INPUT = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

# Which unit kinds a set of each type scores.
UNIT_KINDS = {
    UnitType.PROVINCE: [UnitKind.PROVINCE],
    UnitType.DEPARTMENT: [UnitKind.DEPARTMENT],
    UnitType.COMMUNE: [UnitKind.COMMUNE, UnitKind.WARD],
}


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """A deadline date means the whole day, in the workplace time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def units_for(criteria_set: CriteriaSet):
    return Unit.objects.filter(active_units_q(), kind__in=UNIT_KINDS.get(criteria_set.unit_type, [])).order_by("path")


class RoundOpenForm(forms.Form):
    criteria_set = forms.ModelChoiceField(label="Bộ tiêu chí", queryset=CriteriaSet.objects.none())
    title = forms.CharField(label="Tên kỳ đánh giá", max_length=255, required=False,
                            help_text="Để trống: “Chỉ số CCHC năm … — …”.")
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100, required=False)
    self_deadline = forms.DateField(label="Hạn tự đánh giá", input_formats=DATE_FORMATS,
                                    widget=forms.DateInput(attrs=DATE_INPUT))
    appraisal_1_deadline = forms.DateField(label="Hạn thẩm định đợt 1", input_formats=DATE_FORMATS,
                                           widget=forms.DateInput(attrs=DATE_INPUT))
    appraisal_2_deadline = forms.DateField(label="Hạn thẩm định đợt 2", input_formats=DATE_FORMATS,
                                           widget=forms.DateInput(attrs=DATE_INPUT))
    excluded = forms.CharField(label="Tiêu chí không đánh giá trong kỳ", required=False,
                               help_text="Mã tiêu chí, cách nhau bởi dấu phẩy (ví dụ: 5.2).")
    unranked = forms.CharField(label="Đơn vị xếp loại nhưng không xếp hạng", required=False,
                               help_text="Mã đơn vị, cách nhau bởi dấu phẩy.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = CriteriaSet.objects.order_by("-year", "unit_type", "-version")

    def clean(self):
        data = super().clean()
        cset = data.get("criteria_set")
        if cset is None:
            return data
        codes = [c.strip() for c in (data.get("excluded") or "").replace(";", ",").split(",") if c.strip()]
        nodes = {n.code: n for n in cset.nodes.filter(code__in=codes)}
        unknown = [c for c in codes if c not in nodes]
        if unknown:
            self.add_error("excluded", "Không có tiêu chí " + ", ".join(unknown) + " trong bộ tiêu chí.")
        data["excluded_nodes"] = list(nodes.values())
        unit_codes = [c.strip() for c in (data.get("unranked") or "").replace(";", ",").split(",") if c.strip()]
        found = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
        missing = [c for c in unit_codes if c not in found]
        if missing:
            self.add_error("unranked", "Không có đơn vị mã " + ", ".join(missing) + ".")
        data["unranked_units"] = list(found.values())
        return data


class EvidenceForm(forms.Form):
    document_number = forms.CharField(label="Số, ký hiệu văn bản", max_length=120, required=False)
    document_date = forms.DateField(label="Ngày ban hành", required=False, input_formats=DATE_FORMATS,
                                    widget=forms.DateInput(attrs=DATE_INPUT))
    file = forms.FileField(label="Tệp", required=False,
                           help_text="PDF, Word, Excel, ảnh hoặc ZIP; tối đa "
                                     f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB.")
    link = forms.URLField(label="Đường dẫn", max_length=500, required=False, assume_scheme="https")
    note = forms.CharField(label="Ghi chú", required=False, max_length=1000)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_evidence_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("document_number") or data.get("file") or data.get("link")):
            raise forms.ValidationError("Tài liệu kiểm chứng cần có số, ký hiệu văn bản, tệp đính kèm hoặc đường dẫn.")
        return data


class SurveyImportForm(forms.Form):
    file = forms.FileField(label="Tệp kết quả khảo sát (.xlsx, .csv)")


class AppraisalImportForm(forms.Form):
    pass_no = forms.TypedChoiceField(label="Đợt thẩm định", choices=[(1, "Đợt 1"), (2, "Đợt 2")], coerce=int)
    file = forms.FileField(label="Tệp điểm thẩm định (.xlsx, .csv)")


class PublishForm(forms.Form):
    decision = forms.CharField(label="Quyết định công bố", max_length=255,
                               help_text="Số, ký hiệu và ngày, ví dụ: 350/QĐ-UBND ngày 20/02/2027.")


class AssignForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập người thẩm định", max_length=150)
    areas = forms.CharField(label="Lĩnh vực (mã, cách nhau bởi dấu phẩy)", max_length=100)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"Không có người dùng “{name}”.")
        return user


class CopySetForm(forms.Form):
    year = forms.IntegerField(label="Sang năm", min_value=2000, max_value=2100)


class SetImportForm(forms.Form):
    file = forms.FileField(label="Tệp bộ tiêu chí (.xlsx)")

