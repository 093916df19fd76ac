"""Spellings of the default groups met in real plans of other provinces ("Sở, ngành",
"các sở, ban, ngành, địa phương"): added to the aliases a coordinator may already have extended."""

from django.db import migrations

ALIASES = {
    "so-ban-nganh": ["Sở, ngành", "các Sở, ngành", "Sở, ban, ngành tỉnh", "các sở, ban, ngành của tỉnh"],
    "ubnd-cap-xa": ["UBND xã, phường, đặc khu", "các xã, phường, đặc khu", "Ủy ban nhân dân xã, phường"],
}


def add_aliases(apps, schema_editor):
    UnitGroup = apps.get_model("orgs", "UnitGroup")
    for code, aliases in ALIASES.items():
        group = UnitGroup.objects.filter(code=code).first()
        if group is None:
            continue
        have = {a.lower() for a in group.aliases}
        group.aliases = [*group.aliases, *(a for a in aliases if a.lower() not in have)]
        group.save(update_fields=["aliases"])


def remove_aliases(apps, schema_editor):
    UnitGroup = apps.get_model("orgs", "UnitGroup")
    for code, aliases in ALIASES.items():
        for group in UnitGroup.objects.filter(code=code):
            group.aliases = [a for a in group.aliases if a not in aliases]
            group.save(update_fields=["aliases"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_name_mappings")]
    operations = [migrations.RunPython(add_aliases, remove_aliases)]
