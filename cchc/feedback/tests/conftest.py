import pytest
from django.core.cache import cache

from cchc.feedback import services


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()  # the rate limit counts per address and hour in the cache; tests all come from 127.0.0.1
    yield
    cache.clear()


@pytest.fixture
def categories(db):
    services.sync_categories()
    return {c.slug: c for c in services.categories()}
