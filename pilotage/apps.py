from django.apps import AppConfig


def roll_up_possible(context) -> dict:
    """The projects page links to the roll-up when the user reads the dashboards of several."""
    from conciergerie.roles import peut

    return {"synthese": sum(peut(a.role, "tableau_de_bord.voir") for a in context["adhesions"]) > 1}


def eligibilite_du_financement(context) -> dict:
    """The funding's page (finances) shows its eligible participants and hours and its targets'
    progress: computed here, where the disclosure control lives (masked for a funder)."""
    from finances.models import Objectif
    from parcours.models import Situation

    from .masquage import LEGENDE, masquer_pour
    from .repartitions import eligibilite_masquee, progressions

    financement, adhesion, user = context["financement"], context["adhesion"], context["request"].user
    masquer = masquer_pour(adhesion.role)
    objectifs = Objectif.objects.visible_to(user, projet=financement.projet_id).filter(financement=financement)
    return {
        "eligibilite_section": [eligibilite_masquee(financement, masquer=masquer)],
        "eligibilite_masque": masquer,
        "statuts_exclus": [dict(Situation.choices).get(s, s) for s in financement.statuts_exclus or []],
        "legende": LEGENDE,
        "progressions_financement": progressions(objectifs.select_related("projet", "financement"), masquer=masquer),
    }


class PilotageConfig(AppConfig):
    """Reporting on top of the domain apps: indicators, dashboards, the roll-up, the COPIL report,
    the Excel bilans and the job mechanism that produces their files."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pilotage"
    verbose_name = "Pilotage : indicateurs, rapports et bilans"

    def ready(self):
        from conciergerie import sections

        # pages of the apps on the left show these sections (the documented hook)
        sections.register("copil_detail", "pilotage/_copil_rapports.html")
        sections.register("seance_actions", "pilotage/_seance_emargement.html")
        sections.register("projet_choix", "pilotage/_lien_synthese.html", contexte=roll_up_possible)
        # the learner's AFEST file (a PDF, pilotage/views_afest.py) from the competences' pages
        sections.register("afest_actions", "pilotage/_afest_pdf_lien.html")
        sections.register("financement_detail", "pilotage/_financement_eligibilite.html", contexte=eligibilite_du_financement)

        # after a write, the written projects' figures computed again in the background
        from conciergerie import revisions

        from . import precalcul

        if precalcul.programmer not in revisions.APRES_COMMIT:
            revisions.APRES_COMMIT.append(precalcul.programmer)

        from conciergerie.home import register

        from .repartitions import objectifs_accueil

        register(objectifs_accueil)
