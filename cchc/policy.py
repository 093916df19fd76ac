"""Who may see and change what. Every view, API endpoint and command asks this module.

Rules:
- A coordinator (CCHC staff of the Sở Nội vụ, or a superuser) sees and manages everything.
- Anyone else sees the units where they hold a role and those units' sub-units, and nothing else.
- A unit leader also manages the people of their own subtree.
- Anonymous visitors see only what is published (the public portal, later).

Access helpers raise Http404 for objects outside the user's reach (their existence is not
leaked) and PermissionDenied for objects the user may see but not change. Each condition is on
its own line so the tests can cover every branch.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cchc.orgs.models import Membership, Role, Unit


def _memberships(user) -> list[Membership]:
    # Cached on the user object: a page asks the policy many times, the database once.
    if not hasattr(user, "_cchc_memberships"):
        user._cchc_memberships = list(
            Membership.objects.filter(user=user).select_related("unit")
        ) if user.is_authenticated else []
    return user._cchc_memberships


def is_coordinator(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(m.role == Role.COORDINATOR for m in _memberships(user))


def home_units(user) -> list[Unit]:
    """The units where the user holds a role (their workspaces), without duplicates."""
    units = {m.unit.pk: m.unit for m in _memberships(user)}
    return sorted(units.values(), key=lambda u: u.path)


def _subtree_q(units: list[Unit], field: str = "") -> Q:
    prefix = f"{field}__" if field else ""
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    return q


def visible_units(user) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    if is_coordinator(user):
        return Unit.objects.all()
    return Unit.objects.filter(_subtree_q(home_units(user)))


def can_view_unit(user, unit: Unit) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return any(unit.path.startswith(home.path) for home in home_units(user))


def can_manage_units(user) -> bool:
    """Create, edit, merge, import units: the coordinators' job."""
    return is_coordinator(user)


def can_manage_people(user, unit: Unit) -> bool:
    if is_coordinator(user):
        return True
    return any(
        m.role == Role.LEADER and unit.path.startswith(m.unit.path) for m in _memberships(user)
    )


def can_view_audit(user) -> bool:
    return is_coordinator(user)


def access_unit(user, code: str, *, manage: bool = False) -> Unit:
    """The unit with this code if the user may see it (and manage it when asked), else 404/403."""
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    if not can_view_unit(user, unit):
        raise Http404("Không tìm thấy đơn vị.")
    if manage and not can_manage_units(user):
        raise PermissionDenied("Bạn không có quyền sửa đơn vị này.")
    return unit


def access_unit_people(user, code: str) -> Unit:
    unit = access_unit(user, code)
    if not can_manage_people(user, unit):
        raise PermissionDenied("Bạn không có quyền quản lý người dùng của đơn vị này.")
    return unit


def access_membership(user, membership_id: int) -> Membership:
    membership = Membership.objects.select_related("unit", "user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404("Không tìm thấy.")
    if not can_view_unit(user, membership.unit):
        raise Http404("Không tìm thấy.")
    if not can_manage_people(user, membership.unit):
        raise PermissionDenied("Bạn không có quyền quản lý người dùng của đơn vị này.")
    return membership


# --- plans and tasks ----------------------------------------------------------------------------


def can_view_plan(user, plan) -> bool:
    """A plan is seen by its unit's people, their superiors, and the units it applies to below."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    for home in home_units(user):
        if plan.unit.path.startswith(home.path):
            return True  # our own plan or a sub-unit's
        if home.path.startswith(plan.unit.path):
            return True  # a superior body's plan that applies to us
    return False


def can_edit_plan(user, plan) -> bool:
    if is_coordinator(user):
        return True
    return any(
        m.role in (Role.LEADER, Role.OFFICER) and plan.unit.path.startswith(m.unit.path) for m in _memberships(user)
    )


def can_import_plan_for(user, unit: Unit) -> bool:
    if is_coordinator(user):
        return True
    return any(m.role in (Role.LEADER, Role.OFFICER) and unit.path.startswith(m.unit.path) for m in _memberships(user))


def visible_plans(user):
    from cchc.plans.models import Plan

    if not user.is_authenticated:
        return Plan.objects.none()
    if is_coordinator(user):
        return Plan.objects.all()
    homes = home_units(user)
    ancestors = {int(pk) for home in homes for pk in home.path.strip("/").split("/") if pk}
    return Plan.objects.filter(_subtree_q(homes, "unit") | Q(unit_id__in=ancestors))


def access_plan(user, plan_id: int, *, edit: bool = False):
    from cchc.plans.models import Plan

    plan = Plan.objects.select_related("unit", "parent").filter(pk=plan_id).first()
    if plan is None:
        raise Http404("Không tìm thấy kế hoạch.")
    if not can_view_plan(user, plan):
        raise Http404("Không tìm thấy kế hoạch.")
    if edit and not can_edit_plan(user, plan):
        raise PermissionDenied("Bạn không có quyền sửa kế hoạch này.")
    return plan


def can_work_for_unit(user, unit: Unit) -> bool:
    """Update the unit's own work (tasks, its plan): its leaders and officers, or a coordinator."""
    if is_coordinator(user):
        return True
    return any(m.unit_id == unit.pk and m.role in (Role.LEADER, Role.OFFICER) for m in _memberships(user))


def visible_assignments(user):
    from cchc.plans.models import Assignment

    return Assignment.objects.filter(unit__in=visible_units(user))


def access_assignment(user, assignment_id: int, *, update: bool = False):
    """An assignment is seen in its unit's subtree; only that unit's own people update it."""
    from cchc.plans.models import Assignment

    assignment = Assignment.objects.select_related("task__plan__unit", "unit").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    if not can_view_unit(user, assignment.unit):
        raise Http404("Không tìm thấy nhiệm vụ.")
    if update and not can_work_for_unit(user, assignment.unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được giao mới cập nhật được nhiệm vụ này.")
    return assignment


def access_import(user, import_id: int):
    from cchc.plans.models import PlanImport

    job = PlanImport.objects.select_related("context_unit").filter(pk=import_id).first()
    if job is None or (job.user_id != user.pk and not is_coordinator(user)):
        raise Http404("Không tìm thấy lượt nhập.")
    return job


def visible_obligations(user):
    from cchc.plans.models import Obligation

    return Obligation.objects.filter(unit__in=visible_units(user))


def access_obligation(user, obligation_id: int, *, act: bool = False):
    """An obligation is seen in its unit's subtree; only its unit's officers and leaders act on it."""
    from cchc.plans.models import Obligation

    obligation = Obligation.objects.select_related("unit", "request__parent__unit", "plan").filter(pk=obligation_id).first()
    if obligation is None:
        raise Http404("Không tìm thấy yêu cầu.")
    if not can_view_unit(user, obligation.unit):
        raise Http404("Không tìm thấy yêu cầu.")
    if act and not can_work_for_unit(user, obligation.unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được yêu cầu mới thực hiện được việc này.")
    return obligation


def access_plan_request(user, request_id: int):
    from cchc.plans.models import PlanRequest

    if not is_coordinator(user):
        raise PermissionDenied("Chỉ cán bộ điều phối được xem bảng theo dõi này.")
    found = PlanRequest.objects.select_related("parent__unit").filter(pk=request_id).first()
    if found is None:
        raise Http404("Không tìm thấy yêu cầu.")
    return found


# --- communication activities -------------------------------------------------------------------


def comm_recording_units(user) -> list[Unit]:
    """The units for which the user records communication activities: where they lead or are officers
    (a coordinator records for their own home units like anyone else)."""
    if not user.is_authenticated:
        return []
    units = {m.unit.pk: m.unit for m in _memberships(user) if m.role in (Role.LEADER, Role.OFFICER, Role.COORDINATOR)}
    return sorted(units.values(), key=lambda u: u.path)


def can_record_activity(user, unit: Unit) -> bool:
    """A unit's own leaders and officers record and change its activities; a coordinator anyone's.
    A parent unit sees its sub-units' activities but does not change them."""
    return can_work_for_unit(user, unit) or any(u.pk == unit.pk for u in comm_recording_units(user))


def visible_activities(user):
    """Activities of the units the user may see: their units' subtrees, or everything for a coordinator."""
    from cchc.comms.models import Activity

    if not user.is_authenticated:
        return Activity.objects.none()
    if is_coordinator(user):
        return Activity.objects.all()
    return Activity.objects.filter(_subtree_q(home_units(user), "unit"))


def access_activity(user, activity_id: int, *, edit: bool = False):
    """Another subtree's activity: 404. A sub-unit's activity seen from above, asked to change: 403."""
    from cchc.comms.models import Activity

    activity = Activity.objects.select_related("unit", "created_by").filter(pk=activity_id).first()
    if activity is None:
        raise Http404("Không tìm thấy hoạt động tuyên truyền.")
    if not can_view_unit(user, activity.unit):
        raise Http404("Không tìm thấy hoạt động tuyên truyền.")
    if edit and not can_record_activity(user, activity.unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị thực hiện mới sửa được hoạt động này.")
    return activity


def can_view_comms_province(user) -> bool:
    """The province-wide matrices and the requirement check across all units: coordinators."""
    return is_coordinator(user)


def access_comm_requirement(user, requirement_id: int, *, edit: bool = False):
    """A communication plan's requirement: seen with its plan, changed by whoever may edit the plan."""
    from cchc.comms.models import Requirement

    requirement = Requirement.objects.select_related("plan__unit").filter(pk=requirement_id).first()
    if requirement is None or not can_view_plan(user, requirement.plan):
        raise Http404("Không tìm thấy yêu cầu.")
    if edit and not can_edit_plan(user, requirement.plan):
        raise PermissionDenied("Bạn không có quyền sửa yêu cầu của kế hoạch này.")
    return requirement


# --- public portal ---------------------------------------------------------------------------------
# The public "Cải cách hành chính" section is open to everyone once an article is published. Behind
# it: collaborators (cộng tác viên) and editors of a unit, and coordinators, write; editors and
# coordinators publish and manage the other content. A draft belongs to its author alone until it
# is submitted; a collaborator sees only their own articles.


def portal_writer_units(user) -> list[Unit]:
    """The units an article may be written for: where the user is a collaborator or an editor
    (a coordinator writes for their own units)."""
    if not user.is_authenticated:
        return []
    roles = (Role.COLLABORATOR, Role.EDITOR, Role.COORDINATOR)
    units = {m.unit.pk: m.unit for m in _memberships(user) if m.role in roles}
    return sorted(units.values(), key=lambda u: u.path)


def can_write_portal(user) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return any(m.role in (Role.COLLABORATOR, Role.EDITOR) for m in _memberships(user))


def can_publish_portal(user) -> bool:
    """Publish, return, unpublish articles and manage documents, procedures, guides, contacts."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return any(m.role == Role.EDITOR for m in _memberships(user))


def can_view_article(user, article) -> bool:
    """Published: everyone. Otherwise the author, and editors once it has been submitted."""
    if article.status == "published":
        return True
    if not user.is_authenticated:
        return False
    if article.author_id == user.pk:
        return True
    if can_publish_portal(user) and article.status != "draft":
        return True
    return False


def can_edit_article(user, article) -> bool:
    if article.status == "archived":
        return False
    if article.author_id == user.pk and article.status in ("draft", "returned"):
        return True
    if can_publish_portal(user) and article.status != "draft":
        return True
    return False


def visible_portal_articles(user):
    """The workspace list: a collaborator's own articles; for editors also everyone's submitted ones."""
    from cchc.portal.models import Article

    if not can_write_portal(user):
        return Article.objects.none()
    if can_publish_portal(user):
        return Article.objects.filter(Q(author=user) | ~Q(status="draft"))
    return Article.objects.filter(author=user)


def access_portal_workspace(user) -> None:
    if not can_write_portal(user):
        raise PermissionDenied("Chỉ cộng tác viên, biên tập viên và cán bộ điều phối được vào khu vực biên tập.")


def access_portal_editing(user) -> None:
    """Documents, procedures, guides, contacts and the statistics: editors and coordinators."""
    if not can_publish_portal(user):
        raise PermissionDenied("Chỉ biên tập viên được thực hiện việc này.")


def access_article(user, article_id: int, *, edit: bool = False, publish: bool = False):
    """An article in the workspace: 404 when the user may not see it, 403 when they may not act."""
    from cchc.portal.models import Article

    access_portal_workspace(user)
    article = Article.objects.select_related("unit", "author", "cover").filter(pk=article_id).first()
    if article is None:
        raise Http404("Không tìm thấy bài viết.")
    if article.author_id != user.pk and not can_publish_portal(user):
        raise Http404("Không tìm thấy bài viết.")
    if not can_view_article(user, article):
        raise Http404("Không tìm thấy bài viết.")
    if publish and not can_publish_portal(user):
        raise PermissionDenied("Chỉ biên tập viên được duyệt, xuất bản hoặc gỡ bài viết.")
    if edit and not can_edit_article(user, article):
        raise PermissionDenied("Bài viết ở trạng thái này không sửa được.")
    return article


# --- PAR Index scoring ------------------------------------------------------------------------------
# A unit sees only its own scorecards (and its sub-units') until the round is published; appraisers
# see every unit of the rounds they are assigned to but change only the nodes of their areas;
# coordinators see and manage everything; once published, results are open to every signed-in user.


def is_round_appraiser(user, round_) -> bool:
    from cchc.scoring.models import AppraiserAssignment

    if not user.is_authenticated:
        return False
    cache = getattr(user, "_cchc_appraiser_rounds", None)
    if cache is None:
        cache = set(AppraiserAssignment.objects.filter(user=user).values_list("round_id", flat=True))
        user._cchc_appraiser_rounds = cache
    return round_.pk in cache


def appraiser_area_codes(user, round_) -> set[str] | None:
    """The area codes ("1" … "8") the user appraises in this round; None = all (a coordinator)."""
    from cchc.scoring.models import Node

    if is_coordinator(user):
        return None
    if not is_round_appraiser(user, round_):
        return set()
    cache = getattr(user, "_cchc_appraiser_areas", {})
    if round_.pk not in cache:
        cache[round_.pk] = set(
            Node.objects.filter(appraiser_assignments__round=round_, appraiser_assignments__user=user)
            .values_list("code", flat=True)
        )
        user._cchc_appraiser_areas = cache
    return cache[round_.pk]


def can_manage_scoring(user) -> bool:
    """Criteria sets, rounds, surveys, publication: the coordinators' job."""
    return is_coordinator(user)


def visible_rounds(user):
    from cchc.scoring.models import Round, RoundStatus

    if not user.is_authenticated:
        return Round.objects.none()
    if is_coordinator(user):
        return Round.objects.all()
    mine = Q(scorecards__unit__in=visible_units(user).exclude(kind="office"))
    appraised = Q(appraisers__user=user)
    published = Q(status=RoundStatus.PUBLISHED)
    return Round.objects.filter(mine | appraised | published).exclude(status=RoundStatus.DRAFT).distinct()


def visible_scorecards(user, round_):
    """The scorecards of a round this user may open."""
    if not user.is_authenticated:
        return round_.scorecards.none()
    if is_coordinator(user):
        return round_.scorecards.all()
    if round_.is_published:
        return round_.scorecards.all()
    if is_round_appraiser(user, round_):
        return round_.scorecards.all()
    return round_.scorecards.filter(_subtree_q(home_units(user), "unit"))


def can_view_scorecard(user, scorecard) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    if scorecard.round.is_published:
        return True
    if is_round_appraiser(user, scorecard.round):
        return True
    return can_view_unit(user, scorecard.unit)


def can_fill_scorecard(user, scorecard) -> bool:
    """Self-assessment is the unit's own work: its leaders and officers (or a coordinator)."""
    return can_work_for_unit(user, scorecard.unit)


def can_appraise_node(user, round_, node) -> bool:
    areas = appraiser_area_codes(user, round_)
    if areas is None:
        return True
    return node.code.split(".")[0] in areas


def can_appraise(user, round_) -> bool:
    areas = appraiser_area_codes(user, round_)
    return areas is None or bool(areas)


def access_round(user, round_id: int, *, manage: bool = False):
    from cchc.scoring.models import Round

    found = Round.objects.select_related("criteria_set").filter(pk=round_id).first()
    if found is None:
        raise Http404("Không tìm thấy kỳ đánh giá.")
    if not visible_rounds(user).filter(pk=found.pk).exists():
        raise Http404("Không tìm thấy kỳ đánh giá.")
    if manage and not can_manage_scoring(user):
        raise PermissionDenied("Chỉ cán bộ điều phối được quản lý kỳ đánh giá.")
    return found


def access_scorecard(user, scorecard_id: int, *, fill: bool = False, appraise: bool = False):
    """A scorecard the user may see (404 otherwise); 403 when asked to fill or appraise without the right."""
    from cchc.scoring.models import Scorecard

    found = Scorecard.objects.select_related("round__criteria_set", "unit").filter(pk=scorecard_id).first()
    if found is None:
        raise Http404("Không tìm thấy phiếu chấm điểm.")
    if not can_view_scorecard(user, found):
        raise Http404("Không tìm thấy phiếu chấm điểm.")
    if fill and not can_fill_scorecard(user, found):
        raise PermissionDenied("Chỉ lãnh đạo, cán bộ của đơn vị được tự chấm điểm phiếu này.")
    if appraise and not can_appraise(user, found.round):
        raise PermissionDenied("Bạn không được phân công thẩm định kỳ đánh giá này.")
    return found


def access_criteria_set(user, set_id: int, *, manage: bool = False):
    from cchc.scoring.models import CriteriaSet

    if not user.is_authenticated:
        raise Http404("Không tìm thấy bộ tiêu chí.")
    found = CriteriaSet.objects.filter(pk=set_id).first()
    if found is None:
        raise Http404("Không tìm thấy bộ tiêu chí.")
    if manage and not can_manage_scoring(user):
        raise PermissionDenied("Chỉ cán bộ điều phối được sửa bộ tiêu chí.")
    return found


# --- periodic reports ---------------------------------------------------------------------------


def can_edit_report(user, report) -> bool:
    """The unit's leaders and officers fill its report; a coordinator may too (compiling)."""
    return can_work_for_unit(user, report.unit)


def can_submit_report(user, report) -> bool:
    """Sending the report up is the unit leader's act; a coordinator sends only the province's own."""
    if is_coordinator(user) and report.unit.parent_id is None:
        return True
    return any(m.unit_id == report.unit_id and m.role == Role.LEADER for m in _memberships(user))


def can_review_report(user, report) -> bool:
    """Return or approve: a coordinator, or a leader of a unit above the reporting unit."""
    if is_coordinator(user):
        return True
    return any(
        m.role == Role.LEADER and m.unit.path != report.unit.path and report.unit.path.startswith(m.unit.path)
        for m in _memberships(user)
    )


def visible_reports(user):
    from cchc.reports.models import Report

    return Report.objects.filter(unit__in=visible_units(user))


def access_report(user, report_id: int, *, edit: bool = False, submit: bool = False, review: bool = False):
    """A report is seen in its unit's subtree and by coordinators; 404 outside, 403 when the act is not yours."""
    from cchc.reports.models import Report

    report = Report.objects.select_related("period__form_set", "unit").filter(pk=report_id).first()
    if report is None:
        raise Http404("Không tìm thấy báo cáo.")
    if not can_view_unit(user, report.unit):
        raise Http404("Không tìm thấy báo cáo.")
    if edit and not can_edit_report(user, report):
        raise PermissionDenied("Chỉ cán bộ của đơn vị báo cáo mới sửa được báo cáo này.")
    if submit and not can_submit_report(user, report):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị mới gửi được báo cáo.")
    if review and not can_review_report(user, report):
        raise PermissionDenied("Bạn không có quyền duyệt hoặc trả lại báo cáo này.")
    return report


def can_manage_periods(user) -> bool:
    """Open periods, load forms, compile the province's report: the coordinators."""
    return is_coordinator(user)


# --- surveys (SIPAS, ĐTXHH, a unit's own) ---------------------------------------------------------
# The public answers a survey through its link without an account and sees only published
# aggregates; a unit sees its own surveys and results (and its sub-units'); coordinators see all,
# manage questionnaires and push scores into a PAR round.


def can_manage_surveys(user) -> bool:
    """Questionnaires, surveys of any unit, pushing scores into a round: the coordinators."""
    return is_coordinator(user)


def can_run_survey(user, unit: Unit) -> bool:
    """Open a survey for a unit, set its files handled and target: its leaders and officers, or a coordinator."""
    return can_work_for_unit(user, unit)


def visible_surveys(user):
    from cchc.surveys.models import Survey

    if not user.is_authenticated:
        return Survey.objects.none()
    if is_coordinator(user):
        return Survey.objects.all()
    return Survey.objects.filter(_subtree_q(home_units(user), "unit"))


def can_enter_paper(user, survey) -> bool:
    return can_work_for_unit(user, survey.unit)


def access_survey(user, survey_id: int, *, run: bool = False, paper: bool = False):
    """A survey is seen in its unit's subtree (404 elsewhere); running it or typing paper forms is
    for the unit's own people (403)."""
    from cchc.surveys.models import Survey

    survey = Survey.objects.select_related("questionnaire", "unit").filter(pk=survey_id).first()
    if survey is None or not can_view_unit(user, survey.unit):
        raise Http404("Không tìm thấy đợt khảo sát.")
    if run and not can_run_survey(user, survey.unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị mới quản lý được đợt khảo sát này.")
    if paper and not can_enter_paper(user, survey):
        raise PermissionDenied("Chỉ cán bộ của đơn vị mới nhập được phiếu giấy của đợt khảo sát này.")
    return survey


def visible_questionnaires(user):
    """The province's questionnaires for everyone signed in; a unit's own within its subtree."""
    from cchc.surveys.models import Questionnaire

    if not user.is_authenticated:
        return Questionnaire.objects.none()
    if is_coordinator(user):
        return Questionnaire.objects.all()
    return Questionnaire.objects.filter(Q(owner__isnull=True) | _subtree_q(home_units(user), "owner"))


def can_manage_questionnaire(user, questionnaire) -> bool:
    """The province's questionnaires: the coordinators; a unit's own: its leaders and officers."""
    if questionnaire.owner_id is None:
        return can_manage_surveys(user)
    return can_run_survey(user, questionnaire.owner)


def access_questionnaire(user, questionnaire_id: int, *, manage: bool = False):
    questionnaire = visible_questionnaires(user).select_related("owner").filter(pk=questionnaire_id).first()
    if questionnaire is None:
        raise Http404("Không tìm thấy phiếu khảo sát.")
    if manage and not can_manage_questionnaire(user, questionnaire):
        raise PermissionDenied("Bạn không được sửa phiếu khảo sát này.")
    return questionnaire


# --- CCHC inspections ------------------------------------------------------------------------------
# The inspecting unit's people (and their superiors) see its plans, visits and findings; an
# inspected unit sees only the findings on itself (and its sub-units) and closes their remedies
# as tasks. The inspecting unit's leaders and officers (or a coordinator) build and record.


def can_manage_inspection(user, inspection) -> bool:
    return can_work_for_unit(user, inspection.unit)


def can_view_inspection(user, inspection) -> bool:
    return can_view_unit(user, inspection.unit)


def visible_inspections(user):
    from cchc.inspections.models import InspectionPlan

    return InspectionPlan.objects.filter(unit__in=visible_units(user))


def access_inspection(user, inspection_id: int, *, manage: bool = False):
    from cchc.inspections.models import InspectionPlan

    found = InspectionPlan.objects.select_related("unit", "plan").filter(pk=inspection_id).first()
    if found is None or not can_view_inspection(user, found):
        raise Http404("Không tìm thấy kế hoạch kiểm tra.")
    if manage and not can_manage_inspection(user, found):
        raise PermissionDenied("Chỉ cán bộ của đơn vị kiểm tra mới sửa được kế hoạch kiểm tra này.")
    return found


def access_target(user, target_id: int, *, manage: bool = False):
    from cchc.inspections.models import Target

    found = Target.objects.select_related("inspection__unit", "inspection__plan", "unit", "team").filter(pk=target_id).first()
    if found is None or not can_view_inspection(user, found.inspection):
        raise Http404("Không tìm thấy đơn vị được kiểm tra.")
    if manage and not can_manage_inspection(user, found.inspection):
        raise PermissionDenied("Chỉ cán bộ của đơn vị kiểm tra mới ghi được kết quả kiểm tra.")
    return found


def visible_findings(user):
    from cchc.inspections.models import Finding

    units = visible_units(user)
    return Finding.objects.filter(Q(unit__in=units) | Q(visit__target__inspection__unit__in=units))


def access_finding(user, finding_id: int):
    from cchc.inspections.models import Finding

    found = Finding.objects.select_related("unit", "visit__target__inspection__unit", "visit__target__unit",
                                           "assignment").filter(pk=finding_id).first()
    if found is None:
        raise Http404("Không tìm thấy vấn đề.")
    if not (can_view_unit(user, found.unit) or can_view_inspection(user, found.visit.target.inspection)):
        raise Http404("Không tìm thấy vấn đề.")
    return found


# --- online CCHC contest ---------------------------------------------------------------------------
# Citizens register and sit rounds without an account and see only published results. Behind it:
# coordinators manage every contest; an editor (biên tập viên) manages the contests organised by
# their unit's subtree (the province's editors, the Sở Nội vụ's own). Everyone else gets 404.


def can_create_contest(user) -> bool:
    if not user.is_authenticated:
        return False
    return is_coordinator(user) or any(m.role == Role.EDITOR for m in _memberships(user))


def contest_units(user) -> list[Unit]:
    """The units a new contest may be organised by: every unit for a coordinator, else where the user is an editor."""
    if is_coordinator(user):
        return list(Unit.objects.exclude(kind="office").order_by("path"))
    units = {m.unit.pk: m.unit for m in _memberships(user) if m.role == Role.EDITOR}
    return sorted(units.values(), key=lambda u: u.path)


def can_manage_contest(user, contest) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return any(m.role == Role.EDITOR and contest.unit.path.startswith(m.unit.path) for m in _memberships(user))


def visible_contests(user):
    from cchc.contest.models import Contest

    if not can_create_contest(user):
        return Contest.objects.none()
    if is_coordinator(user):
        return Contest.objects.all()
    editors = [m.unit for m in _memberships(user) if m.role == Role.EDITOR]
    return Contest.objects.filter(_subtree_q(editors, "unit"))


def access_contest(user, contest_id: int):
    """A contest in the staff pages: 404 for anyone who may not manage it."""
    from cchc.contest.models import Contest

    found = Contest.objects.select_related("unit").filter(pk=contest_id).first()
    if found is None or not can_manage_contest(user, found):
        raise Http404("Không tìm thấy cuộc thi.")
    return found


# --- citizens' feedback (phản ánh, kiến nghị) -----------------------------------------------------
# Anyone sends feedback and follows it by its code; the public sees answered items, masked, unless
# hidden. A unit sees the items routed to its subtree (another unit's item is a 404); its leaders
# and officers (or those of a unit above it) answer and re-route them. Editors and coordinators
# see every item and may hide an abusive one, with a reason kept in the audit.


def can_moderate_feedback(user) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return any(m.role == Role.EDITOR for m in _memberships(user))


def visible_feedback(user):
    from cchc.feedback.models import Feedback

    if not user.is_authenticated:
        return Feedback.objects.none()
    if can_moderate_feedback(user):
        return Feedback.objects.all()
    return Feedback.objects.filter(_subtree_q(home_units(user), "unit"))


def can_handle_feedback(user, item) -> bool:
    """Answer, re-route, close: a coordinator, or a leader or officer of the unit or one above it."""
    if is_coordinator(user):
        return True
    return any(
        m.role in (Role.LEADER, Role.OFFICER) and item.unit.path.startswith(m.unit.path) for m in _memberships(user)
    )


def access_feedback(user, feedback_id: int, *, handle: bool = False, moderate: bool = False):
    from cchc.feedback.models import Feedback

    found = Feedback.objects.select_related("unit", "place", "category", "hidden_by").filter(pk=feedback_id).first()
    if found is None or not user.is_authenticated:
        raise Http404("Không tìm thấy phản ánh.")
    if not (can_moderate_feedback(user) or can_view_unit(user, found.unit)):
        raise Http404("Không tìm thấy phản ánh.")
    if handle and not can_handle_feedback(user, found):
        raise PermissionDenied("Chỉ cán bộ của đơn vị đang xử lý mới trả lời, chuyển được phản ánh này.")
    if moderate and not can_moderate_feedback(user):
        raise PermissionDenied("Chỉ biên tập viên hoặc cán bộ điều phối được ẩn phản ánh.")
    return found


# --- background jobs (cchc.jobs) ---------------------------------------------------------------------


def can_view_job(user, job) -> bool:
    """The person who started it, and the leaders and officers of its unit (or a coordinator)."""
    if not user.is_authenticated:
        return False
    if job.user_id == user.pk:
        return True
    return job.unit is not None and can_work_for_unit(user, job.unit)


def visible_jobs(user):
    from cchc.jobs.models import Job

    if not user.is_authenticated:
        return Job.objects.none()
    if is_coordinator(user):
        return Job.objects.all()
    own_units = [m.unit_id for m in _memberships(user) if m.role in (Role.LEADER, Role.OFFICER)]
    return Job.objects.filter(Q(user=user) | Q(unit_id__in=own_units))


def access_job(user, job_id: int):
    """Another unit's job is not found (404), as for every object outside the user's reach."""
    from cchc.jobs.models import Job

    job = Job.objects.select_related("unit").filter(pk=job_id).first()
    if job is None or not can_view_job(user, job):
        raise Http404("Không tìm thấy công việc.")
    return job
