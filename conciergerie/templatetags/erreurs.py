"""``{% resume_erreurs form [autre_form …] %}``: the error summary at the top of a form (RGAA 11.10,
WCAG 3.3.1): "Le formulaire contient N erreurs", then one line per error, a link to its field
(``#id_…``) with the field's label and message; the errors of no field (and of hidden fields) are
listed too, without a link. Several forms and formsets of one ``<form>`` share one summary (the
learners' group actions, the volunteer-hours week grid: a row's field says its line).

The box has ``role="alert"`` and ``tabindex="-1"``; static/js/conciergerie.js focuses it when the
page loads (or when htmx swaps it in), and a link of it focuses its field.
"""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.forms.widgets import ChoiceWidget

register = template.Library()


def _ancre(champ) -> str:
    """The id of the element a link to ``champ`` leads to: its input, or the first choice of a
    radio or checkbox list (whose ``id_for_label`` is empty: the list has no id of its own)."""
    if champ.id_for_label:
        return champ.id_for_label
    widget = champ.field.widget
    if isinstance(widget, ChoiceWidget) and champ.auto_id:
        return widget.id_for_label(champ.auto_id, 0)
    return champ.auto_id or ""


def _erreurs_formulaire(form, ligne: int | None = None) -> list[dict]:
    erreurs = [{"ancre": "", "libelle": "", "message": str(m)} for m in form.non_field_errors()]
    for champ in form.hidden_fields():
        erreurs += [{"ancre": "", "libelle": "", "message": str(m)} for m in champ.errors]
    for champ in form.visible_fields():
        libelle = str(champ.label) if ligne is None else f"{champ.label}, ligne {ligne}"
        erreurs += [{"ancre": _ancre(champ), "libelle": libelle, "message": str(m)} for m in champ.errors]
    return erreurs


@register.inclusion_tag("components/resume_erreurs.html")
def resume_erreurs(*formulaires):
    erreurs = []
    for objet in formulaires:
        if isinstance(objet, BaseFormSet):
            if not objet.is_bound:
                continue
            erreurs += [{"ancre": "", "libelle": "", "message": str(m)} for m in objet.non_form_errors()]
            for numero, form in enumerate(objet.forms, start=1):
                erreurs += _erreurs_formulaire(form, ligne=numero)
        elif isinstance(objet, BaseForm) and objet.is_bound:
            erreurs += _erreurs_formulaire(objet)
    return {"erreurs": erreurs, "nombre": len(erreurs)}
