"""Widgets shared by the apps' forms and filters.

``PlageDatesWidget``: a date range (django-filter's ``DateFromToRangeFilter``) whose two date
inputs each have their own visible label, « du » and « au » (an input without a label is an RGAA
and WCAG failure: axe-core's ``label`` rule). components/filtres_champs.html puts the range in a
``<fieldset>`` whose ``<legend>`` is the filter's label, which the two labels complete.
"""

from django.utils.html import format_html, format_html_join
from django_filters.widgets import DateRangeWidget


class PlageDatesWidget(DateRangeWidget):
    libelles = ("du", "au")

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        contexte = self.get_context(name, value, attrs)
        bornes = []
        for libelle, widget, sous_widget in zip(self.libelles, contexte["widget"]["subwidgets"], self.widgets, strict=True):
            champ = sous_widget.render(widget["name"], widget["value"], widget["attrs"], renderer)
            bornes.append((widget["attrs"]["id"], libelle, champ))
        return format_html(
            '<span class="plage-dates">{}</span>', format_html_join("", '<span class="borne"><label for="{}">{}</label>{}</span>', bornes)
        )
