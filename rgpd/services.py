"""The rights' writes: anonymising a learner or a contact person (keyword-only, callable without
HTTP: the retention task calls them with ``by=None``).

What an anonymisation keeps and removes is decided here and shown on the confirmation page
(``CONSERVE_APPRENANT``, ``EFFACE_APPRENANT``); docs/architecture.md, "Data protection".
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from competences.models import ComposanteAfest, Evaluation, NiveauEvaluation, TypeComposante
from conciergerie.journal import journaliser
from conciergerie.models import ActionAcces, JournalAcces, TraitementImport
from conciergerie.scoping import exiger
from parcours.models import STATUTS_AVEC_MOTIF, Apprenant, Etape, Frein, Parcours, Sortie
from partenaires.models import Contact, Organisation
from recits.models import Activite, Copil, Recit

from . import liens
from .models import Anonymisation, AvisConservation, MotifAnonymisation
from .textes import MARQUE, effacer, motifs_identite

CAPACITE = "rgpd.gerer"
DEJA_ANONYMISE = "Cette personne est déjà anonymisée."
MOTIF_EFFACE = "Motif effacé (anonymisation)."
PROPOS_EFFACES = "Propos effacés (anonymisation)."

#: shown on the confirmation page
EFFACE_APPRENANT = [
    "prénom, nom et référence (remplacés par « Anonyme » et un numéro)",
    "jour et mois de naissance (seule l'année est gardée, pour les tranches d'âge)",
    "commune, e-mail, téléphone et contact prescripteur",
    "commentaires des freins et des sorties, motifs des étapes bloquées ou abandonnées",
    "commentaires de ses évaluations de compétences, ses propos notés lors des phases réflexives d'AFEST ; son nom dans les autres traces d'AFEST",
    "son nom dans les objectifs, intitulés et récits ; ses liens aux récits",
    "tout l'historique des modifications de sa fiche et de ses parcours",
    "l'avis de fin de conservation éventuel",
]
CONSERVE_APPRENANT = [
    "situation à l'entrée, niveau, QPV/ZRR, RQTH, statut du n° de sécurité sociale, prescripteur (organisation)",
    "dates d'entrée, parcours, étapes (types, organismes, heures, statuts), freins (types), sorties (résultats) : "
    "les indicateurs et les bilans continuent de compter cette personne",
    "les partages de valeur qui la concernent (montants)",
    "le journal des accès (sans nom : la nouvelle référence), jusqu'à sa purge",
]
EFFACE_CONTACT = [
    "prénom, nom, fonction, e-mail et téléphone",
    "son nom dans les récits, comptes rendus de COPIL, activités et notes d'organisations du projet",
]
CONSERVE_CONTACT = [
    "son organisation, le fait d'être référent, sa présence aux COPIL et comme contact prescripteur (sans nom)",
]


def est_anonymise(personne) -> bool:
    return Anonymisation.objects.filter(**{personne._meta.model_name: personne}).exists()


def _par_nom(by) -> str:
    if by is None:
        return "système (conservation)"
    return f"{by.get_full_name() or by.username} ({by.username})"[:200]


def _journal_admin(model, ids) -> None:
    """The admin site's log names the rows by their text: it goes too."""
    if not ids:
        return
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(i) for i in ids]).update(
        object_repr=MARQUE, change_message=""
    )


def _annee_seule(naissance: date | None) -> date | None:
    """The birth date reduced to its year (1 July: the age brackets move by six months at most)."""
    return date(naissance.year, 7, 1) if naissance else None


def _resultats_imports(projet_id: int, motifs) -> None:
    """The results of the import jobs (``TraitementImport.resultat``, JSON: the first lines, named
    as in the file) lose the person's identity like the free texts."""
    for traitement in TraitementImport.objects.filter(projet_id=projet_id).exclude(resultat=None):
        texte = json.dumps(traitement.resultat, ensure_ascii=False)
        efface = effacer(texte, motifs)  # the mark holds no quote nor backslash: still JSON
        if efface != texte:
            TraitementImport.objects.filter(pk=traitement.pk).update(resultat=json.loads(efface))


def anonymiser_apprenant(*, apprenant: Apprenant, by, motif: str = MotifAnonymisation.DEMANDE) -> Anonymisation:
    """Anonymise ``apprenant`` for good: what ``EFFACE_APPRENANT`` lists is removed or replaced,
    what ``CONSERVE_APPRENANT`` lists stays (the aggregates keep counting the person). ``by``
    needs ``rgpd.gerer`` (``None``: the retention task). Refused when already done."""
    exiger(by, apprenant.projet_id, CAPACITE)
    with transaction.atomic():
        apprenant = Apprenant.objects.select_for_update().get(pk=apprenant.pk)
        if est_anonymise(apprenant):
            raise ValidationError(DEJA_ANONYMISE)
        ids = liens.ids_lies(apprenant)
        lies = motifs_identite(
            prenom=apprenant.prenom, nom=apprenant.nom, email=apprenant.email, telephone=apprenant.telephone, prenom_seul=True
        )
        autres = motifs_identite(prenom=apprenant.prenom, nom=apprenant.nom, email=apprenant.email, telephone=apprenant.telephone)

        # 1. every history row of the learner and of their rows, deleted rows included
        for qs in liens.historiques(apprenant, ids).values():
            qs.delete()

        # 2. free texts of their rows (queryset updates: no history row is written)
        Frein.objects.filter(apprenant=apprenant).update(commentaire="")
        Sortie.objects.filter(parcours__apprenant=apprenant).update(commentaire="")
        for etape in Etape.objects.filter(parcours__apprenant=apprenant):
            motif_etape = MOTIF_EFFACE if etape.statut in STATUTS_AVEC_MOTIF else ""
            Etape.objects.filter(pk=etape.pk).update(motif=motif_etape, intitule=effacer(etape.intitule, lies))
        for parcours in Parcours.objects.filter(apprenant=apprenant):
            Parcours.objects.filter(pk=parcours.pk).update(intitule=effacer(parcours.intitule, lies) or "Parcours")
        # the competences: evaluations' comments, the learner's words in the AFEST's reflexive phases
        Evaluation.objects.filter(apprenant=apprenant).update(commentaire="")
        NiveauEvaluation.objects.filter(evaluation__apprenant=apprenant).update(commentaire="")
        ComposanteAfest.objects.filter(etape__parcours__apprenant=apprenant, type=TypeComposante.PHASE_REFLEXIVE).update(
            contenu=PROPOS_EFFACES
        )
        for composante in ComposanteAfest.objects.filter(etape__parcours__apprenant=apprenant).exclude(type=TypeComposante.PHASE_REFLEXIVE):
            contenu = effacer(composante.contenu, lies)
            if contenu != composante.contenu:
                ComposanteAfest.objects.filter(pk=composante.pk).update(contenu=contenu)

        # 3. the récits: linked ones lose the link and the names; others naming the person, the names
        for recit in Recit.objects.filter(projet_id=apprenant.projet_id):
            motifs = lies if recit.apprenants.filter(pk=apprenant.pk).exists() else autres
            titre, texte = effacer(recit.titre, motifs), effacer(recit.texte, motifs)
            if (titre, texte) != (recit.titre, recit.texte):
                Recit.objects.filter(pk=recit.pk).update(titre=titre, texte=texte)
        Recit.apprenants.through.objects.filter(apprenant_id=apprenant.pk).delete()

        # 4. the admin site's log, the access log's labels, the retention notice
        _journal_admin(Apprenant, ids.get(Apprenant))
        _journal_admin(Parcours, ids.get(Parcours))
        _journal_admin(Etape, ids.get(Etape))
        _journal_admin(Frein, ids.get(Frein))
        _journal_admin(Sortie, ids.get(Sortie))
        nouvelle_reference = f"ANONYME-{apprenant.pk}"
        JournalAcces.objects.filter(objet_type=Apprenant._meta.label_lower, objet_id=apprenant.pk).update(objet_libelle=nouvelle_reference)
        AvisConservation.objects.filter(apprenant=apprenant).delete()
        _resultats_imports(apprenant.projet_id, lies)

        # 5. the learner's row: saved through the model, so that one history row (anonymous values
        # only) says who anonymised and when
        apprenant.reference = nouvelle_reference
        apprenant.prenom = "Anonyme"
        apprenant.nom = str(apprenant.pk)
        apprenant.date_naissance = _annee_seule(apprenant.date_naissance)
        apprenant.commune = ""
        apprenant.email = ""
        apprenant.telephone = ""
        apprenant.prescripteur_contact = None
        apprenant._change_reason = "Anonymisation (RGPD)"
        apprenant._history_user = by
        apprenant.save()

        anonymisation = Anonymisation.objects.create(
            projet_id=apprenant.projet_id, apprenant=apprenant, motif=motif, faite_le=timezone.now(), par=by, par_nom=_par_nom(by)
        )
        journaliser(user=by, projet=apprenant.projet_id, action=ActionAcces.ANONYMISATION, objet=apprenant)
    return anonymisation


def anonymiser_contact(*, contact: Contact, by) -> Anonymisation:
    """Anonymise a contact person: ``EFFACE_CONTACT`` goes, ``CONSERVE_CONTACT`` stays."""
    projet_id = contact.organisation.projet_id
    exiger(by, projet_id, CAPACITE)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if est_anonymise(contact):
            raise ValidationError(DEJA_ANONYMISE)
        motifs = motifs_identite(prenom=contact.prenom, nom=contact.nom, email=contact.email, telephone=contact.telephone)
        for modele, champs in (
            (Recit, ("titre", "texte")),
            (Copil, ("lieu", "ordre_du_jour", "decisions", "besoins", "prochaines_etapes")),
        ):
            for objet in modele.objects.filter(projet_id=projet_id):
                valeurs = {c: effacer(getattr(objet, c), motifs) for c in champs}
                if any(valeurs[c] != getattr(objet, c) for c in champs):
                    modele.objects.filter(pk=objet.pk).update(**valeurs)
        for objet in Activite.objects.filter(projet_id=projet_id).exclude(description=""):
            description = effacer(objet.description, motifs)
            if description != objet.description:
                Activite.objects.filter(pk=objet.pk).update(description=description)
        for objet in Organisation.objects.filter(projet_id=projet_id).exclude(notes=""):
            notes = effacer(objet.notes, motifs)
            if notes != objet.notes:
                Organisation.objects.filter(pk=objet.pk).update(notes=notes)
        _journal_admin(Contact, [contact.pk])
        Contact.objects.filter(pk=contact.pk).update(prenom="Contact", nom="anonymisé", fonction="", email="", telephone="")
        contact.refresh_from_db()
        return Anonymisation.objects.create(
            projet_id=projet_id, contact=contact, motif=MotifAnonymisation.DEMANDE, faite_le=timezone.now(), par=by, par_nom=_par_nom(by)
        )
