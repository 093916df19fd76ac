from django.urls import path, re_path

from . import views

app_name = "feedback"

urlpatterns = [
    # Public (no account).
    path("", views.public_list, name="public_list"),
    path("gui/", views.submit, name="submit"),
    re_path(r"^(?P<code>[A-Za-z2-9]{10})/$", views.track, name="track"),
    # Staff.
    path("xu-ly/", views.staff_list, name="staff_list"),
    path("xu-ly/thong-ke/", views.stats, name="stats"),
    path("xu-ly/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("xu-ly/<int:pk>/anh/<int:file_pk>/", views.attachment, name="attachment"),
]
