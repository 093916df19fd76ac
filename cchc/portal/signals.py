"""Signals the portal sends. Other apps connect receivers; the portal only sends.

`article_published` is sent (inside the publishing transaction) each time an editor publishes an
article, with `article=<Article>`. The Article carries `unit`, `author`, `title`, `published_at`,
`get_absolute_url()` and `record_as_activity` (the editor's checkbox): the communication app uses
it to record the article as an activity of the author's unit.
"""

from django.dispatch import Signal

article_published = Signal()

# The public page cache is made stale by any change of the portal's content (cchc/portal/cache.py).
from . import cache as _page_cache  # noqa: E402

_page_cache.connect()
