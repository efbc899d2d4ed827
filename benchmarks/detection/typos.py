"""Typos in a labelled stream's posts (`detection_eval --typos RATE`): how the detector does when customers type fast.

Each word of four letters or more is misspelled with probability RATE, in one of the ways fast typing
misspells: a letter left out (30%), two neighbours swapped (25%), a letter doubled (20%), or a letter
replaced by its neighbour on a QWERTY keyboard (25%; a letter with no neighbour there is left out instead).
A contraction loses its apostrophe half the time instead ("can't" to "cant"). The first and last letters
stay, as they mostly do. Evidence is never touched: a piece with a digit, '@', '#', '/', '_' or a dot
inside is a link, domain, handle or code, which customers copy or read off a screen rather than type.
Given a seeded generator (detection_eval seeds it with the stream's seed), a stream's typos are the same
on every run.
"""
from __future__ import annotations

import random
import re

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_WORD = re.compile(r"[^\W\d_]{4,}(?:'[^\W\d_]+)?")
_EVIDENCE = re.compile(r"\d|[@#/_]|\.\w")


def _keyboard_neighbours() -> dict[str, str]:
    """Each letter's neighbours on a QWERTY keyboard: the keys around it in its row and the rows beside."""
    neighbours = {}
    for r, row in enumerate(_ROWS):
        for c, letter in enumerate(row):
            around = {_ROWS[rr][cc] for rr in (r - 1, r, r + 1) if 0 <= rr < len(_ROWS)
                      for cc in (c - 1, c, c + 1) if 0 <= cc < len(_ROWS[rr])}
            neighbours[letter] = "".join(sorted(around - {letter}))
    return neighbours


_NEIGHBOURS = _keyboard_neighbours()


def misspelt(word: str, rng: random.Random) -> str:
    """One typo in a word of four letters or more."""
    if "'" in word and rng.random() < 0.5:
        return word.replace("'", "")
    i = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.30:
        return word[:i] + word[i + 1:]
    if roll < 0.55:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if roll < 0.75:
        return word[:i] + word[i] + word[i:]
    near = _NEIGHBOURS.get(word[i].lower())
    if not near:
        return word[:i] + word[i + 1:]
    letter = rng.choice(near)
    return word[:i] + (letter.upper() if word[i].isupper() else letter) + word[i + 1:]


def with_typos(text: str, rate: float, rng: random.Random) -> str:
    """The text with each word of four letters or more misspelt with probability `rate`, evidence kept."""
    return " ".join(piece if _EVIDENCE.search(piece) else
                    _WORD.sub(lambda m: misspelt(m.group(), rng) if rng.random() < rate else m.group(), piece)
                    for piece in text.split(" "))
