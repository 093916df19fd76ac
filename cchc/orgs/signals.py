"""What the units app tells the rest of the project, without importing it (reports, plans… build
on units; units must not depend on them).

Both are sent inside the service's transaction, so a receiver that fails undoes the change."""

from django.dispatch import Signal

# These units were created, or their kind or dates of validity changed (sender=Unit, units=[...]).
units_changed = Signal()

# `sources` were merged into `into` on the date `on` (sender=Unit, sources=[...], into=Unit, on=date).
unit_merged = Signal()
