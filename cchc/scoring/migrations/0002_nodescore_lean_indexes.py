"""The appraisal pass over 273,000 scores (issue 17): fewer index and foreign-key writes per score.

- no separate scorecard_id index: the unique (scorecard, node) index leads with it;
- appraiser_1/appraiser_2: no index (nothing looks scores up by appraiser) and no database foreign
  key (the writers check the acting user once and hold it FOR KEY SHARE; Django's SET_NULL clears
  it when a user is deleted);
- PostgreSQL: fillfactor 50 on the score table, so a pass's UPDATE of every score finds room on the
  same page and stays a heap-only (HOT) update that writes no index at all.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _fillfactor(schema_editor, percent: int) -> None:
    # Takes effect for pages written from now on (no table rewrite, no long lock).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE scoring_nodescore SET (fillfactor = {int(percent)})")


def half_full_pages(apps, schema_editor):
    _fillfactor(schema_editor, 50)


def full_pages(apps, schema_editor):
    _fillfactor(schema_editor, 100)


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(half_full_pages, full_pages),
        migrations.AlterField(
            model_name='nodescore',
            name='appraiser_1',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thẩm định đợt 1'),
        ),
        migrations.AlterField(
            model_name='nodescore',
            name='appraiser_2',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thẩm định đợt 2'),
        ),
        migrations.AlterField(
            model_name='nodescore',
            name='scorecard',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='node_scores', to='scoring.scorecard', verbose_name='phiếu chấm điểm'),
        ),
    ]
