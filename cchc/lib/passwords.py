from django.contrib.auth.password_validation import MinimumLengthValidator as BaseMinimumLength


class MinimumLengthValidator(BaseMinimumLength):
    """Django's Vietnamese catalogue lacks this message (a plural form): say it in Vietnamese."""

    def get_error_message(self) -> str:
        return f"Mật khẩu này quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu cần ít nhất {self.min_length} ký tự."
