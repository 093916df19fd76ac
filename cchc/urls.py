from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cchc.api import api
from cchc.core import views as core_views
from cchc.plans.urls import task_urlpatterns

urlpatterns = [
    path("", core_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("don-vi/", include("cchc.orgs.urls")),
    path("ke-hoach/", include("cchc.plans.urls")),
    path("nhiem-vu/", include(task_urlpatterns)),
    path("tuyen-truyen/", include("cchc.comms.urls")),
    path("chi-so-cchc/", include("cchc.scoring.urls")),
    path("bao-cao/", include("cchc.reports.urls")),
    path("khao-sat/", include("cchc.surveys.urls")),
    path("kiem-tra/", include("cchc.inspections.urls")),
    path("cai-cach-hanh-chinh/", include("cchc.portal.urls")),
    path("cuoc-thi/", include("cchc.contest.urls")),
    path("phan-anh/", include("cchc.feedback.urls")),
    path("lich-su/<str:model>/<int:pk>/", core_views.history, name="history"),
    path("thong-bao/", core_views.notifications, name="notifications"),
    path("nguon/<slug:name>/", core_views.records, name="records"),
    path("cong-viec/", include("cchc.jobs.urls")),  # background jobs and their progress
    path("api/", api.urls),
    path("quan-tri/", admin.site.urls),
]

admin.site.site_header = "Quản trị hệ thống CCHC"
admin.site.site_title = "CCHC"
