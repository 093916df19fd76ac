from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("bo-tieu-chi/", views.set_list, name="set_list"),
    path("bo-tieu-chi/<int:pk>/", views.set_detail, name="set_detail"),
    path("bo-tieu-chi/<int:pk>/xuat.xlsx", views.set_export, name="set_export"),
    path("bo-tieu-chi/<int:pk>/nhap/", views.set_import, name="set_import"),
    path("bo-tieu-chi/<int:pk>/sao-chep/", views.set_copy, name="set_copy"),
    path("ky/mo/", views.round_open, name="round_open"),
    path("ky/<int:pk>/", views.round_detail, name="round_detail"),
    path("ky/<int:pk>/chuyen-giai-doan/", views.round_advance, name="round_advance"),
    path("ky/<int:pk>/phan-cong/", views.round_assign, name="round_assign"),
    path("ky/<int:pk>/khao-sat/", views.survey_import, name="survey_import"),
    path("ky/<int:pk>/khao-sat/mau.xlsx", views.survey_template, name="survey_template"),
    path("ky/<int:pk>/tham-dinh/", views.appraisal_import, name="appraisal_import"),
    path("ky/<int:pk>/cong-bo/", views.round_publish, name="round_publish"),
    path("ky/<int:pk>/ket-qua/", views.results, name="results"),
    path("ky/<int:pk>/ket-qua.<str:fmt>", views.annex, name="annex"),
    path("phieu/<int:pk>/", views.scorecard, name="scorecard"),
    path("phieu/<int:pk>/gui/", views.scorecard_submit, name="scorecard_submit"),
    path("phieu/<int:pk>/ap-dung-so-lieu/", views.scorecard_apply, name="scorecard_apply"),
    path("phieu/<int:pk>/tra-lai/", views.scorecard_return, name="scorecard_return"),
    path("phieu/<int:pk>/lich-su/", views.scorecard_history, name="scorecard_history"),
    path("phieu/<int:pk>/tieu-chi/<int:node_id>/", views.node_save, name="node_save"),
    path("phieu/<int:pk>/tieu-chi/<int:node_id>/tinh-thu/", views.node_preview, name="node_preview"),
    path("phieu/<int:pk>/tieu-chi/<int:node_id>/goi-y/", views.node_suggest, name="node_suggest"),
    path("phieu/<int:pk>/tieu-chi/<int:node_id>/minh-chung/", views.evidence_add, name="evidence_add"),
    path("phieu/<int:pk>/tieu-chi/<int:node_id>/tham-dinh/", views.node_appraise, name="node_appraise"),
    path("phieu/<int:pk>/minh-chung/<int:evidence_id>/xoa/", views.evidence_delete, name="evidence_delete"),
    path("phieu/<int:pk>/minh-chung/<int:evidence_id>/tep/", views.evidence_file, name="evidence_file"),
]
