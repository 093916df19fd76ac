"""Signals the portal sends. Other apps connect receivers; the portal only sends.

`article_published` is sent (inside the publishing transaction) each time an editor publishes an
article, with `article=<Article>`. The Article carries `unit`, `author`, `title`, `published_at`,
`get_absolute_url()` and `record_as_activity` (the editor's checkbox): the communication app uses
it to record the article as an activity of the author's unit.
"""

from django.dispatch import Signal

article_published = Signal()
