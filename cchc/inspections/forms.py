from __future__ import annotations

from django import forms

from cchc.orgs.models import Unit

from . import checklist


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required,
                           widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))


def _area_choices():
    return [(a["code"], f"{a['code']}. {a['name']}") for a in checklist.areas()]


class PlanForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị kiểm tra", queryset=Unit.objects.none())
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    title = forms.CharField(label="Trích yếu", required=False, max_length=500)
    number = forms.CharField(label="Số kế hoạch", required=False, max_length=40)
    issued_on = _date("Ngày ban hành", required=False)
    areas = forms.MultipleChoiceField(label="Nội dung kiểm tra", choices=_area_choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp kế hoạch kiểm tra (.docx)")
    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError("Cần tệp Word .docx.")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("Tệp quá lớn (tối đa 10 MB).")
        return upload


class TeamForm(forms.Form):
    prefix = "doan"
    name = forms.CharField(label="Tên đoàn", max_length=200)
    leader = forms.CharField(label="Trưởng đoàn", required=False, max_length=200)
    members = forms.CharField(label="Thành viên", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(forms.Form):
    prefix = "lich"
    start = _date("Từ ngày", required=False)
    end = _date("Đến ngày", required=False)
    team = forms.ModelChoiceField(label="Đoàn kiểm tra", queryset=None, required=False)
    areas = forms.MultipleChoiceField(label="Nội dung kiểm tra", choices=_area_choices, widget=forms.CheckboxSelectMultiple,
                                      required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class VisitForm(forms.Form):
    prefix = "kt"
    date = _date("Ngày kiểm tra")
    members = forms.CharField(label="Thành phần đoàn", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label="Kết quả đạt được", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class FindingForm(forms.Form):
    prefix = "vd"
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None, required=False, empty_label="— chọn đơn vị —")
    area = forms.ChoiceField(label="Lĩnh vực", required=False, choices=lambda: [("", "—"), *_area_choices()])
    text = forms.CharField(label="Tồn tại, hạn chế", widget=forms.Textarea(attrs={"rows": 2}))
    remedy = forms.CharField(label="Yêu cầu khắc phục", widget=forms.Textarea(attrs={"rows": 2}))
    due_date = _date("Hạn khắc phục")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ConclusionForm(forms.Form):
    prefix = "kl"
    number = forms.CharField(label="Số thông báo", required=False, max_length=40, help_text="Ví dụ 15/TB-UBND; để trống nếu chưa có số.")
    date = _date("Ngày thông báo", required=False)
    signer_name = forms.CharField(label="Người ký", required=False, max_length=120)
    signer_title = forms.CharField(label="Chức vụ ký (mỗi dòng một dòng in)", required=False, max_length=200,
                                   widget=forms.Textarea(attrs={"rows": 2}))
