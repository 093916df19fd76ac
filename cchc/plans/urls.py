from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("nhap/", views.plan_import, name="plan_import"),
    path("nhap/<int:pk>/", views.import_status, name="import_status"),
    path("nhap/<int:pk>/sua-ten-don-vi/", views.import_fix, name="import_fix"),
    path("nhap/<int:pk>/luu/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/ke-hoach.docx", views.plan_docx, name="plan_docx"),
    path("<int:pk>/nhiem-vu.xlsx", views.plan_tasks_xlsx, name="plan_tasks_xlsx"),
]

# Mounted at /nhiem-vu/ under the "tasks" namespace.
task_urlpatterns = (
    [
        path("", views.task_board, name="board"),
        path("cua-toi/", views.my_tasks, name="mine"),
        path("<int:pk>/", views.assignment_detail, name="detail"),
    ],
    "tasks",
)
