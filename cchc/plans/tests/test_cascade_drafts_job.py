"""Every unit's draft in one ZIP, as a background job: content, progress, double click, empty request."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from cchc.jobs.models import Job, JobStatus
from cchc.orgs.models import Unit
from cchc.plans import cascade, drafts, services
from cchc.plans.models import Obligation, PlanRequest
from cchc.test import BINH_GIANG, PHU_LY, user

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).parent.parent / "demo"


@pytest.fixture
def parent():
    path = next(SEEDS.glob("001_*.txt"))
    return services.plan_save(parsed=services.plan_parse(path.read_bytes(), path.name), unit=Unit.objects.get(code="37"))


@pytest.fixture
def plan_request(parent):
    units = list(Unit.objects.filter(code__in=[BINH_GIANG, PHU_LY, "37.SNV", "37.SVHTT"]))
    # The deadline in the parent plan's year: the unit's own download and draft_docx then agree.
    return cascade.request_create(parent=parent, units=units, deadline=parent.period_end or datetime.date(2026, 12, 31))


def texts(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def run_job(client, plan_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:request_status", args=[plan_request.pk]), {"tao_du_thao": "1"})
    job = Job.objects.get(kind=cascade.DRAFTS_JOB)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


def test_the_zip_holds_each_units_draft_as_draft_docx_renders_it(client, plan_request, parent,
                                                                 django_capture_on_commit_callbacks):
    client.force_login(user("dieuphoi"))
    job = run_job(client, plan_request, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 4 and job.progress == 1
    assert job.result_name == f"du-thao-ke-hoach-{plan_request.pk}.zip"
    archive = zipfile.ZipFile(job.result.open("rb"))
    names = sorted(archive.namelist())
    assert len(names) == 4 and f"{BINH_GIANG}_uy-ban-nhan-dan-xa-binh-giang.docx" in names
    assert all(name.isascii() and name.endswith(".docx") for name in names)
    for obligation in plan_request.obligations.select_related("unit"):
        member = archive.read(cascade.draft_file_name(obligation.unit))
        expected = texts(drafts.draft_docx(parent, obligation.unit))
        assert texts(member) == expected and any("Thực hiện Kế hoạch" in t for t in expected)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert '<progress max="100" value="100"' in page and reverse("jobs:download", args=[job.pk]) in page


def test_a_unit_that_saved_its_own_draft_gets_that_one(client, plan_request, django_capture_on_commit_callbacks):
    obligation = plan_request.obligations.get(unit__code=BINH_GIANG)
    draft = cascade.obligation_draft(obligation)
    draft.title = "tuyên truyền CCHC do xã tự sửa"
    obligation.draft = drafts.draft_to_dict(draft)
    obligation.save(update_fields=["draft"])
    zipped = zipfile.ZipFile(cascade.drafts_zip(plan_request))
    member = zipped.read(cascade.draft_file_name(obligation.unit))
    assert "tuyên truyền CCHC do xã tự sửa" in texts(member)
    assert texts(member) == texts(cascade.obligation_docx(obligation))


def test_progress_steps_reach_the_total(plan_request):
    steps = []
    cascade.drafts_zip(plan_request, progress=lambda done, total: steps.append((done, total)))
    assert steps == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_drafts_read_the_parent_once_whatever_the_number_of_units(plan_request, django_assert_max_num_queries):
    # Prepared once: the queries do not grow with the units (4 here; the benchmark runs 3,500).
    with django_assert_max_num_queries(12):
        cascade.drafts_zip(plan_request)


def test_a_double_click_starts_one_job(client, plan_request):
    client.force_login(user("dieuphoi"))
    url = reverse("plans:request_status", args=[plan_request.pk])
    first = client.post(url, {"tao_du_thao": "1"})  # queued, not run: nothing commits in this test
    second = client.post(url, {"tao_du_thao": "1"})
    assert first["Location"] == second["Location"]
    assert Job.objects.filter(kind=cascade.DRAFTS_JOB).count() == 1


def test_an_empty_request_gives_a_clear_message(client, parent):
    client.force_login(user("dieuphoi"))
    empty = PlanRequest.objects.create(parent=parent, deadline=datetime.date(2026, 12, 31))
    response = client.post(reverse("plans:request_status", args=[empty.pk]), {"tao_du_thao": "1"}, follow=True)
    assert "Yêu cầu này chưa có đơn vị nào nên không có dự thảo nào để tạo." in response.content.decode()
    assert not Job.objects.exists()


def test_the_button_is_on_the_status_page_and_other_units_cannot_see_the_job(client, plan_request,
                                                                             django_capture_on_commit_callbacks):
    client.force_login(user("dieuphoi"))
    assert "Tạo dự thảo cho tất cả đơn vị" in client.get(reverse("plans:request_status", args=[plan_request.pk])).content.decode()
    job = run_job(client, plan_request, django_capture_on_commit_callbacks)
    client.force_login(user("canbo.binhgiang"))
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_unit_without_a_draft_is_listed_not_fatal(plan_request):
    office = Unit.objects.filter(parent__code=BINH_GIANG).first()
    Obligation.objects.create(request=plan_request, unit=office)
    zipped = zipfile.ZipFile(cascade.drafts_zip(plan_request))
    assert len([n for n in zipped.namelist() if n.endswith(".docx")]) == 4
    assert office.code in zipped.read("khong-lap-duoc.txt").decode()
