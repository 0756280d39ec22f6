"""The learners' block of the project home to-do (registered in ParcoursConfig.ready)."""

from datetime import timedelta

from django.db.models import Count, Window
from django.urls import reverse
from django.utils import timezone

from conciergerie.roles import peut

from .filters import parcours_sans_etape, suivis_dus
from .models import Etape, Parcours, StatutEtape, StatutParcours

#: lines shown per block of the home to-do; the rest is a link to the filtered learners list
LIGNES_TODO = 15


def premieres_lignes(queryset, limite: int = LIGNES_TODO) -> tuple[list, int]:
    """The first ``limite`` rows and the total, in one query (a window count over the whole
    result, computed before the LIMIT)."""
    lignes = list(queryset.annotate(total_lignes=Window(Count("pk")))[:limite])
    return lignes, (lignes[0].total_lignes if lignes else 0)


def taches_parcours(*, user, projet, adhesion) -> dict | None:
    """The home page's to-do lines about learners (three queries, whatever the number of rows):
    the first ``LIGNES_TODO`` of each block and its total."""
    if adhesion is None or not peut(adhesion.role, "apprenants.voir"):
        return None
    parcours = Parcours.objects.visible_to(user, projet=projet).select_related("apprenant")
    aujourd_hui = timezone.localdate()
    suivis, nb_suivis = premieres_lignes(suivis_dus(parcours, aujourd_hui).order_by("suivi_6_mois_le", "pk"))
    bloquees, nb_bloquees = premieres_lignes(
        Etape.objects.visible_to(user, projet=projet)
        .filter(statut=StatutEtape.BLOQUEE)
        .select_related("parcours__apprenant", "organisation")
        .order_by("modifie_le", "pk")
    )
    dormants, nb_dormants = premieres_lignes(parcours_sans_etape(parcours, aujourd_hui).order_by("date_debut", "pk"))
    liste = reverse("apprenant_list", args=[projet.pk])
    return {
        "template": "parcours/_todo.html",
        "suivis": suivis,
        "nb_suivis": nb_suivis,
        "bloquees": bloquees,
        "nb_bloquees": nb_bloquees,
        "dormants": dormants,
        "nb_dormants": nb_dormants,
        "aujourd_hui": aujourd_hui,
        "bientot": aujourd_hui + timedelta(days=30),
        "peut_modifier": peut(adhesion.role, "apprenants.modifier"),
        "projet": projet,
        "statut_cloture": StatutParcours.CLOTURE,
        # the morning digest (conciergerie.resume): counts and links, no learner's name nor motive
        "resume": [
            {"libelle": "Suivis à 6 mois à faire", "nombre": nb_suivis, "url": f"{liste}?suivi_du=oui"},
            {"libelle": "Étapes bloquées", "nombre": nb_bloquees, "url": f"{liste}?bloquee=oui"},
            {"libelle": "Parcours sans étape depuis 60 jours", "nombre": nb_dormants, "url": f"{liste}?sans_etape=oui"},
        ],
    }
