from django.urls import path

from . import views

app_name = "contest"

urlpatterns = [
    # Staff (signed in).
    path("quan-ly/", views.manage_index, name="manage"),
    path("quan-ly/mau-ngan-hang-cau-hoi.xlsx", views.bank_template, name="bank_template"),
    path("quan-ly/<int:pk>/", views.manage_contest, name="manage_contest"),
    path("quan-ly/<int:pk>/ngan-hang-cau-hoi.xlsx", views.bank_export, name="bank_export"),
    path("quan-ly/<int:pk>/dot/<int:round_pk>/", views.manage_round, name="manage_round"),
    path("quan-ly/<int:pk>/dot/<int:round_pk>/cong-bo/", views.publish, name="publish"),
    path("quan-ly/<int:pk>/dot/<int:round_pk>/nguoi-dat-giai.xlsx", views.winners_export, name="winners_export"),
    # Public (no account).
    path("", views.public_index, name="index"),
    path("bai-thi/<str:token>/", views.take, name="take"),
    path("bai-thi/<str:token>/ket-qua/", views.result, name="result"),
    path("<slug:slug>/", views.contest_page, name="contest"),
    path("<slug:slug>/dang-ky/", views.register, name="register"),
    path("<slug:slug>/doi-nguoi-du-thi/", views.forget, name="forget"),
    path("<slug:slug>/dot-<int:number>/bat-dau/", views.start, name="start"),
    path("<slug:slug>/dot-<int:number>/ket-qua/", views.round_results, name="round_results"),
]
