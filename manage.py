#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    if sys.argv[1:2] == ["import_plan"] and "--save" not in sys.argv:
        # Reading a plan to print it signs nothing that outlives the process: a throwaway key lets
        # an officer (or the scorer) run it without configuring a deployment.
        import secrets

        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
        # Nor does it need the deployment's database: on a machine where `make run` never ran, the
        # unit tree it resolves names against is built once in a scratch database.
        from pathlib import Path

        if "DATABASE_URL" not in os.environ and not (Path(__file__).parent / "data" / "cchc.sqlite3").exists():
            import tempfile

            scratch = Path(tempfile.gettempdir()) / f"cchc-import-plan-{os.getuid()}.sqlite3"
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
            os.environ["CCHC_SCRATCH_TREE"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
