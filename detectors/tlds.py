"""Top-level domains, to tell a bare domain ('kestrel-secure.net') from a full stop with no space after it
('home ground.amla home town'), which real social text is full of.

The list is the ICANN section of the Public Suffix List (data/tlds.txt; source and licence in
data/SOURCES.md), ASCII names only: the domain pattern (text.DOMAIN) reads ASCII. Rebuild it from a copy of
the list (Debian's `publicsuffix` package installs one):

    python -m detectors.tlds /usr/share/publicsuffix/public_suffix_list.dat
"""
from __future__ import annotations

import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

TLDS_FILE = "data/tlds.txt"


@lru_cache(maxsize=1)
def tlds() -> frozenset[str]:
    text = resources.files("detectors").joinpath(TLDS_FILE).read_text("ascii")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_domain_name(name: str) -> bool:
    """The name ends in a top-level domain ('fullonsms.com', 'kestrel-secure.support'); 'ground.amla' does
    not. Names with a new generic TLD that is also a word ('home.town') still pass: the list cannot tell."""
    return name.rpartition(".")[2] in tlds()


def icann_tlds(public_suffix_list: str) -> list[str]:
    """The ASCII top-level domains of the ICANN section of a Public Suffix List file's text."""
    found, icann = set(), False
    for line in public_suffix_list.splitlines():
        line = line.strip()
        if line.startswith("// ===BEGIN ICANN DOMAINS==="):
            icann = True
        elif line.startswith("// ===END ICANN DOMAINS==="):
            break
        elif icann and line and not line.startswith("//"):
            tld = line.lstrip("!*.").rpartition(".")[2]
            if tld.isascii():
                found.add(tld)
    return sorted(found)


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m detectors.tlds PATH/public_suffix_list.dat")
    source = Path(sys.argv[1])
    names = icann_tlds(source.read_text("utf-8"))
    if not names:
        raise SystemExit(f"{source}: no ICANN section found; is it a Public Suffix List file?")
    out = Path(__file__).parent / TLDS_FILE
    out.write_text(f"# ICANN top-level domains (ASCII) of the Public Suffix List, from {source.name}\n"
                   + "".join(f"{name}\n" for name in names), "ascii")
    print(f"{out}: {len(names)} top-level domains")


if __name__ == "__main__":
    main()
