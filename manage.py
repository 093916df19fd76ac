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
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
