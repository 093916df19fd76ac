from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    path("them/", views.unit_create, name="unit_create"),
    path("nhap/", views.units_import, name="units_import"),
    path("xuat.xlsx", views.units_export, {"fmt": "xlsx"}, name="units_export_xlsx"),
    path("xuat.csv", views.units_export, {"fmt": "csv"}, name="units_export_csv"),
    path("nhan-dien/", views.resolve, name="resolve"),
    path("nguoi-dung/", views.people_list, name="people_list"),
    path("vai-tro/<int:pk>/xoa/", views.membership_remove, name="membership_remove"),
    path("<str:code>/", views.unit_detail, name="unit_detail"),
    path("<str:code>/con/", views.unit_children, name="unit_children"),
    path("<str:code>/sua/", views.unit_edit, name="unit_edit"),
    path("<str:code>/xoa/", views.unit_delete, name="unit_delete"),
    path("<str:code>/nguoi-dung/them/", views.person_add, name="person_add"),
]
