from django.contrib import admin

from . import models


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "author", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["unit", "author", "cover", "published_by"]
    # The body is sanitised by the service; editing it raw here would bypass that.
    readonly_fields = ["body", "status", "published_at"]


@admin.register(models.ServiceGuide)
class ServiceGuideAdmin(admin.ModelAdmin):
    list_display = ["title", "position"]
    readonly_fields = ["body"]  # sanitised by services.guide_save; edited in the editors' workspace


for model in (models.LegalDocument, models.ProcedureChange, models.Contact):
    admin.site.register(model)
