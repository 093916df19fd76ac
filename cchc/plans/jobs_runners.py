"""The plans' kinds of background job (cchc.jobs imports this module at start-up)."""

from cchc.jobs import services as jobs

from . import cascade
from .jobs import IMPORT_JOB, import_job_failed, import_job_run

jobs.runner(IMPORT_JOB, on_fail=import_job_failed)(import_job_run)
jobs.runner(cascade.DRAFTS_JOB)(cascade.drafts_job_run)
