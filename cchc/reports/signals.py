"""The reports app's answers to what the units app announces (`cchc.orgs.signals`): a unit that
appears while a period takes entry gets its report, and a merger hands the reporting over."""

from cchc.reports import services


def on_units_changed(sender, *, units, **kwargs):
    services.ensure_reports(units)


def on_unit_merged(sender, *, sources, into, on, **kwargs):
    services.merged(sources=sources, into=into, on=on)


def connect() -> None:
    from cchc.orgs.signals import unit_merged, units_changed

    units_changed.connect(on_units_changed, dispatch_uid="reports.ensure_reports")
    unit_merged.connect(on_unit_merged, dispatch_uid="reports.merged")
