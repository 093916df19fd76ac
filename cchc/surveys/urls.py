from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    # Public (no account): the link and QR code of a survey, and its published aggregates.
    path("p/<str:token>/", views.answer, name="answer"),
    path("p/<str:token>/cam-on/", views.thanks, name="thanks"),
    path("p/<str:token>/ket-qua/", views.public_results, name="public_results"),
    # Staff.
    path("", views.index, name="index"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/ma-qr.svg", views.qr, name="qr"),
    path("<int:pk>/in-ma-qr/", views.qr_print, name="qr_print"),
    path("<int:pk>/phieu-giay/", views.paper, name="paper"),
    path("phieu/moi/", views.questionnaire_new, name="questionnaire_new"),
    path("phieu/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("so-ho-so/", views.files_handled, name="files_handled"),
    path("phieu/<int:pk>/xuat-excel/", views.questionnaire_export, name="questionnaire_export"),
    path("dua-vao-ky-danh-gia/", views.push, name="push"),
]
