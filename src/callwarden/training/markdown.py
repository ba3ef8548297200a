"""A course module's Markdown as HTML that is safe to put in a console page (pure).

Course text is written by a compliance officer, or uploaded, and then shown to every learner in
the audience: a script tag or an `onerror=` attribute in it would run in each learner's signed-in
session. So the Markdown is rendered with markdown-it-py (CommonMark) with raw HTML turned off —
any HTML in the text comes out escaped, as text — and every link target is checked here rather
than trusting a list of bad schemes:

- links may go to `http:`, `https:` and `mailto:` addresses, or be relative to the console;
  anything else (`javascript:`, `data:`, `vbscript:`, `file:`, a protocol-relative `//host`, a
  backslash a browser reads as a slash) is not made a link, and its text stays as typed;
- images are shown only from the console itself (a relative address): an image from elsewhere
  would tell another server who read the course and when; otherwise its description is shown.

The result is `Markup`, so a template shows it without `|safe`: this function is the one place
that decides the HTML is safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

_ABSOLUTE = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
# A relative reference: no scheme (no colon before the first "/", "?" or "#"), not "//host",
# and no backslash, raw or encoded (browsers read "/\host" as "//host").
_RELATIVE = re.compile(r"^(?!//)(?![^/?#]*:)[^\\]*$")
_BACKSLASH = re.compile(r"%5c", re.IGNORECASE)


def _allowed(url: str) -> bool:
    if _BACKSLASH.search(url) or "\\" in url:
        return False
    return bool(_ABSOLUTE.match(url) or _RELATIVE.match(url))


def _local(url: str) -> bool:
    return _allowed(url) and not _ABSOLUTE.match(url)


class _SafeMarkdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        """Called by the parser for every link, image and autolink target (already
        normalised, entities decoded): a target refused here never becomes a link."""
        return _allowed(url)


def _image(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[idx]
    source = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    if not _local(source):
        return escapeHtml(alt)
    token.attrSet("alt", alt)
    return renderer.renderToken(tokens, idx, options, env)


def _link_open(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[idx]
    if _ABSOLUTE.match(str(token.attrGet("href") or "")):
        # Another site learns nothing of the console page it was reached from.
        token.attrSet("rel", "noopener noreferrer nofollow")
    return renderer.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    parser = _SafeMarkdown(
        "commonmark", {"html": False, "linkify": False, "typographer": False}
    ).enable(["table", "strikethrough"])
    rules: Any = parser.add_render_rule
    rules("image", _image)
    rules("link_open", _link_open)
    return parser


_PARSER = _parser()


def render_markdown(text: str, headings_below: int = 0) -> Markup:
    """`text` (CommonMark, tables and strikethrough) as HTML with nothing active in it.

    `headings_below` moves every heading down that many levels (at most to h6), so a document
    with its own `#` title can sit under a page's one main heading.
    """
    env: EnvType = {}
    tokens = _PARSER.parse(text, env)
    if headings_below:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1:]) + headings_below)}"
    html = _PARSER.renderer.render(tokens, _PARSER.options, env)
    return Markup(html)  # noqa: S704 (the HTML is built above, html off)
