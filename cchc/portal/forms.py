from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .images import image_clean, max_bytes
from .models import Contact, LegalDocument, ProcedureChange, ServiceGuide


class DateInput(forms.DateInput):
    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


def _https_urls(field, **kwargs):
    """Model form fields, with URLs assumed https:// when typed without a scheme."""
    if isinstance(field, models.URLField):
        return forms.URLField(label=field.verbose_name.capitalize(), required=not field.blank,
                              max_length=field.max_length, assume_scheme="https")
    return field.formfield(**kwargs)


def _mb() -> int:
    return max_bytes() // (1024 * 1024)


class ImageField(forms.FileField):
    """An optional image checked by its content (JPEG/PNG/WebP); cleaned value is the upload."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", f"JPEG, PNG hoặc WebP, tối đa {_mb()} MB.")
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            # Checked here for a clear message next to the field; the service re-encodes it.
            image_clean(upload)
            upload.seek(0)
        return upload


class ArticleForm(forms.Form):
    title = forms.CharField(label="Tiêu đề", max_length=300,
                            error_messages={"required": "Hãy nhập tiêu đề bài viết."})
    summary = forms.CharField(label="Tóm tắt (sapo)", max_length=600, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Để trống thì lấy những câu đầu của bài.")
    body = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Gõ văn bản thường (mỗi đoạn cách nhau một dòng trống) hoặc HTML đơn giản: "
                  "<p>, <h2>, <ul>, <strong>, <a>, <img>, <table>…",
    )
    unit = forms.ChoiceField(label="Đơn vị")
    image = ImageField(label="Ảnh minh họa")
    image_alt = forms.CharField(label="Mô tả ảnh", max_length=300, required=False,
                                help_text="Cho người dùng trình đọc màn hình và khi ảnh không tải được.")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [(str(u.pk), u.name) for u in units]

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]


class ImageUploadForm(forms.Form):
    image = ImageField(label="Ảnh", required=True, error_messages={"required": "Hãy chọn ảnh."})
    alt = forms.CharField(label="Mô tả ảnh", max_length=300, required=False)
    as_cover = forms.BooleanField(label="Dùng làm ảnh đại diện", required=False)


class ReturnForm(forms.Form):
    note = forms.CharField(label="Ý kiến biên tập", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "Hãy ghi ý kiến để cộng tác viên biết cần sửa gì."})


class PublishForm(forms.Form):
    record_as_activity = forms.BooleanField(
        label="Ghi nhận là hoạt động tuyên truyền của đơn vị tác giả", required=False, initial=True,
    )


class LegalDocumentForm(forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = LegalDocument
        fields = ["kind", "number", "title", "issuer", "issued_on", "effective_on", "level", "url", "is_public"]
        widgets = {"issued_on": DateInput(), "effective_on": DateInput(), "title": forms.Textarea(attrs={"rows": 2})}


class ProcedureChangeForm(forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = ProcedureChange
        fields = ["name", "code", "field", "change", "level", "deciding_document", "decided_on", "effective_on",
                  "replaces", "summary", "service_url"]
        widgets = {"decided_on": DateInput(), "effective_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("change") == "replaced" and not data.get("replaces"):
            raise ValidationError({"replaces": "Hãy ghi tên thủ tục bị thay thế."})
        return data


class ServiceGuideForm(forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = ServiceGuide
        fields = ["title", "summary", "body", "service_url", "position"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2}), "body": forms.Textarea(attrs={"rows": 14})}


class ContactForm(forms.ModelForm):
    class Meta:
        formfield_callback = _https_urls
        model = Contact
        fields = ["name", "address", "phone", "email", "hours", "is_hotline", "note", "position"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
