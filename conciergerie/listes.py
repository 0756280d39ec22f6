"""``ListeFiltreeView``: a filtered, paginated, scoped list page that downloads as CSV and xlsx.

The base of the lists added for issue 19 (paths, steps, expenses, volunteer hours): the view
gives ``capacite``, ``base_queryset()`` (rows read through ``visible_to``), a django-filter
``filterset_class`` (built with ``user`` and ``projet``), ``ordering`` and the export's columns
(``ExportListeMixin``). The page and its download read the same ``get_queryset()``: the same
rows, filters and order (``?format=csv|xlsx``, ``page`` ignored). A refused filter value gives
no row (django-filter would drop that filter and show the rest), its message next to its field.
"""

from django.views.generic import ListView

from .exports import ExportListeMixin
from .mixins import ProjetMixin


class ListeFiltreeView(ExportListeMixin, ProjetMixin, ListView):
    paginate_by = 25
    filterset_class = None
    ordering: tuple[str, ...] = ("pk",)
    #: the list's URL name (the filter form's action and its « Effacer » link)
    url_liste = ""

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), user=self.request.user, projet=self.projet
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            # a refused filter (a date that is none, a choice the user does not see) is shown with
            # its French message and no row: never the unfiltered list (nor its download) instead
            return self.filterset.queryset.none()
        return self.filterset.qs.order_by(*self.ordering)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("format", None)
        context.update(filter=self.filterset, query_string=params.urlencode(), url_liste=self.url_liste)
        return context
