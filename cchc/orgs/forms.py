from django import forms
from django.contrib.auth.password_validation import validate_password

from cchc.lib.text import squeeze

from .models import Role, Unit


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


class UnitForm(forms.ModelForm):
    parent_code = forms.CharField(label="Mã đơn vị cấp trên", required=False)
    aliases_text = forms.CharField(
        label="Tên gọi khác",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một cách viết, ví dụ “UBND xã Bình Giang”.",
    )
    predecessor_codes = forms.CharField(
        label="Hình thành từ (mã các đơn vị cũ)",
        required=False,
        help_text="Các mã cách nhau bởi dấu “|”.",
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "valid_from", "valid_to", "note"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance
        if unit.pk:
            self.fields["code"].disabled = True
            self.initial.setdefault("parent_code", unit.parent.code if unit.parent else "")
            self.initial.setdefault("aliases_text", "\n".join(unit.aliases))
            self.initial.setdefault("predecessor_codes", " | ".join(p.code for p in unit.predecessors.all()))

    def clean_parent_code(self):
        code = squeeze(self.cleaned_data["parent_code"])
        if not code:
            return None
        parent = Unit.objects.filter(code=code).first()
        if parent is None:
            raise forms.ValidationError(f"Không tìm thấy đơn vị có mã “{code}”.")
        return parent

    def clean_predecessor_codes(self):
        codes = [squeeze(c) for c in self.cleaned_data["predecessor_codes"].split("|") if squeeze(c)]
        units = list(Unit.objects.filter(code__in=codes))
        missing = set(codes) - {u.code for u in units}
        if missing:
            raise forms.ValidationError("Không tìm thấy đơn vị có mã: " + ", ".join(sorted(missing)) + ".")
        return units

    def clean(self):
        data = super().clean()
        self.instance.parent = data.get("parent_code")
        self.instance.aliases = [squeeze(a) for a in data.get("aliases_text", "").splitlines() if squeeze(a)]
        return data


class PersonForm(forms.Form):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        help_text="Nếu tài khoản đã có, vai trò mới được thêm cho tài khoản đó.",
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(
        label="Mật khẩu ban đầu",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Để trống nếu chỉ thêm vai trò cho tài khoản đã có.",
    )
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)
    position = forms.CharField(label="Chức vụ", max_length=120, required=False)

    def __init__(self, *args, allow_coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_coordinator:
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.COORDINATOR]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password)
        return password


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách đơn vị (.xlsx hoặc .csv)",
        error_messages={"empty": "Tệp rỗng.", "required": "Hãy chọn tệp."},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("Chỉ nhận tệp .xlsx hoặc .csv.")
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {self.max_bytes // (1024 * 1024)} MB).")
        return upload


class ResolveForm(forms.Form):
    text = forms.CharField(
        label="Cụm từ chỉ cơ quan, đơn vị",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Ví dụ: Các sở, ban, ngành; UBND cấp xã"}),
        max_length=2000,
    )
    context_code = forms.CharField(label="Văn bản của đơn vị (mã, nếu có)", required=False)
