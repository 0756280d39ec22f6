from django import template

from recits.markdown import rendre_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown(texte):
    """``{{ recit.texte|markdown }}``: Markdown rendered then sanitised (recits/markdown.py)."""
    return rendre_markdown(texte)
