from __future__ import annotations

from django import forms

from .models import Questionnaire, QuestionnaireStatus, Survey

DATE_INPUT = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class SurveyForm(forms.ModelForm):
    opens_on = forms.DateField(label="Mở từ ngày", input_formats=DATE_FORMATS, widget=forms.DateInput(DATE_INPUT, format="%d/%m/%Y"))
    closes_on = forms.DateField(label="Đóng ngày", input_formats=DATE_FORMATS, widget=forms.DateInput(DATE_INPUT, format="%d/%m/%Y"))

    class Meta:
        model = Survey
        fields = ["questionnaire", "unit", "desk", "opens_on", "closes_on", "files_handled", "target"]

    def __init__(self, *args, units=None, questionnaires=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = (questionnaires if questionnaires is not None else Questionnaire.objects).exclude(
            status=QuestionnaireStatus.ARCHIVED)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["target"].help_text = "Trống: tự tính từ số hồ sơ (tỷ lệ tối thiểu, không dưới số phiếu tối thiểu)."

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["opens_on"] > data["closes_on"]:
            self.add_error("closes_on", "Ngày đóng phải sau hoặc bằng ngày mở.")
        q, unit = data.get("questionnaire"), data.get("unit")
        if q is not None and unit is not None and q.owner_id and not unit.path.startswith(q.owner.path):
            self.add_error("questionnaire", f"Phiếu này là phiếu riêng của {q.owner.display_name}.")
        return data

    def validate_unique(self):
        try:
            self.instance.validate_unique()
            self.instance.validate_constraints()
        except forms.ValidationError:
            self.add_error(None, "Đơn vị (bộ phận) này đã có đợt khảo sát với phiếu này.")


class SurveySettingsForm(forms.ModelForm):
    closes_on = forms.DateField(label="Đóng ngày", input_formats=DATE_FORMATS, widget=forms.DateInput(DATE_INPUT, format="%d/%m/%Y"))

    class Meta:
        model = Survey
        fields = ["closes_on", "files_handled", "target", "closed", "published"]

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        if day < self.instance.opens_on:
            raise forms.ValidationError(f"Ngày đóng không được trước ngày mở {self.instance.opens_on:%d/%m/%Y}.")
        return day


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV", help_text="Tối đa 2 MB.")

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])


def check_upload(f):
    if f.size > 2 * 1024 * 1024:
        raise forms.ValidationError("Tệp quá lớn (tối đa 2 MB).")
    if not f.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
    return f


class CopyForm(forms.Form):
    year = forms.IntegerField(label="Sang năm", min_value=2000, max_value=2100)


class OwnQuestionnaireForm(forms.Form):
    """A unit's own questionnaire: from a spreadsheet of questions, or the SIPAS questions to adapt."""

    unit = forms.ModelChoiceField(label="Đơn vị", queryset=None)
    title = forms.CharField(label="Tên phiếu", max_length=300)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    file = forms.FileField(label="Câu hỏi từ tệp Excel (.xlsx) hoặc CSV", required=False,
                           help_text="Cùng dạng tệp “Xuất Excel” của một phiếu. Để trống: bắt đầu từ các câu hỏi SIPAS rồi sửa dần.")

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_file(self):
        f = self.cleaned_data.get("file")
        return check_upload(f) if f else None


class FilesHandledForm(UploadForm):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
