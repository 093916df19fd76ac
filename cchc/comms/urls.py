from django.urls import path

from . import views

app_name = "comms"

urlpatterns = [
    path("", views.index, name="index"),
    path("ghi-nhanh/", views.quick_create, name="quick"),
    path("hoat-dong/", views.activity_list, name="list"),
    path("hoat-dong/moi/", views.activity_create, name="create"),
    path("hoat-dong/xuat.xlsx", views.activity_export, name="export"),
    path("hoat-dong/nhap/", views.activity_import, name="import"),
    path("hoat-dong/nhap/mau.xlsx", views.import_template, name="import_template"),
    path("hoat-dong/<int:pk>/", views.activity_detail, name="detail"),
    path("hoat-dong/<int:pk>/sua/", views.activity_edit, name="edit"),
    path("hoat-dong/<int:pk>/xoa/", views.activity_delete, name="delete"),
    path("hoat-dong/<int:pk>/tep/<int:file_pk>/", views.file_download, name="file"),
    path("do-bao-phu/", views.coverage, name="coverage"),
    path("don-vi-hinh-thuc/", views.unit_matrix, name="units"),
    path("yeu-cau/", views.requirement_check, name="requirements"),
    path("yeu-cau/<int:pk>/sua/", views.requirement_edit, name="requirement_edit"),
    path("yeu-cau/them/<int:plan_pk>/", views.requirement_edit, name="requirement_add"),
]
