from django.urls import path

from . import cascade_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("nhap/", views.plan_import, name="plan_import"),
    path("nhap/<int:pk>/", views.import_status, name="import_status"),
    path("nhap/<int:pk>/sua-ten-don-vi/", views.import_fix, name="import_fix"),
    path("nhap/<int:pk>/doc-nhu/", views.import_read_as, name="import_read_as"),
    path("nhap/<int:pk>/tim-don-vi/", views.import_targets, name="import_targets"),
    path("nhap/<int:pk>/giao-viec/", views.import_summary, name="import_summary"),
    path("nhap/<int:pk>/luu/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/ke-hoach.docx", views.plan_docx, name="plan_docx"),
    path("<int:pk>/nhiem-vu.xlsx", views.plan_tasks_xlsx, name="plan_tasks_xlsx"),
    path("<int:pk>/yeu-cau-xay-dung/", cascade_views.request_create, name="request_create"),
    path("yeu-cau/<int:pk>/", cascade_views.request_status, name="request_status"),
    path("yeu-cau/<int:pk>/nhac/", cascade_views.request_remind, name="request_remind"),
    path("yeu-cau/<int:pk>/xuat.xlsx", cascade_views.request_export, name="request_export"),
    path("xay-dung/", cascade_views.obligation_list, name="obligation_list"),
    path("xay-dung/<int:pk>/", cascade_views.obligation_detail, name="obligation_detail"),
    path("xay-dung/<int:pk>/luu/", cascade_views.obligation_save_draft, name="obligation_save_draft"),
    path("xay-dung/<int:pk>/du-thao.docx", cascade_views.obligation_draft_docx, name="obligation_draft_docx"),
    path("xay-dung/<int:pk>/tai-len/", cascade_views.obligation_upload, name="obligation_upload"),
]

# Mounted at /nhiem-vu/ under the "tasks" namespace.
task_urlpatterns = (
    [
        path("", views.task_board, name="board"),
        path("cua-toi/", views.my_tasks, name="mine"),
        path("<int:pk>/", views.assignment_detail, name="detail"),
        path("<int:pk>/minh-chung/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
    ],
    "tasks",
)
