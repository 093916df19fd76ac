from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "cchc.jobs"
    verbose_name = "Công việc chạy nền"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app registers its kinds of job in `<app>.jobs_runners`; the worker must know them all.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs_runners")
