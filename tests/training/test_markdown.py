"""Course Markdown as console HTML: whatever the text, nothing in the output can run."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from callwarden.training.markdown import render_markdown

# What CommonMark with tables and strikethrough may produce, and the attributes each may carry.
SAFE_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "src", "alt", "style", "start", "class"}


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    """Only tags Markdown makes, only their plain attributes, only allowed addresses."""
    for tag, attrs in Tags(html).seen:
        assert tag in SAFE_TAGS, html
        assert set(attrs) <= SAFE_ATTRIBUTES, html
        assert "style" not in attrs or tag in ("th", "td"), html  # table alignment only
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:", "//")), html
            assert ":" not in value.split("/")[0] or value.startswith(("http", "mailto:")), html


def links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)"', html)


def test_ordinary_markdown_renders() -> None:
    html = render_markdown(
        "# Why\n\nWe **record** calls.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert isinstance(html, Markup)
    assert "<h1>Why</h1>" in html and "<strong>record</strong>" in html
    assert "<li>one</li>" in html and "<td>1</td>" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://ok.example" onclick="alert(1)">x</a>',
        "<div onmouseover=alert(1)>hover</div>",
        "<iframe src=https://evil.example></iframe>",
        "<!-- a comment --><style>body{display:none}</style>",
        "text <b onclick=alert(1)>bold</b> inline",
        "| a |\n|---|\n| <svg onload=alert(1)> |",
    ],
)
def test_raw_html_comes_out_as_text(text: str) -> None:
    html = render_markdown(text)
    assert not re.search(r"<(script|img|a|div|iframe|style|b|svg)\b", html, re.IGNORECASE)
    assert "&lt;" in html
    assert_inert(html)


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "java&#x09;script:alert(1)",
        "javascript&colon;alert(1)",
        "%6Aavascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "tel:+15125550100",
        "//evil.example/path",
        "/\\evil.example",
        "/%5Cevil.example",
        "<javascript:alert(1)>",
    ],
)
def test_links_that_are_not_http_mailto_or_relative_are_not_links(target: str) -> None:
    for text in (f"[click]({target})", f"[click][r]\n\n[r]: {target}", f"<{target}>"):
        html = render_markdown(text)
        assert links(html) == [], (text, html)
        assert "href" not in html
        assert_inert(html)


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("[policy](https://example.org/policy)", "https://example.org/policy"),
        ("[write](mailto:compliance@example.org)", "mailto:compliance@example.org"),
        ("[next](../modules/2)", "../modules/2"),
        ("[policy](/console/policy)", "/console/policy"),
        ("[section](#retention)", "#retention"),
        ("<https://example.org>", "https://example.org"),
    ],
)
def test_http_mailto_and_relative_links_stay_links(text: str, href: str) -> None:
    assert links(render_markdown(text)) == [href]


def test_links_elsewhere_tell_the_other_site_nothing() -> None:
    html = render_markdown("[x](https://example.org) [y](/console)")
    assert 'href="https://example.org" rel="noopener noreferrer nofollow"' in html
    assert '<a href="/console">' in html


def test_images_only_from_the_console_itself() -> None:
    assert "<img" not in render_markdown("![a tracker](https://evil.example/pixel.png)")
    assert "a tracker" in render_markdown("![a tracker](https://evil.example/pixel.png)")
    assert "<img" not in render_markdown('![x" onerror="alert(1)](//evil.example/p.png)')
    assert "<img" not in render_markdown("![x](javascript:alert(1))")
    html = render_markdown("![the pause button](/static/pause.png)")
    assert '<img src="/static/pause.png" alt="the pause button"' in html


def test_entities_are_shown_not_interpreted_as_markup() -> None:
    html = render_markdown("&lt;script&gt; &#60;b&#62; AT&amp;T")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "AT&amp;T" in html


def test_attribute_values_cannot_be_broken_out_of() -> None:
    html = render_markdown('[x](https://example.org "a title\\" onmouseover=\\"alert(1)")')
    ((tag, attrs),) = Tags(html).seen[1:]
    assert tag == "a" and set(attrs) == {"href", "title", "rel"}
    assert_inert(html)


@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'&:/\\[]()!#*_`=- \njavscriptdonerlk1")), max_size=80
    )
)
def test_no_text_produces_an_active_tag_or_attribute(text: str) -> None:
    assert_inert(render_markdown(text))


def test_headings_can_sit_below_the_pages_own() -> None:
    from callwarden.training.markdown import render_markdown

    shifted = str(render_markdown("# Title\n\n## Part\n\n###### Deep", headings_below=1))
    assert "<h2>Title</h2>" in shifted and "<h3>Part</h3>" in shifted and "<h6>Deep</h6>" in shifted
    assert "<h1>" in str(render_markdown("# Title"))
