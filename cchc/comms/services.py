"""Recording communication activities: the rules every entry path shares (forms, import, portal)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cchc.orgs.models import Unit
from cchc.plans.models import Plan, PlanKind, Topic

from .models import Activity, ActivityFile, ChannelKind

log = logging.getLogger(__name__)

EARLIEST = datetime.date(2000, 1, 1)
FILE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".webp", ".docx", ".doc", ".xlsx", ".xls", ".mp4", ".txt")


def ancestor_ids(unit: Unit) -> list[int]:
    return [int(pk) for pk in unit.path.strip("/").split("/") if pk]


def _in_force(prefix: str = "") -> Case:
    """0 for a plan whose period covers today (or has no period), 1 otherwise: plans in force first."""
    today = timezone.localdate()
    return Case(
        When(Q(**{f"{prefix}period_start__lte": today, f"{prefix}period_end__gte": today})
             | Q(**{f"{prefix}period_start__isnull": True, f"{prefix}period_end__isnull": True}), then=Value(0)),
        default=Value(1), output_field=IntegerField(),
    )


def unit_plans(unit: Unit) -> QuerySet[Plan]:
    """The communication plans whose topics the unit cites: its own and those of the units above it.
    Plans in force today come first, the unit's own before its superiors', the newest first."""
    ids = ancestor_ids(unit) or [unit.pk]
    return (Plan.objects.filter(kind=PlanKind.COMMUNICATION, unit_id__in=ids).select_related("unit")
            .annotate(stale=_in_force()).order_by("stale", "-unit__depth", "-period_start", "-pk"))


def allowed_topics(unit: Unit) -> QuerySet[Topic]:
    """Topics the unit may cite, grouped by plan in the order of `unit_plans`."""
    ids = ancestor_ids(unit) or [unit.pk]
    return (Topic.objects.filter(plan__kind=PlanKind.COMMUNICATION, plan__unit_id__in=ids)
            .select_related("plan", "plan__unit").annotate(stale=_in_force("plan__"))
            .order_by("stale", "-plan__unit__depth", "-plan__period_start", "plan_id", "order"))


def check_date(day: datetime.date | None) -> None:
    if day is None:
        raise ValidationError("Hãy nhập ngày thực hiện (dd/mm/yyyy).")
    today = timezone.localdate()
    if day > today:
        raise ValidationError(f"Ngày thực hiện {day:%d/%m/%Y} ở sau hôm nay ({today:%d/%m/%Y}): "
                              "chỉ ghi nhận hoạt động đã diễn ra.")
    if day < EARLIEST:
        raise ValidationError("Ngày thực hiện phải từ 01/01/2000 trở đi.")


def check_topics(unit: Unit, topics) -> None:
    allowed = set(allowed_topics(unit).values_list("pk", flat=True))
    foreign = [t for t in topics if t.pk not in allowed]
    if foreign:
        names = ", ".join(f"{t.code})" for t in foreign)
        raise ValidationError(f"Nội dung {names} không thuộc kế hoạch tuyên truyền của {unit.display_name} "
                              "hoặc của cấp trên.")


def last_defaults(unit: Unit, user) -> dict:
    """Quick-entry defaults: today, the unit's last channel, the topics and audience this person used last."""
    initial = {"date": timezone.localdate(), "channel": ChannelKind.PORTAL, "quantity": 1}
    last_unit = Activity.objects.filter(unit=unit).order_by("-created_at", "-pk").only("channel").first()
    if last_unit:
        initial["channel"] = last_unit.channel
    mine = (Activity.objects.filter(unit=unit, created_by=user).order_by("-created_at", "-pk")
            .only("for_officials", "for_citizens", "for_businesses").first())
    if mine:
        initial["topics"] = list(mine.topics.values_list("pk", flat=True))
        initial["audience"] = mine.audiences
    else:
        initial["audience"] = ["citizens"]
    return initial


@transaction.atomic
def activity_save(*, activity: Activity, topics, user=None, files=()) -> Activity:
    """Validate and save an activity with its topics and evidence files (all or nothing).

    A `source_key` already used by the unit means the same thing was recorded before (a second
    submission of the same form, a re-imported row): the earlier activity is returned unchanged.
    """
    check_date(activity.date)
    if activity.quantity is None or activity.quantity < 1:
        raise ValidationError("Số lượng phải là số nguyên dương.")
    if activity.reach is not None and activity.reach < 0:
        raise ValidationError("Số người tham dự, lượt xem không được âm.")
    check_topics(activity.unit, topics)
    if activity.pk is None and activity.source_key:
        existing = Activity.objects.filter(unit=activity.unit, source_key=activity.source_key).first()
        if existing is not None:
            existing.duplicate = True
            return existing
    if activity.pk is None and user is not None and getattr(user, "is_authenticated", False):
        activity.created_by = user
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError:
        existing = Activity.objects.filter(unit=activity.unit, source_key=activity.source_key).first()
        if existing is None:
            raise
        existing.duplicate = True
        return existing
    activity.topics.set(topics)
    for upload in files:
        ActivityFile.objects.create(activity=activity, file=upload, name=upload.name[:255])
    activity.duplicate = False
    return activity


def activity_delete(*, activity: Activity) -> None:
    with transaction.atomic():
        for f in activity.files.all():
            f.file.delete(save=False)
        activity.delete()


def portal_article_recorded(sender=None, article=None, **kwargs) -> Activity | None:
    """Receiver of cchc.portal.signals.article_published: one "portal news" activity per article.

    Keyed by source_key "portal.article:<pk>", unique per unit: publishing the same article again
    (an edit, a re-publication) never records a second activity; the existing one is refreshed.
    """
    if article is None or not getattr(article, "record_as_activity", False):
        return None
    unit = getattr(article, "unit", None)
    if unit is None:
        return None
    published = getattr(article, "published_at", None) or timezone.now()
    day = timezone.localtime(published).date() if isinstance(published, datetime.datetime) else published
    key = f"portal.article:{article.pk}"
    link = settings.SITE_URL + article.get_absolute_url()
    title = (getattr(article, "title", "") or "Tin, bài trên cổng thông tin")[:300]
    author = getattr(article, "author", None)
    with transaction.atomic():
        existing = Activity.objects.select_for_update().filter(unit=unit, source_key=key).first()
        if existing is not None:
            changed = False
            for field, value in (("title", title), ("link", link), ("date", min(day, timezone.localdate()))):
                if getattr(existing, field) != value:
                    setattr(existing, field, value)
                    changed = True
            if changed:
                existing.save()
            return existing
        activity = Activity(
            unit=unit, date=min(day, timezone.localdate()), channel=ChannelKind.PORTAL, title=title, quantity=1,
            link=link, source_key=key, for_officials=True, for_citizens=True, for_businesses=True,
            created_by=author if getattr(author, "pk", None) else None,
        )
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError:  # the same article published twice at the same moment
            return Activity.objects.get(unit=unit, source_key=key)
    log.info("Ghi nhận hoạt động tuyên truyền từ tin bài %s", key)
    return activity
