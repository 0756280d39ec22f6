"""What the project home page shows, per role.

The core cannot import the apps on its right, so each app registers a provider here in its
``AppConfig.ready``; the home page calls them in order. A provider receives the user, the
project and the membership and returns a dict of template context (or nothing).
"""

from collections.abc import Callable

_PROVIDERS: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def taches_du_jour(*, user, projet, adhesion) -> dict:
    context: dict = {"blocs": []}
    for provider in _PROVIDERS:
        result = provider(user=user, projet=projet, adhesion=adhesion)
        if result:
            context["blocs"].append(result)
    return context
