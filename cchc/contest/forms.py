from __future__ import annotations

from django import forms

from cchc.orgs.models import Unit, active_units_q

from .models import Contest, Round

DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATETIME_INPUT = {"placeholder": "dd/mm/yyyy hh:mm", "inputmode": "numeric"}


def public_units():
    return Unit.objects.filter(active_units_q()).exclude(kind="office").order_by("path").only("pk", "name")


class RegisterForm(forms.Form):
    name = forms.CharField(label="Họ và tên", max_length=150, widget=forms.TextInput({"autocomplete": "name"}))
    phone = forms.CharField(label="Số điện thoại", max_length=30, widget=forms.TextInput({"inputmode": "tel", "autocomplete": "tel"}))
    unit = forms.ModelChoiceField(label="Cơ quan, đơn vị công tác", queryset=Unit.objects.none(), required=False,
                                  empty_label="— Người dân: ghi địa chỉ bên dưới —",
                                  widget=forms.Select({"style": "max-width:100%"}))
    address = forms.CharField(label="Địa chỉ nơi ở (nếu không chọn cơ quan, đơn vị)", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = public_units()


class ContestForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = ["title", "slug", "unit", "intro"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path")
        self.fields["slug"].help_text = "Phần cuối của đường dẫn công khai, ví dụ: tim-hieu-cchc-2026."

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in ("quan-ly", "bai-thi"):
            raise forms.ValidationError("Đường dẫn này đã được hệ thống dùng; hãy chọn tên khác.")
        return slug


class RoundForm(forms.ModelForm):
    opens_at = forms.DateTimeField(label="Mở lúc (giờ Việt Nam)", input_formats=DATETIME_FORMATS,
                                   widget=forms.DateTimeInput(DATETIME_INPUT, format="%d/%m/%Y %H:%M"))
    closes_at = forms.DateTimeField(label="Đóng lúc (giờ Việt Nam)", input_formats=DATETIME_FORMATS,
                                    widget=forms.DateTimeInput(DATETIME_INPUT, format="%d/%m/%Y %H:%M"))

    class Meta:
        model = Round
        fields = ["number", "title", "opens_at", "closes_at", "questions_count", "time_limit_minutes", "max_attempts",
                  "counted_rule", "prize_first", "prize_second", "prize_third", "prize_consolation"]

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", "Thời điểm đóng phải sau thời điểm mở.")
        for name in ("questions_count", "time_limit_minutes", "max_attempts"):
            if data.get(name) == 0:
                self.add_error(name, "Phải lớn hơn 0.")
        number = data.get("number")
        if number and self.contest and self.contest.rounds.filter(number=number).exclude(pk=self.instance.pk).exists():
            self.add_error("number", f"Đợt {number} đã có trong cuộc thi.")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp ngân hàng câu hỏi (.xlsx)")
