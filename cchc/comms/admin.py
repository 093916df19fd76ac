from django.contrib import admin

from .models import Activity, ActivityFile, Requirement


class ActivityFileInline(admin.TabularInline):
    model = ActivityFile
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["date", "unit", "channel", "title", "quantity", "reach"]
    list_filter = ["channel", "date"]
    search_fields = ["title", "unit__name", "unit__code", "source_key"]
    raw_id_fields = ["unit", "created_by"]
    filter_horizontal = ["topics"]
    inlines = [ActivityFileInline]
    date_hierarchy = "date"


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "source", "min_activities"]
    list_filter = ["kind"]
    raw_id_fields = ["plan"]
