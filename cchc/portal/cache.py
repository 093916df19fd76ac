"""The public section's page cache: whole rendered pages for anonymous readers, in Django's cache.

Only anonymous GET requests that carry no pending message are served from, or stored in, the cache;
a signed-in reader (an editor, a collaborator) always gets a live page. The public pages hold only
GET forms (search, filters), so a cached page never carries a CSRF token meant for someone else.

Invalidation is a version number: every key includes `portal:version`, and any change to the
portal's content (an article saved, published, unpublished; a document, procedure, guide, contact or
image saved or deleted) increments it, so the next request renders afresh and old entries expire
on their own. Pages built from other apps' data (the plan-progress page) are not invalidated but
kept for a short time (`timeout=60`).

View counting survives the cache: a cached article page remembers its article's id, and each
anonymous hit still records one view before returning the page — one Redis HINCRBY when the cache
is Redis (no database query at all), else one INSERT, as the live view does (services.py).

Anonymous readers who carry a csrftoken cookie (they once opened the login page) are served from
the cache like any other; a page is never stored when its answer would set a cookie or carry
something personal (a CSRF token, a message, a changed session).
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "portal:version"
# How long a versioned page is kept at most: the view counts and "most read" it shows change only
# when the rollup runs, so by default as long as the rollup interval.
DEFAULT_TIMEOUT = 300


def version() -> int:
    found = cache.get(VERSION_KEY)
    if found is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        found = cache.get(VERSION_KEY) or 1
    return int(found)


def bump() -> None:
    """Make every cached public page stale (the next reader renders it afresh)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (a cleared cache): start above any old one
        cache.add(VERSION_KEY, 2, timeout=None)


def _on_change(sender, **kwargs) -> None:
    # At once (the editor's next look is fresh) and after commit (a reader who rendered the old
    # content between the save and the commit does not keep it).
    bump()
    transaction.on_commit(bump)


def connect() -> None:
    from . import models

    for model in (models.Article, models.ArticleImage, models.LegalDocument, models.ProcedureChange,
                  models.ServiceGuide, models.Contact):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"portal-cache-{model.__name__}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"portal-cache-{model.__name__}-delete")


def cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or request.user.is_authenticated:
        return False
    # A message waiting to be shown belongs to this reader only.
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and "_messages" in session)


def _personal(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the answer carries something for this reader only. The middleware that sets the
    cookies runs after the view, so what the view asked for is checked here: a CSRF token (its value
    would be in the HTML), a message, a changed session, or a cookie set by the view itself."""
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return True
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "added_new", False):
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and session.modified)


def page_key(request: HttpRequest, *, versioned: bool) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"portal:page:{version() if versioned else 0}:{digest}"


def public_page(view=None, *, timeout: int | None = None, versioned: bool = True):
    """Decorator: serve the view from the cache to anonymous readers.

    A view may set `response.portal_article_id` on a public article's page: each cached hit of that
    page then still counts one view of the article."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not cacheable(request):
                return func(request, *args, **kwargs)
            key = page_key(request, versioned=versioned)
            entry = cache.get(key)
            if entry is not None:
                content, content_type, article_id = entry
                if article_id is not None:
                    from . import services

                    services.view_record_pk(article_id=article_id,
                                            user_agent=request.headers.get("User-Agent", ""))
                response = HttpResponse(content, content_type=content_type)
                response["X-Portal-Cache"] = "hit"
                return response
            response = func(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not _personal(request, response):
                ttl = timeout if timeout is not None else getattr(settings, "PORTAL_PAGE_CACHE_SECONDS",
                                                                  DEFAULT_TIMEOUT)
                cache.set(key, (response.content, response["Content-Type"],
                                getattr(response, "portal_article_id", None)), ttl)
                response["X-Portal-Cache"] = "miss"
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
