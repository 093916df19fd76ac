from django.core.exceptions import ValidationError


class ReportError(ValidationError):
    """A refused action on a report; `messages` are shown to the person as they are."""
