import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0003_entry_time_seconds"),
        ("judging", "0002_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="StageTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.BigIntegerField()),
                ("marked", models.PositiveIntegerField()),
                ("fewest", models.PositiveIntegerField(null=True)),
                ("flagged", models.PositiveIntegerField()),
                (
                    "competition",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="competitions.competition",
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="competitions.entry",
                    ),
                ),
                (
                    "stage",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="judging.stage",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("competition", "entry", "stage"),
                        name="one_stage_tally_per_entry",
                    )
                ],
            },
        ),
    ]
