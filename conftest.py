"""Test set-up shared by every app: settings for tests, the demo tree, a named cast of users."""

import os

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The Ninh Bình demo tree, loaded once per run through the same command `make run` uses."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_demo", "--no-plans", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
        ],
    }
