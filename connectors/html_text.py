"""Mastodon sends a status as HTML; care agents and the detectors need the words people wrote.

`<p>` ends a paragraph (a blank line), `<br>` a line; everything else is its text. Mastodon shortens
long links for display by hiding parts in `<span class="invisible">`: their text is kept, so a link
comes out whole. Entities are decoded (`&amp;` -> `&`), scripts and styles dropped. The result is
plain text: the dashboard renders it as text, never as markup.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = {"script", "style"}
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_SPACES = re.compile(r"[ \t]+\n")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = _LINE_SPACES.sub("\n", "".join(collector.parts))
    return _BLANK_LINES.sub("\n\n", text).strip()
