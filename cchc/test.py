"""The named cast the tests use, built through the services like any real change.

- `dieuphoi`: coordinator of the Sở Nội vụ (sees everything)
- `canbo.binhgiang`: officer of xã Bình Giang (sees only Bình Giang and its offices)
- `canbo.phuly`: officer of phường Phủ Lý (another commune: must be refused Bình Giang)
All come from the demo data, which conftest loads once per run.
"""

from django.contrib.auth import get_user_model

from cchc.orgs.models import Unit

BINH_GIANG = "13531"
PHU_LY = "13285"
SO_NOI_VU = "37.SNV"
PROVINCE = "37"


def user(username: str):
    return get_user_model().objects.get(username=username)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)
