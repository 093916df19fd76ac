from django import forms

from cchc import policy
from cchc.orgs import services as org_services
from cchc.orgs.models import Unit, UnitKind, active_units_q

from .models import Plan, Progress
from .services import PLAN_EXTENSIONS


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp kế hoạch",
        help_text="Word (.docx, .doc), PDF (có lớp chữ hoặc bản quét), ảnh quét hoặc văn bản (.txt).",
        error_messages={"empty": "Tệp rỗng.", "required": "Hãy chọn tệp kế hoạch."},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(PLAN_EXTENSIONS):
            raise forms.ValidationError("Định dạng tệp không được hỗ trợ. Hãy tải lên .docx, .doc, .pdf, .txt hoặc ảnh quét.")
        if upload.size == 0:
            raise forms.ValidationError("Tệp rỗng.")
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"Tệp quá lớn (tối đa {self.max_bytes // (1024 * 1024)} MB).")
        return upload


class ConfirmForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị ban hành", queryset=Unit.objects.none())
    parent = forms.ModelChoiceField(label="Thực hiện kế hoạch (cấp trên)", queryset=Plan.objects.none(), required=False)

    def __init__(self, *args, user, parsed, **kwargs):
        super().__init__(*args, **kwargs)
        # Units in force that issue plans (not the closed ones kept as history, not internal offices).
        units = policy.visible_units(user).filter(active_units_q()).exclude(kind=UnitKind.OFFICE)
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["parent"].queryset = policy.visible_plans(user).select_related("unit")
        if parsed.issuer_unit_code:
            issuer = units.filter(code=parsed.issuer_unit_code).first()
            if issuer:
                self.initial.setdefault("unit", issuer.pk)
        if parsed.implements:
            parent = self.fields["parent"].queryset.filter(number__iexact=parsed.implements.number).first()
            if parent:
                self.initial.setdefault("parent", parent.pk)


class AliasFixForm(forms.Form):
    """For each unit name the reader did not know: which unit it is (its code). Saved as an alias."""

    def __init__(self, *args, parsed, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        seen = []
        for problem in parsed.unresolved:
            if problem["kind"] == "unit" and problem["text"] not in seen:
                seen.append(problem["text"])
        self.phrases = seen[:40]
        for i, phrase in enumerate(self.phrases):
            self.fields[f"code_{i}"] = forms.CharField(label=phrase, required=False, max_length=64)

    def clean(self):
        data = super().clean()
        self.mapping = []
        for i, phrase in enumerate(self.phrases):
            code = (data.get(f"code_{i}") or "").strip()
            if not code:
                continue
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                self.add_error(f"code_{i}", f"Không có đơn vị mã “{code}”.")
            elif not policy.can_manage_units(self.user):
                self.add_error(f"code_{i}", "Chỉ cán bộ điều phối được thêm tên gọi cho đơn vị.")
            else:
                self.mapping.append((phrase, unit))
        return data

    def apply(self) -> int:
        for phrase, unit in self.mapping:
            if phrase not in unit.aliases:
                unit.aliases = [*unit.aliases, phrase]
                org_services.unit_save(unit=unit)
        return len(self.mapping)


class TaskFilterForm(forms.Form):
    STATUS = [
        ("", "Tất cả"),
        ("overdue", "Quá hạn"),
        (Progress.NOT_STARTED, "Chưa thực hiện"),
        (Progress.IN_PROGRESS, "Đang thực hiện"),
        ("done", "Đã hoàn thành"),
    ]
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), required=False, to_field_name="code")
    plan = forms.IntegerField(required=False, widget=forms.HiddenInput)
    group = forms.CharField(label="Nhóm", required=False, max_length=10)
    status = forms.ChoiceField(label="Tình trạng", choices=STATUS, required=False)
    due_within = forms.IntegerField(label="Đến hạn trong (ngày)", required=False, min_value=1, max_value=366)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.exclude(kind="office").order_by("path")


class EvidenceForm(forms.Form):
    progress = forms.ChoiceField(label="Tiến độ", choices=Progress.choices)
    completed_on = forms.DateField(label="Ngày hoàn thành", required=False,
                                   widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    document_number = forms.CharField(label="Số văn bản minh chứng", required=False, max_length=60)
    document_date = forms.DateField(label="Ngày văn bản", required=False,
                                    widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))
    link = forms.URLField(label="Đường dẫn", required=False, assume_scheme="https")
    file = forms.FileField(label="Tệp minh chứng", required=False)
    note = forms.CharField(label="Ghi chú", required=False, max_length=500)

    ALLOWED = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png", ".zip")

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            if not upload.name.lower().endswith(self.ALLOWED):
                raise forms.ValidationError("Tệp minh chứng phải là PDF, Word, Excel, ảnh hoặc ZIP.")
            if upload.size > self.max_bytes:
                raise forms.ValidationError(f"Tệp quá lớn (tối đa {self.max_bytes // (1024 * 1024)} MB).")
        return upload

    def evidence(self) -> dict | None:
        data = self.cleaned_data
        fields = {k: data.get(k) for k in ("document_number", "document_date", "link", "note")}
        if data.get("file"):
            fields["file"] = data["file"]
        if not (fields.get("document_number") or fields.get("link") or fields.get("file")):
            return None
        return {k: (v if v is not None else "") for k, v in fields.items() if k != "document_date"} | (
            {"document_date": data.get("document_date")}
        )


class PlanRequestForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label="Các đơn vị phải xây dựng kế hoạch",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chọn nhóm; có thể bỏ bớt đơn vị ở ô dưới.",
    )
    exclude = forms.CharField(
        label="Trừ các đơn vị (mã, cách nhau bởi dấu phẩy)", required=False,
        widget=forms.TextInput(attrs={"placeholder": "Ví dụ: 37.TTRA, 13285"}),
    )
    deadline = forms.DateField(
        label="Hạn ban hành", widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
    )
    message = forms.CharField(label="Lời nhắn", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from cchc.orgs.models import GroupScope, UnitGroup

        self.fields["groups"].queryset = UnitGroup.objects.filter(scope=GroupScope.PROVINCE).order_by("name")

    def clean_exclude(self):
        codes = [c.strip() for c in self.cleaned_data["exclude"].replace(";", ",").split(",") if c.strip()]
        known = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError("Không có đơn vị mã: " + ", ".join(unknown) + ".")
        return set(codes)


class DraftForm(forms.Form):
    """The unit edits its generated draft: plain text fields, one item per line."""

    title = forms.CharField(label="Trích yếu", max_length=500)
    implements = forms.CharField(label="Căn cứ, thực hiện", widget=forms.Textarea(attrs={"rows": 3}))
    objectives = forms.CharField(label="Mục đích, yêu cầu (mỗi dòng một ý)", required=False,
                                 widget=forms.Textarea(attrs={"rows": 5}))
    topics = forms.CharField(label="Nội dung tuyên truyền (mỗi dòng một mục)", required=False,
                             widget=forms.Textarea(attrs={"rows": 8}))
    channels = forms.CharField(label="Hình thức (mỗi dòng một mục)", required=False,
                               widget=forms.Textarea(attrs={"rows": 6}))
    number = forms.CharField(label="Số kế hoạch (khi ban hành)", required=False, max_length=40,
                             widget=forms.TextInput(attrs={"placeholder": "Ví dụ 45/KH-UBND"}))
    issued_on = forms.DateField(label="Ngày ban hành", required=False,
                                widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}))

    def __init__(self, *args, duties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.duty_fields = []
        for i, duty in enumerate(duties):
            name = f"duty_{i}"
            self.fields[name] = forms.CharField(label=f"Nhiệm vụ của {duty.heading}", required=False,
                                                widget=forms.Textarea(attrs={"rows": 4}))
            self.initial.setdefault(name, "\n".join(duty.items))
            self.duty_fields.append(name)
