from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.index, name="index"),
    path("cua-toi/", views.my_findings, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/chon-don-vi/", views.choose, name="choose"),
    path("<int:pk>/nhap/", views.import_table, name="import"),
    path("<int:pk>/doan/", views.team_add, name="team_add"),
    path("don-vi/<int:pk>/", views.target_detail, name="target"),
    path("don-vi/<int:pk>/van-de/", views.finding_add, name="finding_add"),
    path("don-vi/<int:pk>/ket-luan/", views.conclusion, name="conclusion"),
    path("don-vi/<int:pk>/thong-bao-ket-luan.docx", views.conclusion_docx, name="conclusion_docx"),
    path("van-de/<int:pk>/", views.finding_detail, name="finding"),
]
