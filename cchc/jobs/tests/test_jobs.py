"""The generic background job: progress recorded, result saved at the end, failures, access, double start, dead workers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cchc.jobs import services as jobs
from cchc.jobs.models import Job, JobStatus
from cchc.test import BINH_GIANG, PHU_LY, unit, user

pytestmark = pytest.mark.django_db

SEEN: list[tuple[int, int, float]] = []


@jobs.runner("tests.count")
def count_runner(job, progress):
    for i in range(1, job.params["n"] + 1):
        progress(i, job.params["n"])
        SEEN.append((i, job.params["n"], Job.objects.get(pk=job.pk).progress))
    if job.params.get("refuse"):
        raise ValidationError("Không có dữ liệu để xuất.")
    if job.params.get("crash"):
        raise RuntimeError("boom")
    return ("ket-qua.txt", "xin chào".encode())


FAILED_HOOK: list[str] = []
jobs.runner("tests.hooked", on_fail=lambda job, message: FAILED_HOOK.append(message))(lambda job, progress: None)


def start(django_capture_on_commit_callbacks, **params):
    with django_capture_on_commit_callbacks(execute=True):
        return jobs.start("tests.count", user=user("canbo.binhgiang"), unit=unit(BINH_GIANG),
                          params={"n": 3, **params}, title="Đếm thử", dedupe_key=params.pop("key", ""))


def test_progress_is_recorded_and_the_result_saved_at_the_end(django_capture_on_commit_callbacks):
    SEEN.clear()
    job = start(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 3 and job.progress == 1
    # Throttled: the first step and the last always written; the ones between may be skipped.
    assert SEEN[0][2] == pytest.approx(1 / 3) and SEEN[-1][2] == 1
    assert job.result_name == "ket-qua.txt" and job.result.read().decode() == "xin chào"
    assert job.attempts == 1 and job.finished_at and job.heartbeat_at


def test_a_refusal_fails_the_job_with_its_message_and_no_file(django_capture_on_commit_callbacks):
    job = start(django_capture_on_commit_callbacks, refuse=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "Không có dữ liệu để xuất." and not job.result


def test_an_unexpected_error_fails_the_job_with_a_vietnamese_message(django_capture_on_commit_callbacks):
    job = start(django_capture_on_commit_callbacks, crash=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == jobs.ERROR_MESSAGE and "boom" not in job.error


def test_a_second_start_with_the_same_key_gets_the_running_job(django_capture_on_commit_callbacks):
    first = jobs.start("tests.count", user=user("dieuphoi"), params={"n": 1}, dedupe_key="k:1")  # not run: no commit
    second = jobs.start("tests.count", user=user("dieuphoi"), params={"n": 1}, dedupe_key="k:1")
    assert second.pk == first.pk and Job.objects.filter(dedupe_key="k:1").count() == 1
    Job.objects.filter(pk=first.pk).update(status=JobStatus.DONE)
    third = jobs.start("tests.count", user=user("dieuphoi"), params={"n": 1}, dedupe_key="k:1")
    assert third.pk != first.pk  # a finished one is not reused: starting again makes a new job


def running_job(kind="tests.hooked", beat_seconds_ago=600, key=""):
    now = timezone.now()
    return Job.objects.create(kind=kind, title="Việc thử", user=user("canbo.binhgiang"), unit=unit(BINH_GIANG),
                              status=JobStatus.RUNNING, started_at=now, dedupe_key=key,
                              heartbeat_at=now - datetime.timedelta(seconds=beat_seconds_ago), done=4, total=10,
                              progress=0.4)


def test_a_running_job_without_heartbeat_is_marked_failed_and_its_hook_runs(settings):
    settings.JOBS_STALE_SECONDS = 120
    FAILED_HOOK.clear()
    dead, alive = running_job(), running_job(beat_seconds_ago=5)
    assert jobs.sweep_stale() == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.FAILED and dead.error == "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại."
    assert alive.status == JobStatus.RUNNING
    assert FAILED_HOOK == [jobs.STALE_MESSAGE]
    # A late finish of the dead job changes nothing and keeps no file.
    assert jobs.finish(dead, ("x.txt", b"late")) is False
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED and not dead.result


def test_starting_again_after_a_dead_worker_makes_a_new_job():
    dead = running_job(key="k:dead")
    again = jobs.start("tests.count", user=user("dieuphoi"), params={"n": 1}, dedupe_key="k:dead")
    assert again.pk != dead.pk
    dead.refresh_from_db()
    assert dead.status == JobStatus.FAILED


def test_the_status_page_shows_the_stale_job_failed(client):
    dead = running_job()
    client.force_login(user("canbo.binhgiang"))
    page = client.get(reverse("jobs:detail", args=[dead.pk])).content.decode()
    assert "Tiến trình xử lý bị dừng giữa chừng; hãy chạy lại." in page and "4/10" in page


def test_the_status_page_has_a_progress_bar_that_works_without_javascript(client):
    job = running_job(beat_seconds_ago=1)
    client.force_login(user("canbo.binhgiang"))
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert '<progress max="100" value="40"' in page and "Tải lại" in page and "4/10" in page
    partial = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section class="card" id="tien-do"')
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    done = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_another_units_people_get_404_and_the_owner_downloads(client, django_capture_on_commit_callbacks):
    job = start(django_capture_on_commit_callbacks)
    client.force_login(user("canbo.phuly"))
    assert unit(PHU_LY)  # another commune
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert job.pk not in [j.pk for j in client.get(reverse("jobs:list")).context["jobs"]]
    client.force_login(user("canbo.binhgiang"))
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).decode() == "xin chào"
    assert 'filename="ket-qua.txt"' in response["Content-Disposition"]
    client.force_login(user("dieuphoi"))  # a coordinator sees every unit's jobs
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


def test_every_page_links_to_my_jobs(client):
    """A long export keeps running after the person leaves its page: the top bar leads back to it."""
    job = running_job(beat_seconds_ago=1)
    client.force_login(user("canbo.binhgiang"))
    home = client.get(reverse("home"), follow=True).content.decode()
    assert f'href="{reverse("jobs:list")}">Công việc của tôi</a>' in home
    listing = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[job.pk]) in listing


def test_the_sweep_command_reports_what_it_marked(settings):
    from io import StringIO

    from django.core.management import call_command

    dead = running_job()
    out = StringIO()
    call_command("jobs_sweep", stdout=out)
    assert str(dead.pk) in out.getvalue() and "dừng giữa chừng" in out.getvalue()
