"""A learner's consent to be named in a récit gets a scope and a withdrawal date.

``consentement_recit`` (a yes/no) becomes ``consentement_portee``. An existing « oui » becomes the
COPIL scope: until now that yes was the only gate between a récit and the COPIL report that the
funders read, so it was given for that use; it never becomes « public », which no one was asked.
A « non » becomes no consent (empty), whatever its date. The learners' history rows are converted
the same way, so that the history reads the consent as it was.
"""

from django.db import migrations, models


def vers_portee(apps, schema_editor):
    for nom in ("Apprenant", "HistoricalApprenant"):
        modele = apps.get_model("parcours", nom)
        modele.objects.filter(consentement_recit=True).update(consentement_portee="copil")
        modele.objects.filter(consentement_recit=False).update(consentement_portee="")


def vers_booleen(apps, schema_editor):
    for nom in ("Apprenant", "HistoricalApprenant"):
        modele = apps.get_model("parcours", nom)
        # a withdrawn consent is no consent
        modele.objects.exclude(consentement_portee="").filter(consentement_retire_le__isnull=True).update(consentement_recit=True)


class Migration(migrations.Migration):
    dependencies = [
        ("parcours", "0002_date_du_jour_a_paris"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="apprenant", name="apprenant_consentement_date"),
        migrations.AddField(
            model_name="apprenant",
            name="consentement_portee",
            field=models.CharField(
                blank=True,
                choices=[
                    ("interne", "Interne (l'équipe de la conciergerie)"),
                    ("copil", "COPIL (partenaires et financeurs)"),
                    ("public", "Public (communication)"),
                ],
                default="",
                help_text="Jusqu'où l'apprenant accepte d'être nommé dans un récit : interne ⊂ COPIL ⊂ public. Vide : aucun consentement.",
                max_length=10,
                verbose_name="consentement aux récits",
            ),
        ),
        migrations.AddField(
            model_name="apprenant",
            name="consentement_retire_le",
            field=models.DateField(
                blank=True,
                help_text="Enregistré par l'action « Retirer le consentement » de la fiche.",
                null=True,
                verbose_name="consentement retiré le",
            ),
        ),
        migrations.AddField(
            model_name="historicalapprenant",
            name="consentement_portee",
            field=models.CharField(
                blank=True,
                choices=[
                    ("interne", "Interne (l'équipe de la conciergerie)"),
                    ("copil", "COPIL (partenaires et financeurs)"),
                    ("public", "Public (communication)"),
                ],
                default="",
                help_text="Jusqu'où l'apprenant accepte d'être nommé dans un récit : interne ⊂ COPIL ⊂ public. Vide : aucun consentement.",
                max_length=10,
                verbose_name="consentement aux récits",
            ),
        ),
        migrations.AddField(
            model_name="historicalapprenant",
            name="consentement_retire_le",
            field=models.DateField(
                blank=True,
                help_text="Enregistré par l'action « Retirer le consentement » de la fiche.",
                null=True,
                verbose_name="consentement retiré le",
            ),
        ),
        migrations.RunPython(vers_portee, vers_booleen, elidable=False),
        migrations.RemoveField(model_name="apprenant", name="consentement_recit"),
        migrations.RemoveField(model_name="historicalapprenant", name="consentement_recit"),
        migrations.AddConstraint(
            model_name="apprenant",
            constraint=models.CheckConstraint(
                condition=models.Q(("consentement_portee", ""), ("consentement_date__isnull", False), _connector="OR"),
                name="apprenant_consentement_date",
                violation_error_message="Indiquez la date du consentement.",
            ),
        ),
        migrations.AddConstraint(
            model_name="apprenant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("consentement_retire_le__isnull", True),
                    models.Q(models.Q(("consentement_portee", ""), _negated=True), ("consentement_date__isnull", False)),
                    _connector="OR",
                ),
                name="apprenant_retrait_apres_consentement",
                violation_error_message="Un retrait suppose un consentement enregistré (portée et date).",
            ),
        ),
        migrations.AddConstraint(
            model_name="apprenant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("consentement_retire_le__isnull", True),
                    ("consentement_retire_le__gte", models.F("consentement_date")),
                    _connector="OR",
                ),
                name="apprenant_retrait_date",
                violation_error_message="Le retrait ne peut pas précéder le consentement.",
            ),
        ),
    ]
