"""Writing a batch of imported rows in bulk (``bulk_create``/``bulk_update``) with
django-simple-history's bulk helpers where the model keeps a history, so that the history
records who imported; a confirmed import calls it inside its one transaction."""


def enregistrer_lot(*, model, by, creations=(), modifications=(), champs=(), motif="Import de fichier") -> None:
    """Write a batch of validated rows; models with a django-simple-history history get their
    historical rows in bulk too, with ``by`` as the author."""
    from simple_history.exceptions import NotHistoricalModelError
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_history_manager_for_model

    try:
        get_history_manager_for_model(model)
        historique = True
    except NotHistoricalModelError:
        historique = False
    if creations:
        if historique:
            bulk_create_with_history(list(creations), model, batch_size=500, default_user=by, default_change_reason=motif)
        else:
            model.objects.bulk_create(list(creations), batch_size=500)
    if modifications and champs:
        if historique:
            bulk_update_with_history(list(modifications), model, list(champs), batch_size=500, default_user=by, default_change_reason=motif)
        else:
            model.objects.bulk_update(list(modifications), list(champs), batch_size=500)
