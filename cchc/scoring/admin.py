from django.contrib import admin

from .models import AppraiserAssignment, CriteriaSet, Node, NodeEvidence, NodeScore, Round, Scorecard


class NodeInline(admin.TabularInline):
    model = Node
    fields = ["code", "title", "max_points", "source", "na_allowed"]
    extra = 0
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["slug", "year", "unit_type", "version", "document", "part1_max"]
    list_filter = ["year", "unit_type"]
    search_fields = ["slug", "title", "document"]
    raw_id_fields = ["previous"]
    inlines = [NodeInline]


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["code", "criteria_set", "max_points", "source", "na_allowed", "rule_version"]
    list_filter = ["criteria_set", "source"]
    search_fields = ["code", "title"]
    raw_id_fields = ["criteria_set", "parent", "origin"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "criteria_set", "status", "published_at"]
    list_filter = ["year", "status"]
    raw_id_fields = ["criteria_set", "created_by"]
    filter_horizontal = ["excluded_nodes"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["unit", "round", "status", "points", "maximum", "index", "rank", "rating"]
    list_filter = ["round", "status", "ranked"]
    search_fields = ["unit__name"]
    raw_id_fields = ["round", "unit"]


@admin.register(NodeScore)
class NodeScoreAdmin(admin.ModelAdmin):
    list_display = ["scorecard", "node", "self_points", "appraised_points_1", "appraised_points_2", "set_version"]
    raw_id_fields = ["scorecard", "node", "appraiser_1", "appraiser_2"]


@admin.register(NodeEvidence)
class NodeEvidenceAdmin(admin.ModelAdmin):
    list_display = ["node_score", "document_number", "document_date", "link"]
    raw_id_fields = ["node_score", "uploaded_by"]


@admin.register(AppraiserAssignment)
class AppraiserAssignmentAdmin(admin.ModelAdmin):
    list_display = ["round", "user"]
    raw_id_fields = ["round", "user"]
    filter_horizontal = ["areas"]
