"""Article HTML: what collaborators may write, cleaned with nh3 (the Rust `ammonia` sanitiser).

Scripts, event handlers (onerror=…), styles, iframes and javascript:/data: URLs never survive;
links get rel="noopener noreferrer"; images are lazy-loaded. Plain text (no tags) becomes paragraphs,
so a collaborator can simply type.
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "b", "em", "i", "a", "img", "blockquote",
    "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_BLOCK = re.compile(r"<(p|h[1-6]|ul|ol|table|blockquote|figure|div)\b", re.IGNORECASE)
_BREAKS = re.compile(r"<(br|/p|/h\d|/li|/td|/th|/tr|/blockquote|/figcaption|/caption|/div)\b[^>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n")
_IMG_OURS = re.compile(r'<img([^>]*?)src="(/cai-cach-hanh-chinh/anh/(\d+)/)"([^>]*)>')


def clean_html(text: str, *, image_sizes: dict[int, tuple[int, int]] | None = None) -> str:
    """Sanitised HTML for an article or a guide. `image_sizes` (image id → width, height) fills in
    the dimensions of our own images so the page does not jump while they load."""
    text = (text or "").replace("\r\n", "\n").strip()
    if text and not _BLOCK.search(text):
        # Typed text (perhaps with <strong> or a link): blank lines separate paragraphs. nh3 then
        # escapes any stray "<" and removes whatever is not allowed.
        paragraphs = [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]
        text = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs)
    cleaned = nh3.clean(
        text,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy", "decoding": "async"}},
        strip_comments=True,
    )
    if image_sizes:
        cleaned = _IMG_OURS.sub(lambda m: _sized(m, image_sizes), cleaned)
    return cleaned


def _sized(match: re.Match, sizes: dict[int, tuple[int, int]]) -> str:
    before, src, pk, after = match.group(1), match.group(2), int(match.group(3)), match.group(4)
    attrs = before + after
    if pk not in sizes or "width=" in attrs:
        return match.group(0)
    width, height = sizes[pk]
    return f'<img{before}src="{src}" width="{width}" height="{height}"{after}>'


def html_to_text(text: str) -> str:
    """The words of an HTML fragment (for search and summaries)."""
    # A space where a block or a line ends, or "một.</p><p>Hai" would read as one word.
    spaced = _BREAKS.sub(" ", text or "")
    stripped = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    return html.unescape(re.sub(r"\s+", " ", stripped)).strip()
