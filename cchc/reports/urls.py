from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("tong-quan/", views.dashboard, name="dashboard"),
    path("nguon-so-lieu/", views.sources_page, name="sources"),
    path("bo-bieu-mau/", views.formset_list, name="formset_list"),
    path("bo-bieu-mau/tai-len/", views.formset_upload, name="formset_upload"),
    path("bo-bieu-mau/<int:pk>/", views.formset_detail, name="formset_detail"),
    path("bo-bieu-mau/<int:pk>/dinh-nghia.xlsx", views.formset_download, name="formset_download"),
    path("bo-bieu-mau/<int:pk>/sao-chep/", views.formset_copy, name="formset_copy"),
    path("ky/mo/", views.period_open, name="period_open"),
    path("ky/<int:pk>/", views.watch, name="watch"),
    path("ky/<int:pk>/nhac/", views.remind, name="remind"),
    path("ky/<int:pk>/tong-hop/", views.compile_view, name="compile"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/tinh-thu/", views.report_preview, name="preview"),
    path("<int:pk>/nguon/<int:indicator_pk>/", views.value_records, name="value_records"),
    path("<int:pk>/nhap-so-lieu/", views.report_import, name="import_values"),
    path("<int:pk>/gui/", views.report_submit, name="submit"),
    path("<int:pk>/duyet/", views.report_approve, name="approve"),
    path("<int:pk>/tra-lai/", views.report_return, name="return"),
    path("<int:pk>/mo-lai/", views.report_reopen, name="reopen"),
    path("<int:pk>/bao-cao.docx", views.report_docx, name="docx"),
    path("<int:pk>/bao-cao.xlsx", views.report_xlsx, name="xlsx"),
]
