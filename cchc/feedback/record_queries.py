"""Named record queries of the citizens' feedback, registered in `cchc.records` (from `FeedbackConfig.ready`).

- ``feedback`` — items received in the window (by the day received), owned by the unit they are
  routed to, hidden (abusive) items left out; ``measure`` received (form 3 item 3.3.1 "Tổng số PAKN
  đã tiếp nhận"), handled (3.3.2 "Số PAKN đã giải quyết xong": answered by the window's end),
  on_time (answered by the deadline), overdue (unanswered, past the deadline at the window's end);
  ``about`` procedures (categories on administrative procedures: what item 3.3 counts) or all.
"""

from __future__ import annotations

from django.db.models import F, Q

from cchc.records import register

_MEASURE_WORDS = {
    "received": "Phản ánh, kiến nghị đã tiếp nhận",
    "handled": "Phản ánh, kiến nghị đã giải quyết xong (đã trả lời)",
    "on_time": "Phản ánh, kiến nghị trả lời đúng hạn",
    "overdue": "Phản ánh, kiến nghị quá hạn chưa trả lời",
}
_ABOUT_WORDS = {"procedures": " về quy định, thủ tục hành chính", "all": ""}


@register(
    "feedback", kind="feedback", owner="unit_id",
    params={"measure": tuple(_MEASURE_WORDS), "about": tuple(_ABOUT_WORDS)},
    describe=lambda p: _MEASURE_WORDS[p["measure"]] + _ABOUT_WORDS[p["about"]] + " trong kỳ",
)
def _feedback(start, end, p):
    from .models import Feedback

    qs = Feedback.objects.filter(received_on__gte=start, received_on__lte=end, hidden=False)
    if p["about"] == "procedures":
        qs = qs.filter(category__procedures=True)
    handled = Q(answered_on__isnull=False, answered_on__lte=end)
    if p["measure"] == "handled":
        return qs.filter(handled)
    if p["measure"] == "on_time":
        return qs.filter(handled, answered_on__lte=F("deadline"))
    if p["measure"] == "overdue":
        return qs.filter(deadline__lt=end).exclude(handled)
    return qs
