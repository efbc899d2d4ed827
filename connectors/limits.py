"""How long a post is, as each platform counts it, so a too-long notice is refused before it is sent.

- Bluesky: 300 graphemes (user-perceived characters: a flag or a family emoji is one).
- Mastodon: 500 by default; graphemes, where every link counts as 23 and a remote mention
  `@user@domain` counts as `@user` (Mastodon's StatusLengthValidator).
- X: 280 "weighted" characters (twitter-text v3): code points in the Latin, general punctuation and
  similar ranges weigh 1, all others (CJK, most scripts outside them) 2; an emoji sequence weighs 2;
  every link weighs 23 (t.co).
"""
from __future__ import annotations

import re
from collections.abc import Callable

import regex

URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")
_REMOTE_MENTION = re.compile(r"(?<![\w@])(@[\w.-]+)@[\w.-]+\.[a-zA-Z]{2,}")
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
LINK_WEIGHT = 23
# twitter-text v3 configuration: (first, last) code points that weigh 1; everything else weighs 2.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def graphemes(text: str) -> int:
    return len(_GRAPHEME.findall(text))


def mastodon_length(text: str) -> int:
    countable = URL.sub("x" * LINK_WEIGHT, text)
    return graphemes(_REMOTE_MENTION.sub(r"\1", countable))


def x_weighted_length(text: str) -> int:
    total, position = 0, 0
    for link in URL.finditer(text):
        total += _x_plain_weight(text[position:link.start()]) + LINK_WEIGHT
        position = link.end()
    return total + _x_plain_weight(text[position:])


def _x_plain_weight(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI.search(cluster):
            total += 2
        else:
            total += sum(1 if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT_RANGES) else 2 for ch in cluster)
    return total


# platform -> (display name, how it measures a post, its limit, the unit)
LIMITS: dict[str, tuple[str, Callable[[str], int], int, str]] = {
    "bluesky": ("Bluesky", graphemes, 300, "graphemes"),
    "mastodon": ("Mastodon", mastodon_length, 500, "characters"),
    "x": ("X", x_weighted_length, 280, "weighted characters"),
}


def too_long(platform: str, text: str, limit: int | None = None) -> str | None:
    """Why `text` is too long to post on `platform` (None if it fits, or the platform has no limit here)."""
    if platform not in LIMITS:
        return None
    name, measure, default_limit, unit = LIMITS[platform]
    size, limit = measure(text), limit or default_limit
    return f"{name} posts hold at most {limit} {unit}; this has {size}" if size > limit else None


def refuse_if_too_long(platform: str, text: str, limit: int | None = None) -> None:
    problem = too_long(platform, text, limit)
    if problem:
        raise ValueError(problem)
