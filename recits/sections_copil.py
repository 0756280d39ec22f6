"""Sections that apps on the right of ``recits`` add to the COPIL page (a documented hook).

``recits`` may not import ``pilotage``, which reports on it; yet the COPIL page shows the
meeting's PDF reports. So ``pilotage`` registers the template of that section here in its
``AppConfig.ready`` and the COPIL page includes every registered template in order, with its own
context (``projet``, ``copil``, ``adhesion``, ``request``).
"""

_SECTIONS: list[str] = []


def register(template_name: str) -> str:
    if template_name not in _SECTIONS:
        _SECTIONS.append(template_name)
    return template_name


def sections() -> list[str]:
    return list(_SECTIONS)
