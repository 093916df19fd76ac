"""The groups of units that every Vietnamese plan addresses, whatever the province.

Data, not code: a coordinator can add aliases or groups later in the admin.
"""

from django.db import migrations

GROUPS = [
    {
        "code": "so-ban-nganh",
        "name": "Các sở, ban, ngành",
        "scope": "province",
        "member_kinds": ["department"],
        "aliases": [
            "Các sở, ban, ngành thuộc tỉnh", "Các sở, ban, ngành tỉnh", "sở, ban, ngành",
            "Các sở, ngành", "các sở, ban ngành", "Giám đốc các sở, ban, ngành",
            "các Sở, ban, ngành", "Các cơ quan chuyên môn thuộc UBND tỉnh",
            "Các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh", "các sở, ngành tỉnh",
            "các cơ quan, ban, ngành thuộc tỉnh",
        ],
    },
    {
        "code": "ubnd-cap-xa",
        "name": "UBND cấp xã",
        "scope": "province",
        "member_kinds": ["commune", "ward"],
        "aliases": [
            "UBND các xã, phường", "Ủy ban nhân dân các xã, phường", "Ủy ban nhân dân cấp xã",
            "UBND xã, phường", "các xã, phường", "UBND các xã, phường, đặc khu",
            "Ủy ban nhân dân các xã, phường, đặc khu", "Chủ tịch UBND các xã, phường",
            "Chủ tịch Ủy ban nhân dân các xã, phường", "UBND các xã", "cấp xã", "các địa phương",
        ],
    },
    {
        "code": "co-quan-lien-quan",
        "name": "Các cơ quan, đơn vị có liên quan",
        "scope": "open",
        "member_kinds": [],
        "aliases": [
            "Các cơ quan, đơn vị liên quan", "các cơ quan liên quan", "các cơ quan có liên quan",
            "cơ quan, đơn vị liên quan", "các đơn vị liên quan", "các đơn vị có liên quan",
            "Các cơ quan, đơn vị", "các cơ quan, đơn vị, địa phương liên quan",
            "các sở, ban, ngành có liên quan", "các sở, cơ quan liên quan", "các sở, ngành liên quan",
            "các sở, ban, ngành, địa phương liên quan", "các cơ quan, tổ chức liên quan",
        ],
    },
    {
        "code": "toan-tinh",
        "name": "Các cơ quan, đơn vị, địa phương",
        "scope": "province",
        "member_kinds": ["department", "commune", "ward"],
        "aliases": [
            "các cơ quan, đơn vị, địa phương trên địa bàn tỉnh", "các ngành, các cấp",
            "các cấp, các ngành", "Thủ trưởng các cơ quan, đơn vị, địa phương",
            "các cơ quan, địa phương",
        ],
    },
    {
        "code": "co-quan-bao-chi",
        "name": "Các cơ quan báo chí",
        "scope": "province",
        "member_kinds": ["press"],
        "aliases": [
            "các cơ quan thông tin đại chúng", "các cơ quan báo chí, truyền thông",
            "các cơ quan báo chí trên địa bàn tỉnh", "cơ quan thông tin đại chúng",
        ],
    },
    {
        "code": "doan-the",
        "name": "Các tổ chức chính trị - xã hội",
        "scope": "province",
        "member_kinds": ["mass_org"],
        "aliases": ["các đoàn thể", "các đoàn thể tỉnh", "các tổ chức chính trị - xã hội tỉnh"],
    },
    {
        "code": "don-vi-thuoc",
        "name": "Các phòng, ban, đơn vị thuộc",
        "scope": "context",
        "member_kinds": ["office", "service_unit"],
        "aliases": [
            "Các phòng, ban, đơn vị thuộc Sở", "các phòng, ban, đơn vị", "các phòng, đơn vị thuộc Sở",
            "các phòng, đơn vị", "các phòng chuyên môn", "các phòng, ban chuyên môn",
            "các phòng, ban, đơn vị trực thuộc", "các cơ quan, đơn vị thuộc UBND xã",
            "các phòng chuyên môn thuộc UBND xã", "các phòng, ban thuộc UBND xã",
            "các cơ quan, ban, ngành thuộc xã",
        ],
    },
]


def create_groups(apps, schema_editor):
    UnitGroup = apps.get_model("orgs", "UnitGroup")
    for data in GROUPS:
        UnitGroup.objects.update_or_create(code=data["code"], defaults=data)


def remove_groups(apps, schema_editor):
    apps.get_model("orgs", "UnitGroup").objects.filter(code__in=[g["code"] for g in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create_groups, remove_groups)]
