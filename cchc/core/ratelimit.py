"""One hourly limit per network address for the public forms that take no account (survey sheets,
feedback): counted in Django's cache, the address hashed and never stored."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils import timezone


def over_hourly_limit(request, scope: str, limit: int) -> bool:
    """Count this request; True once the address has gone past `limit` this hour (0 = no limit)."""
    if not limit:
        return False
    address = hashlib.sha256((request.META.get("REMOTE_ADDR") or "").encode()).hexdigest()[:24]
    key = f"{scope}:rate:{address}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, 3700)
    try:
        return cache.incr(key) > limit
    except ValueError:  # the key expired between add and incr: a new hour has begun
        return False
