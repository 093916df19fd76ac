"""Atom feed of the latest published articles (for readers, aggregators and the press)."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Article, ArticleStatus
from .views import absolute, province_name


class LatestArticlesFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"Tin cải cách hành chính – {province_name()}"

    def subtitle(self) -> str:
        return f"Tin tức về cải cách hành chính của {province_name()}"

    def link(self) -> str:
        return absolute("/cai-cach-hanh-chinh/tin-tuc/")

    def feed_url(self) -> str:
        return absolute("/cai-cach-hanh-chinh/tin-tuc/atom.xml")

    def items(self):
        return (
            Article.objects.filter(status=ArticleStatus.PUBLISHED)
            .select_related("unit", "author")
            .only("title", "slug", "excerpt", "published_at", "updated_at", "unit__name", "author__full_name",
                  "author__username")
            .order_by("-published_at", "-pk")[:30]
        )

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.excerpt

    def item_link(self, item: Article) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str:
        return item.unit.name
