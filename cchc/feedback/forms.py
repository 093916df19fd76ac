"""The staff's forms: answer, re-route, hide; the statistics' window."""

from __future__ import annotations

from django import forms

from cchc.orgs.models import Unit, UnitKind, active_units_q

from .services import ANSWER_MAX, REASON_MAX


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Nội dung trả lời", max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Được công bố trên trang công khai; số điện thoại, thư điện tử, số giấy tờ trong nội dung được tự động ẩn.",
        error_messages={"required": "Xin nhập nội dung trả lời."},
    )


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RerouteForm(forms.Form):
    unit = UnitChoice(label="Chuyển đến đơn vị", queryset=Unit.objects.none(),
                      error_messages={"required": "Xin chọn đơn vị nhận.", "invalid_choice": "Đơn vị đã chọn không hợp lệ."})
    reason = forms.CharField(label="Lý do chuyển", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Xin ghi lý do chuyển phản ánh sang đơn vị khác."})

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Unit.objects.filter(active_units_q(), kind__in=(
            UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.WARD)).order_by("kind", "name")
        if current is not None:
            qs = qs.exclude(pk=current.pk)
        self.fields["unit"].queryset = qs


class HideForm(forms.Form):
    reason = forms.CharField(label="Lý do ẩn", max_length=300,
                             help_text="Ví dụ: ngôn từ xúc phạm, nội dung quảng cáo, trùng lặp. Lý do được lưu trong nhật ký.",
                             error_messages={"required": "Xin ghi lý do ẩn phản ánh (được lưu trong nhật ký)."})
