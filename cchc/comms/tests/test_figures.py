"""Figures summed in the database, a unit's subtree included; matrices; requirement checks."""

import datetime

import pytest

from cchc.comms import figures
from cchc.comms.models import Activity, ChannelKind, Requirement, RequirementKind
from cchc.comms.requirements import check_requirements, derive_requirements, ensure_requirements
from cchc.orgs.models import Unit
from cchc.test import BINH_GIANG, PHU_LY, PROVINCE, SO_NOI_VU, unit

from .conftest import make_activities

pytestmark = pytest.mark.django_db
JAN, DEC = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def data(province_plan):
    bg, office = unit(BINH_GIANG), unit(BINH_GIANG).children.order_by("code").first()
    topics = list(province_plan.topics.all())
    make_activities(bg, 2, channel="press", topics=[topics[0]], quantity=3, reach=100, for_citizens=True)
    make_activities(office, 1, channel="press", topics=[topics[0], topics[5]], quantity=2, reach=50, for_officials=True)
    make_activities(office, 1, channel="contest", day=datetime.date(2026, 7, 2), reach=900, for_citizens=True)
    make_activities(unit(PHU_LY), 4, channel="radio", quantity=5)
    make_activities(bg, 3, channel="press", day=datetime.date(2025, 12, 31))  # outside the year
    return {"bg": bg, "office": office, "topics": topics, "plan": province_plan}


def by_key(rows):
    return {r["key"]: r for r in rows}


def test_totals_by_channel_include_the_subtree_and_the_period_only(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = figures.activity_totals(Unit.objects.filter(code=BINH_GIANG), JAN, DEC, by="channel")
    assert [r["key"] for r in rows] == list(ChannelKind.values)  # every channel, in the list's order
    press = by_key(rows)["press"]
    assert (press["activities"], press["quantity"], press["reach"]) == (3, 2 * 3 + 2, 250)
    assert by_key(rows)["contest"]["activities"] == 1
    assert by_key(rows)["radio"]["activities"] == 0  # Phủ Lý's are not Bình Giang's


def test_totals_by_unit_topic_audience_and_period(data, django_assert_num_queries):
    units = Unit.objects.filter(code__in=[BINH_GIANG, PHU_LY, SO_NOI_VU])
    with django_assert_num_queries(2):  # the units, then one grouped sum over their subtrees
        per_unit = by_key(figures.activity_totals(units, JAN, DEC, by="unit"))
    assert per_unit[BINH_GIANG]["activities"] == 4 and per_unit[PHU_LY]["quantity"] == 20
    assert per_unit[SO_NOI_VU]["activities"] == 0
    province = figures.activity_totals(Unit.objects.filter(code=PROVINCE), JAN, DEC, by="unit")
    assert province[0]["activities"] == 8  # the whole province: every unit below it

    topics = by_key(figures.activity_totals(units, JAN, DEC, by="topic"))
    a, f = data["topics"][0], data["topics"][5]
    assert topics[a.pk]["activities"] == 3 and topics[f.pk]["activities"] == 1
    assert topics[a.pk]["label"].startswith("a) ")
    all_topics = figures.activity_totals(units, JAN, DEC, by="topic", plan=data["plan"])
    assert len(all_topics) == 10 and sum(1 for r in all_topics if r["activities"]) == 2

    audience = by_key(figures.activity_totals(units, JAN, DEC, by="audience"))
    assert audience["citizens"]["activities"] == 3 and audience["officials"]["reach"] == 50
    quarters = figures.activity_totals(units, JAN, DEC, by="quarter")
    assert [(r["label"], r["activities"]) for r in quarters] == [("Quý 1/2026", 7), ("Quý 3/2026", 1)]
    months = figures.activity_totals(units, None, None, by="month")
    assert months[0]["label"] == "Tháng 12/2025"
    with pytest.raises(ValueError):
        figures.activity_totals(units, JAN, DEC, by="weekday")


def test_nested_units_never_count_an_activity_twice(data):
    both = Unit.objects.filter(pk__in=[data["bg"].pk, data["office"].pk])
    rows = by_key(figures.activity_totals(both, JAN, DEC, by="channel"))
    assert rows["press"]["activities"] == 3


def test_unit_channel_matrix_rolls_up_subtrees_in_one_grouped_query(data, django_assert_num_queries):
    rows = Unit.objects.filter(code__in=[BINH_GIANG, PHU_LY, SO_NOI_VU])
    with django_assert_num_queries(2):
        matrix = figures.unit_channel_matrix(rows, JAN, DEC)
    found = {r["unit"].code: r for r in matrix["rows"]}
    press = [c[0] for c in matrix["channels"]].index("press")
    assert found[BINH_GIANG]["cells"][press] == 3 and found[BINH_GIANG]["total"] == 4
    assert found[SO_NOI_VU]["total"] == 0  # a silent unit is listed, to be chased
    assert matrix["total"] == 8
    # Bình Giang's offices as rows, with a first row for what the commune did itself.
    offices = Unit.objects.filter(parent=data["bg"]).exclude(pk=data["office"].pk)
    own = figures.unit_channel_matrix(offices, JAN, DEC, own=data["bg"])
    assert own["rows"][0]["own"] and own["rows"][0]["total"] == 2  # not its filtered-out office's two
    assert own["total"] == 2


def test_topic_channel_matrix_shows_covered_topics_and_untagged_activities(data):
    matrix = figures.topic_channel_matrix(Unit.objects.filter(code=BINH_GIANG), JAN, DEC, data["plan"])
    assert matrix["n_topics"] == 10 and matrix["covered"] == 2
    press = [c[0] for c in matrix["channels"]].index("press")
    assert matrix["rows"][0]["cells"][press] == 3
    assert matrix["untagged_total"] == 1  # the contest cites no topic


def test_seed_001_requirements_are_derived_from_the_plan_text(province_plan):
    derived = derive_requirements(province_plan)
    assert [r.kind for r in derived] == [RequirementKind.IMPLEMENT, RequirementKind.ANY_CHANNEL]
    implement, new_forms = derived
    assert "100%" in implement.text and implement.source == "Mục I.2"
    assert set(implement.unit_kinds) == {"department", "central_agency", "service_unit", "commune", "ward"}
    assert new_forms.channels == ["contest", "seminar", "staging"] and new_forms.count_innovative
    assert new_forms.source == "Hình thức e)"


def test_the_real_seed_001_yields_the_same_rules():
    """Read from the seed's own text by the plan reader, as load_demo does."""
    from pathlib import Path

    from cchc.plans import services as plan_services

    path = next((Path(plan_services.__file__).parent / "demo").glob("001_*.txt"))
    parsed = plan_services.plan_parse(path.read_bytes(), path.name, context=unit(PROVINCE))
    plan = plan_services.plan_save(parsed=parsed, unit=unit(PROVINCE), source=(path.name, path.read_bytes()))
    kinds = [(r.kind, r.source, tuple(r.channels), r.count_innovative) for r in derive_requirements(plan)]
    assert kinds == [("implement", "Mục I.2", (), False),
                     ("any_channel", "Hình thức e)", ("contest", "seminar", "staging"), True)]


def test_a_plan_silent_on_requirements_gets_the_default_rule(commune_plan):
    derived = derive_requirements(commune_plan)
    assert [r.source for r in derived] == ["Mặc định", "Mặc định"]
    assert derived[0].unit_kinds == []  # the commune itself
    assert derived[1].channels == ["contest", "seminar", "staging"]


def test_check_shows_the_units_that_fall_short(data, django_assert_max_num_queries):
    plan = data["plan"]
    ensure_requirements(plan)
    ensure_requirements(plan)  # saved once, not twice
    assert Requirement.objects.filter(plan=plan).count() == 2
    with django_assert_max_num_queries(3):
        result = check_requirements(plan, JAN, DEC)
    rows = {r["unit"].code: r for r in result["rows"]}
    assert rows[BINH_GIANG]["all_met"]  # activities + a contest (through its office)
    assert [c["met"] for c in rows[PHU_LY]["checks"]] == [True, False]  # radio only: no new form
    assert not rows[SO_NOI_VU]["checks"][0]["met"]
    implement = result["summary"][0]
    assert implement["met"] == 2 and implement["applicable"] > 100  # departments, communes, wards…
    assert not result["rows"][0]["all_met"]  # those who fall short come first
    assert all(r["unit"].parent_id == unit(PROVINCE).pk for r in result["rows"])  # the plan unit's direct units


def test_a_requirement_is_data_a_coordinator_can_change(data):
    plan = data["plan"]
    requirements = ensure_requirements(plan)
    requirements[1].channels = ["radio"]
    requirements[1].count_innovative = False
    requirements[1].save()
    rows = {r["unit"].code: r for r in check_requirements(plan, JAN, DEC)["rows"]}
    assert rows[PHU_LY]["all_met"] and not rows[BINH_GIANG]["all_met"]


def test_a_commune_plan_checks_the_commune_itself(commune_plan):
    make_activities(unit(BINH_GIANG), 1, channel="seminar")
    result = check_requirements(commune_plan, JAN, DEC)
    assert [r["unit"].code for r in result["rows"]] == [BINH_GIANG]
    assert result["rows"][0]["all_met"] and result["summary"][0]["rate"] == 100.0


def test_an_activity_counts_in_its_units_total(data):
    assert Activity.objects.filter(unit__path__startswith=data["bg"].path).count() == 7


def test_a_sliced_queryset_of_units_is_accepted(data):
    first_two = Unit.objects.filter(code__in=[BINH_GIANG, PHU_LY]).order_by("code")[:2]
    assert sum(r["activities"] for r in figures.activity_totals(first_two, JAN, DEC, by="unit")) == 8
    assert figures.activity_totals(first_two, JAN, DEC, by="channel")[0]["key"] == "press"
