from django import forms
from django.conf import settings

from cchc import policy
from cchc.orgs import services as org_services
from cchc.orgs.models import Unit, UnitKind, active_units_q

from .jobs import import_context
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


def importable_units(user):
    """Units in force that issue plans (not closed ones kept as history, not internal offices)
    and that this person may save a plan for."""
    units = policy.visible_units(user).filter(active_units_q()).exclude(kind=UnitKind.OFFICE).order_by("path")
    if policy.is_coordinator(user):
        return units
    return units.filter(pk__in=[u.pk for u in units if policy.can_import_plan_for(user, u)])


class ConfirmForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị ban hành", queryset=Unit.objects.none())
    parent = forms.ModelChoiceField(label="Thực hiện kế hoạch (cấp trên)", queryset=Plan.objects.none(), required=False)
    # Shown (in the assignment summary) only when the plan would reach no unit.
    save_unassigned = forms.BooleanField(label="Lưu dù chưa giao cho đơn vị nào", required=False)

    def __init__(self, *args, user, parsed, **kwargs):
        super().__init__(*args, **kwargs)
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

    def initial_unit(self) -> Unit | None:
        pk = self.initial.get("unit")
        return self.fields["unit"].queryset.filter(pk=pk).first() if pk else None


class ReadAsForm(forms.Form):
    """"Đọc như văn bản của đơn vị…": whose plan the file is read as (another province's plan
    adopted by one of ours, a plan whose issuer the tree does not know)."""

    unit = forms.ModelChoiceField(
        label="Đọc như văn bản của đơn vị", queryset=Unit.objects.none(), required=False,
        empty_label="— như trong tệp —",
        help_text="Cơ quan ban hành được hiểu là đơn vị này; “các sở, ban, ngành”, “UBND các xã, phường” "
                  "được hiểu là của đơn vị này.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = importable_units(user)


MAX_NAMES = 60


def import_root(job) -> int | None:
    """The tree (province) an import's names are looked for in: the unit it is read as, else ours."""
    unit = import_context(job) or Unit.objects.filter(code=getattr(settings, "CCHC_PROVINCE_CODE", None)).first()
    return org_services.province_root(unit) if unit is not None and unit.path else None


def unresolved_names(parsed) -> list[str]:
    """The distinct unit names the reader could not resolve, in the order the plan has them."""
    seen: list[str] = []
    for problem in parsed.unresolved:
        if problem["kind"] == "unit" and problem["text"] and problem["text"] not in seen:
            seen.append(problem["text"])
    return seen


class NameMappingForm(forms.Form):
    """Each name the reader did not know → the unit or the group it stands for, found by its name
    (a picker suggests; typing a name works without JavaScript). Several names in one submit,
    all saved or none; each is remembered as an alias of its target."""

    def __init__(self, *args, parsed, user, job, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.names = unresolved_names(parsed)
        self.rows = []
        for i, name in enumerate(self.names[:MAX_NAMES]):
            self.fields[f"phrase_{i}"] = forms.CharField(widget=forms.HiddenInput, initial=name, required=False,
                                                         max_length=300)
            self.fields[f"target_{i}"] = forms.CharField(
                label=name, required=False, max_length=300,
                widget=forms.TextInput(attrs={"list": "don-vi-goi-y", "autocomplete": "off",
                                              "placeholder": "Gõ tên đơn vị hoặc nhóm, ví dụ: UBND cấp xã"}),
            )
            self.rows.append((self[f"phrase_{i}"], self[f"target_{i}"]))
        self.more = max(0, len(self.names) - MAX_NAMES)
        self.root = import_root(job)

    def search(self) -> org_services.TargetSearch:
        if not hasattr(self, "_search"):
            self._search = org_services.TargetSearch(units=policy.visible_units(self.user))
        return self._search

    def clean(self):
        data = super().clean()
        self.mapping: list[tuple[str, object]] = []
        self.stale: list[str] = []
        if not policy.can_manage_units(self.user):
            raise forms.ValidationError("Chỉ cán bộ điều phối được thêm tên gọi cho đơn vị.")
        for i in range(len(self.rows)):
            text = (data.get(f"target_{i}") or "").strip()
            if not text:
                continue
            phrase = (data.get(f"phrase_{i}") or "").strip()
            if phrase not in self.names:
                self.stale.append(phrase)  # read differently since the page was shown
                continue
            target, error = self.search().find(text, prefer_root=self.root)
            if target is None:
                self.add_error(f"target_{i}", error)
                continue
            if isinstance(target, Unit) and self.root is not None and target.path and \
                    org_services.province_root(target) != self.root:
                self.add_error(f"target_{i}", f"{org_services.target_label(target)} thuộc tỉnh khác với đơn vị "
                                              "ban hành: không ghi nhận tên gọi này.")
                continue
            self.mapping.append((phrase, target))
        return data

    def apply(self) -> org_services.MappingResult:
        return org_services.name_mappings_add(pairs=self.mapping, user=self.user)


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
