"""A job's status page (progress bar, result, error) and "Công việc của tôi"."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cchc import policy

from . import services
from .models import JobStatus


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = policy.access_job(request.user, pk)
    services.sweep_one(job)  # a dead worker's job shows as failed, not at 40 % for ever
    if request.htmx:
        if job.active:
            return render(request, "jobs/_progress.html", {"job": job})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # done or failed: the whole page changes
        return response
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = policy.access_job(request.user, pk)
    if job.status != JobStatus.DONE or not job.result:
        raise Http404("Công việc chưa có kết quả.")
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name or job.result.name)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = policy.visible_jobs(request.user).select_related("unit")[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})
