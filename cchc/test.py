"""The named cast the tests use, built through the services like any real change.

- `dieuphoi`: coordinator of the Sở Nội vụ (sees everything)
- `canbo.binhgiang`: officer of xã Bình Giang (sees only Bình Giang and its offices)
- `canbo.phuly`: officer of phường Phủ Lý (another commune: must be refused Bình Giang)
All come from the demo data, which conftest loads once per run.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.orgs.models import Unit

BINH_GIANG = "13531"
PHU_LY = "13285"
SO_NOI_VU = "37.SNV"
PROVINCE = "37"


def user(username: str):
    return get_user_model().objects.get(username=username)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def count_queries(client, url: str, **params) -> int:
    """How many queries a page costs (asserting it answers 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)
