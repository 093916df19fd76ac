"""Named record queries of the surveys, registered in `cchc.records` (from `SurveysConfig.ready`).

- ``survey_responses`` — answer sheets received in the window (by the day answered), for the
  unit's surveys (its desks included); `kind` "citizen" = SIPAS and the unit's own questionnaires
  (what report form 1 item 5 "Khảo sát sự hài lòng của người dân, tổ chức" counts), or one kind;
  `channel` all / online / paper (item 5.2 "Hình thức khảo sát" is read from which channels occur).
"""

from __future__ import annotations

from cchc.records import register

KINDS = ("citizen", "sipas", "own", "staff", "all")
CHANNELS = ("all", "online", "paper")
_KIND_WORDS = {
    "citizen": "khảo sát sự hài lòng của người dân, tổ chức",
    "sipas": "khảo sát SIPAS",
    "own": "khảo sát riêng của đơn vị",
    "staff": "điều tra xã hội học cán bộ, công chức",
    "all": "khảo sát",
}
_CHANNEL_WORDS = {"all": "", "online": " trả lời trực tuyến", "paper": " bằng phiếu giấy"}


@register(
    "survey_responses", kind="survey_response", owner="survey__unit_id",
    params={"kind": KINDS, "channel": CHANNELS},
    describe=lambda p: f"Phiếu {_KIND_WORDS[p['kind']]}{_CHANNEL_WORDS[p['channel']]} nhận được trong kỳ",
)
def _survey_responses(start, end, p):
    from cchc.surveys.models import Response

    qs = Response.objects.filter(day__gte=start, day__lte=end)
    if p["kind"] == "citizen":
        qs = qs.filter(survey__questionnaire__kind__in=("sipas", "own"))
    elif p["kind"] != "all":
        qs = qs.filter(survey__questionnaire__kind=p["kind"])
    return qs if p["channel"] == "all" else qs.filter(channel=p["channel"])
