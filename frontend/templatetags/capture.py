"""`{% capture as name %}...{% endcapture %}`: a piece of a page, rendered once and kept in a
variable, so a translated sentence can take it whole: a list of links, a link with its query,
a field that stands inside the sentence.

    {% capture as links %}{% for r in rooms %}<a href="...">{{ r }}</a>{% endfor %}{% endcapture %}
    {% blocktranslate with rooms=links %}You host {{ rooms }}.{% endblocktranslate %}

What the piece holds is escaped as it is rendered, so it goes into the sentence as it is.
"""

from __future__ import annotations

from django import template
from django.template.base import Parser, Token
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        # Rendered by the template engine, which escaped every value in it already.
        context[self.name] = mark_safe(self.nodelist.render(context))
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """`{% capture as name %}`, up to `{% endcapture %}`."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError(f"Use {{% {bits[0]} as name %}}...{{% end{bits[0]} %}}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
