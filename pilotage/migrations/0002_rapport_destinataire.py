"""COPIL reports record for whom they were made. The reports generated before this migration hold
the per-learner table (« Parcours marquants »): they become the coordinators' rendering, which a
funder no longer reads; new reports are made for the committee unless asked otherwise."""

from django.db import migrations, models

CHOIX = [
    ("financeurs", "Comité et financeurs (chiffres agrégés)"),
    ("coordination", "Coordination (avec les parcours individuels)"),
]
AIDE = "Comité et financeurs : chiffres agrégés seulement. Coordination : avec les parcours individuels."


class Migration(migrations.Migration):
    dependencies = [
        ("pilotage", "0001_initial"),
    ]

    operations = [
        # the existing rows: the coordinators' rendering (they list learners by reference)
        migrations.AddField(
            model_name="rapportcopil",
            name="destinataire",
            field=models.CharField(choices=CHOIX, default="coordination", help_text=AIDE, max_length=20, verbose_name="destinataire"),
        ),
        migrations.AlterField(
            model_name="rapportcopil",
            name="destinataire",
            field=models.CharField(choices=CHOIX, default="financeurs", help_text=AIDE, max_length=20, verbose_name="destinataire"),
        ),
    ]
