from django.apps import AppConfig


class DatasetConfig(AppConfig):
    name = "cchc.dataset"
    label = "dataset"
    verbose_name = "Dữ liệu tổng hợp quy mô toàn quốc"
    default_auto_field = "django.db.models.BigAutoField"
