from django.urls import path

from . import feeds, views, workspace

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("tin-tuc/", views.article_list, name="article_list"),
    path("tin-tuc/atom.xml", feeds.LatestArticlesFeed(), name="feed"),
    path("tin-tuc/<slug:slug>/", views.article_detail, name="article"),
    path("anh/<int:pk>/", views.image, name="image"),
    path("van-ban/", views.legal_list, name="legal_list"),
    path("thu-tuc-hanh-chinh/", views.procedure_list, name="procedure_list"),
    path("dich-vu-cong/", views.guide_list, name="guide_list"),
    path("dich-vu-cong/<slug:slug>/", views.guide_detail, name="guide"),
    path("lien-he/", views.contacts, name="contacts"),
    path("tien-do-ke-hoach/", views.accountability_page, name="accountability"),
    path("tim-kiem/", views.search, name="search"),
    # The workspace of collaborators and editors.
    path("bien-tap/", workspace.dashboard, name="workspace"),
    path("bien-tap/bai-viet/moi/", workspace.article_new, name="article_new"),
    path("bien-tap/bai-viet/<int:pk>/", workspace.article_edit, name="article_edit"),
    path("bien-tap/bai-viet/<int:pk>/anh/", workspace.article_image, name="article_image"),
    path("bien-tap/bai-viet/<int:pk>/<str:action>/", workspace.article_action, name="article_action"),
    path("bien-tap/thong-ke/", workspace.stats, name="stats"),
    path("bien-tap/<str:kind>/", workspace.content_list, name="content_list"),
    path("bien-tap/<str:kind>/moi/", workspace.content_edit, name="content_new"),
    path("bien-tap/<str:kind>/<int:pk>/", workspace.content_edit, name="content_edit"),
]
