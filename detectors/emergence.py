"""Emerging topics in event time: terms whose distinct-author rate jumps, clustered into incidents.

For every window (a minute of event time) the detector
1. counts, per term, *new distinct authors* (an author counts once per term per long horizon, so one
   customer posting 20 times is one voice);
2. tests every term with new authors in the window over a short (30 min) and a long (3 h) horizon: the
   count is compared with what is normal for the term, its share of all authors so far (an exponentially
   decaying history with a 3-day half-life, fed only with windows that have left the horizon, so a burst
   never raises its own baseline, and never with the posts of an alerted incident), scaled by how many
   authors are active now (which absorbs the daily and weekly rhythm). Before there is history, a term's
   share comes from how common the word is in its language (wordfreq): rare terms need few authors,
   common ones a real jump. A term bursts when the Poisson tail is below `max_p`, it has `min_authors`
   distinct authors (fewer for evidence, two for a distinctive string such as a fake handle:
   text.is_distinctive, and three for a word told in the last 30 minutes with a problem concept such as
   '~outage' that bursts, or in posts the optional embedding reader reads as one problem kind) and
   `min_lift` times the expectation;
3. clusters bursting terms that share messages (so "error", "503" and a Czech "chyba" with the same code
   become one topic; '~outage' bursting alone is one too: an outage told in many wordings at once),
   attaches clusters and matching new messages to open incidents, opens new ones, resolves quiet ones and
   reopens returning ones.
Only messages with created_at <= window end are ever used, so replaying a cut stream gives the same result.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, KeysView
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import islice
from operator import attrgetter

from detectors.cues import CONCEPT_KINDS
from detectors.incidents import Incident, Post
from detectors.kinds import ALERT_KINDS, TREND, classify, impersonation, kind_of_hits
from detectors.reading import KindReader
from detectors.spelling import corrected
from detectors.stats import poisson_upper_tail, prior_share
from detectors.text import is_concept, is_distinctive, is_evidence, terms_of

ALL = "\x00all"  # the pseudo-term every post has: total distinct authors
ONE_OFF = 1.5      # a decayed history below this: a term seen about once, not worth keeping
BOUND_SLACK = 1 - 1e-9  # a share computed before aging, made a strict lower bound of the one after (_bursting)
STALE_TERMS = 64   # an author's map of terms is pruned of those outside the long horizon beyond this size


@dataclass(frozen=True)
class DetectorSettings:
    """Durations are in seconds of event time, each a whole number of windows. The window is how often
    the detector looks: an incident is raised at the end of the window in which its evidence suffices, so
    a shorter window raises it sooner (by half a window on average); on the labelled streams, 5-minute and
    1-minute windows raised the same alerts (docs/detection-history.md)."""
    window_s: int = 60
    short_s: int = 1800                # 30 minutes: sudden events
    long_s: int = 3 * 3600             # 3 hours: slow ramps
    half_life_s: int = 3 * 86400       # how fast "normal" adapts
    prior_weight: float = 300.0        # prior share counts as this many author-observations
    warmup_s: int = 86400              # learn for a day of event time before raising anything
    min_authors: int = 5
    min_authors_evidence: int = 3      # a code, domain, handle or hashtag: 3 authors are already telling
    min_authors_distinctive: int = 2   # two customers quoting the same never-seen handle, domain or
                                       # letter-digit code (text.is_distinctive), if the test agrees
    min_authors_corroborated: int = 3  # a word told, within the short horizon, in posts that tell a problem:
                                       # with a problem concept ('~outage') that bursts (the concept says
                                       # something is wrong now), or read as one problem kind by the
                                       # embedding reader, when one is configured (reading.py)
    max_p: float = 1e-7
    min_lift: float = 4.0
    link_share: float = 0.5            # terms sharing this share of the smaller one's messages cluster
    join_shared_terms: int = 2         # a post or cluster joins an incident sharing this many specific terms
    specific_share: float = 0.02       # ...where specific means used by under 2% of authors, or evidence
    resolve_after_s: int = 2 * 3600    # this long without a new message: resolved
    reopen_within_s: int = 3 * 3600    # a topic returning within this of its incident's last message
                                       # (within the hour after it was called resolved) reopens it; later
                                       # the same day, or the next day, it is a new incident
    same_kind_within_s: int = 3600     # a same-kind cluster in another language continues an incident
                                       # active this long before the cluster's first post, and opened at
                                       # most this long before it (in the incident's language: while open)
    trend_authors: int = 20            # an incident this many authors into it with no kind is a trend
    sweep_every_s: int = 3 * 3600

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name.endswith("_s") and f.name != "window_s" and getattr(self, f.name) % self.window_s:
                raise ValueError(f"DetectorSettings.{f.name} = {getattr(self, f.name)} is not a whole number "
                                 f"of {self.window_s}-second windows")

    def windows(self, seconds: int) -> int:
        """A duration in windows."""
        return seconds // self.window_s


@dataclass(slots=True)
class TermStats:
    increments: deque = field(default_factory=deque)           # (window, new authors), within long horizon
    in_horizon: int = 0                                        # the authors in `increments`
    base: float = 0.0                                          # decayed sum of aged-out increments
    base_window: int = 0
    prior: float = 0.0
    needed: int = 0                                            # distinct authors it needs to burst alone
    short_from: int = 0   # index in `increments` of the first one counted in in_short (see recent_count)
    in_short: int = 0     # sum of increments[short_from:]
    told_problem: dict[int, int] | None = None  # window -> of its increment, the authors whose post is in an
                                                # alerted incident: kept out of `base` when it ages

    def recent_count(self, since: int) -> int:
        """New authors in windows after `since`, which never decreases from one call to the next: the sum
        is kept and only the increments that left it since the last call are taken off (a busy term is tested
        in most windows, and the 30-minute horizon holds 30 of them)."""
        increments, i, total = self.increments, self.short_from, self.in_short
        while i < len(increments) and increments[i][0] <= since:
            total -= increments[i][1]
            i += 1
        self.short_from, self.in_short = i, total
        return total

    def age_until(self, horizon: int, decay: float) -> None:
        """Move the increments of windows up to `horizon` into the decayed baseline (`base`, as of
        `base_window`; `decay` is the factor per window). Afterwards in_horizon is exactly the number of
        authors last counted after the horizon (an author is counted again only once their last count has
        left it). Every increment passes here once: the loop is kept on locals."""
        increments, told_problem = self.increments, self.told_problem
        base, base_window, short_from, in_short = self.base, self.base_window, self.short_from, self.in_short
        aged = 0
        while increments and increments[0][0] <= horizon:
            aged_w, n = increments.popleft()
            if short_from:
                short_from -= 1
            else:
                in_short -= n
            aged += n
            if told_problem:
                n -= min(n, told_problem.pop(aged_w, 0))
            base = base * decay ** (aged_w - base_window) + n
            base_window = aged_w
        self.base, self.base_window, self.short_from, self.in_short = base, base_window, short_from, in_short
        self.in_horizon -= aged


def add_counts(stats_of: dict[str, TermStats], counted: dict[str, int], w: int) -> None:
    """counted[term] new authors of each term in window w (the newest), added to stats_of[term]: in one loop
    rather than a method call per term, as it runs for every term counted in every window."""
    for term, n in counted.items():
        stats = stats_of[term]
        stats.increments.append((w, n))
        stats.in_short += n
        stats.in_horizon += n


_POST_ORDER = attrgetter("at", "platform", "id")  # the order a window's posts are counted in
_CONCEPTS = tuple((f"~{kind}", kind) for kind in CONCEPT_KINDS)
_PROBLEM_CONCEPTS = frozenset(f"~{kind}" for kind in ALERT_KINDS)
# A concept that is a topic when it bursts alone: customers saying at once, in whatever words and languages,
# that the service fails are telling one outage. '~complaint' is not (its cues are broad: an angry emoji,
# 'refund', and unrelated customers' complaints coincide); '~scam' was tried and changed no alert on 300
# labelled streams: a scam wave's fake handle or link bursts at its second voice (docs/detection-history.md).
_TOPIC_CONCEPTS = frozenset({"~outage"})


def window_of(at: float, window_s: int) -> int:
    """The index of the window a post at `at` is counted in: the one ending at or after it (a window
    holds the posts with window_end - window_s < at <= window_end)."""
    return -int(-at // window_s)


def _cue_hits(recent: list[tuple[int, Post, frozenset[str]]], indices: Iterable[int]) -> dict[str, int]:
    """How many of the posts recent[i] carry a cue of each kind, read from their concept terms: terms_of
    adds '~kind' for exactly the kinds cues.post_cues finds, so this equals a CueTally's hits without
    reading the texts again (a burst's posts are classified at every window it lasts)."""
    hits: dict[str, int] = {}
    for i in indices:
        terms = recent[i][2]
        for concept, kind in _CONCEPTS:
            if concept in terms:
                hits[kind] = hits.get(kind, 0) + 1
    return hits


@lru_cache(maxsize=100_000)  # asked of every recent post of a cluster, in each window it bursts
def names_lookalike(terms: frozenset[str], brand: str) -> bool:
    """The terms name a handle or domain made to look like the brand's."""
    named = [t for t in terms if t[0] == "@" or t.startswith("domain:")]
    return bool(named) and impersonation(named, brand)


def _concept_alone(terms: list[str]) -> bool:
    """A cluster that is one of _TOPIC_CONCEPTS and nothing else."""
    return len(terms) == 1 and terms[0] in _TOPIC_CONCEPTS


def _overlap(keys: set, of: KeysView) -> float:
    """The share of `keys` (never empty) that are among `of`."""
    return len(keys & of) / len(keys)


def _compatible(told: str | None, other: str | None) -> bool:
    """Two incidents may be one unless they tell different things (KindDecision.tells): two kinds of
    problem, or a problem and a harmless trend."""
    return told is None or other is None or told == other


def conflicting(terms: Iterable[str], signature: Iterable[str]) -> bool:
    """Both carry evidence of one sort (codes, handles, domains) and none of it is shared."""
    mine, theirs = _evidence_by_sort(terms), _evidence_by_sort(signature)
    return any(sort in theirs and not (values & theirs[sort]) for sort, values in mine.items())


def _evidence_by_sort(terms: Iterable[str]) -> dict[str, set[str]]:
    sorts: dict[str, set[str]] = {}
    for t in terms:
        if is_evidence(t):
            sort = "@" if t[0] == "@" else "#" if t[0] == "#" else t.split(":")[0] if ":" in t else "code"
            sorts.setdefault(sort, set()).add(t)
    return sorts


class EmergenceDetector:
    def __init__(self, settings: DetectorSettings = DetectorSettings(), brand: str = "",
                 ignore: frozenset[str] = frozenset(), reader: KindReader | None = None):
        self.settings = settings
        self.brand = brand
        self.ignore = ignore
        self.reader = reader   # reads the kind of an incident's posts (optional, reading.py)
        # The settings' durations in windows (the window's index is the detector's clock)
        self.short, self.long = settings.windows(settings.short_s), settings.windows(settings.long_s)
        self.warmup, self.sweep_every = settings.windows(settings.warmup_s), settings.windows(settings.sweep_every_s)
        self.resolve_after = settings.windows(settings.resolve_after_s)
        self.reopen_within = settings.windows(settings.reopen_within_s)
        self.same_kind_within = settings.windows(settings.same_kind_within_s)
        self.decay = 0.5 ** (1 / settings.windows(settings.half_life_s))
        self.terms: dict[str, TermStats] = {ALL: TermStats(prior=1.0, needed=settings.min_authors)}
        # author -> term -> the window the author was last counted for the term (kept by author, not by
        # term: a post's lookups then go to one small map), and author -> the window of their last post
        self.seen: dict[str, dict[str, int]] = {}
        self.last_post: dict[str, int] = {}
        self.recent: deque[tuple[int, Post, frozenset[str]]] = deque()   # posts within the long horizon
        self.posted = 0                    # posts ever appended to `recent`: recent[j] is post number
                                           # posted - len(recent) + j
        self.carriers: dict[str, deque[int]] = {}  # terms that burst lately -> numbers of the posts carrying
        self.carriers_upto = 0                      # them, among the posts numbered below this,
        self.carriers_burst: dict[str, int] = {}    # and the window each last burst in (see _carrying)
        self.incidents: dict[str, Incident] = {}                          # open and recently resolved
        self.window = -1
        self.first_window = -1
        self.opened = 0   # incidents ever opened: the tail of their ids, unique and the same on replay
        self.kept_out: set[tuple[str, str]] = set()  # posts of alerted problems, left out of normal,
        self.kept_out_of: dict[str, int] = {}          # and per incident, how many of its posts (in the
                                                       # order they joined) have been looked at for it
        self.merged: list[Incident] = []  # folded into another during this window: reported, then dropped

    # ---- the stream ---------------------------------------------------------------------------------
    def process_window(self, window_end: float, posts: list[Post]) -> list[Incident]:
        """Feed the posts with window_end - window_s < at <= window_end; returns incidents that changed."""
        s = self.settings
        w = int(window_end // s.window_s)
        if w <= self.window:
            raise ValueError(f"window {window_end} is not after the last one processed")
        self.window = w
        if self.first_window < 0:
            self.first_window = w
        posts = sorted(posts, key=_POST_ORDER)
        changed: dict[str, Incident] = {}
        open_incidents = [i for i in self.incidents.values() if i.status == "open"]
        signature_terms = {t for i in open_incidents for t in i.signature}
        counted: dict[str, int] = {}  # term -> new authors this window
        ignore, keep_recent, count_post = self.ignore, self.recent.append, self._count_post
        for post in posts:
            terms = terms_of(post.text, post.lang, ignore)  # self._terms_of(post), inlined: the hot loop
            keep_recent((w, post, terms))
            count_post(post, terms, w, counted)
            if terms.isdisjoint(signature_terms):
                continue  # the common case: no open incident shares a term with this post
            for incident in self._matching_incidents(terms, open_incidents):
                if incident.add([post], w, ignore, self.reader):
                    changed[incident.incident_id] = incident
        self.posted += len(posts)
        add_counts(self.terms, counted, w)
        counted.pop(ALL, None)
        self._age(w)
        warm = w - self.first_window >= self.warmup
        bursting = self._bursting(counted, w) if warm else {}
        concepts = _PROBLEM_CONCEPTS.intersection(bursting)
        # Words of posts that tell a problem need fewer voices (_enough_authors): many customers tell one now
        # (a problem concept bursts), or the reader reads the posts as one (any word with new authors may be
        # told in such posts; the reader reads only the posts of a cluster that lacks voices).
        corroborable = self._told_with(concepts, w) if concepts else set()
        if warm and self.reader is not None:
            corroborable.update(t for t in counted if not is_concept(t))
        if corroborable:
            bursting = {**self._bursting(corroborable, w, s.min_authors_corroborated), **bursting}
        if bursting:
            for cluster_terms, cluster_posts in self._clusters(bursting):
                incident = self._attach(cluster_terms, cluster_posts, w, window_end)
                if incident is not None:
                    changed[incident.incident_id] = incident
        for incident in list(changed.values()):
            if incident.status == "merged":
                continue
            if incident.status == "resolved":
                incident.status = "open"
                incident.events.append(("reopened", window_end, incident.severity))
            kind = incident.decide(self.brand)
            twin = self._alerted_twin(incident, kind, w) if incident.alerted_at is None else None
            if twin is not None:
                self._fold(incident, twin, w, window_end)
                changed[twin.incident_id] = twin
                twin.decide(self.brand)
                twin.record(window_end)
                incident = twin
            else:
                incident.record(window_end)
            if incident.alerted_kind is not None:
                self._keep_out_of_normal(incident)
        for incident in self.merged:  # a duplicate raised earlier: its store must say where it went
            changed[incident.incident_id] = incident
        self.merged = []
        changed.update(self._resolve_quiet(w, window_end))
        if w % self.sweep_every == 0:
            self._sweep(w)
        return sorted(changed.values(), key=lambda i: i.incident_id)

    # ---- counting -----------------------------------------------------------------------------------
    def _count_post(self, post: Post, terms: frozenset[str], w: int, counted: dict[str, int]) -> None:
        """Count the post's author once for every term (and for ALL) not already counted within the long
        horizon, in `counted`, which becomes the window's increment when the window's posts are all
        counted. The hot loop of the detector: kept flat on purpose."""
        author = post.author
        self.last_post[author] = w
        seen = self.seen.get(author)
        # The terms the author was not counted for within the horizon (all of them, for a new voice: most
        # posts are), marked counted now with one dict update.
        if seen is None:
            fresh = (ALL, *terms)
            self.seen[author] = dict.fromkeys(fresh, w)
        else:
            fresh_after = w - self.long
            fresh = [term for term in (ALL, *terms) if seen.get(term, -1) <= fresh_after]
            seen.update(dict.fromkeys(fresh, w))
        for term in fresh:
            n = counted.get(term)
            if n is None:
                # A term no author was counted for within the horizon may be new (or swept): its prior
                # comes from the language of the first post that uses it.
                if term not in self.terms:
                    self.terms[term] = TermStats(prior=prior_share(term, post.lang),
                                                 needed=self._authors_needed((term,)))
                counted[term] = 1
            else:
                counted[term] = n + 1

    def _keep_out_of_normal(self, incident: Incident) -> None:
        """Leave the authors of an alerted problem's posts out of what is normal for their terms. A fake
        handle that comes back with the next scam wave, or the sum of last week's double charge, would
        otherwise have taught the detector that they are routine, and their return would need a far
        bigger burst to be seen. The counts stand while in the horizon (the problem is happening now);
        they are kept out of the history when their window ages (TermStats.age_until)."""
        horizon = self.window - self.long
        kept_out, done = self.kept_out, self.kept_out_of.get(incident.incident_id, 0)
        self.kept_out_of[incident.incident_id] = len(incident.posts)
        # Only the posts that joined since the last call: a big incident changes in most windows.
        for key, post in islice(incident.posts.items(), done, None):
            if key in kept_out:  # folded in from another alerted incident
                continue
            kept_out.add(key)
            w = window_of(post.at, self.settings.window_s)
            seen = self.seen.get(post.author)
            if w <= horizon or seen is None:
                continue  # aged already
            for term in self._terms_of(post):
                stats = self.terms.get(term)
                if seen.get(term) == w and stats is not None:  # this window counted the author for it
                    if stats.told_problem is None:
                        stats.told_problem = {}
                    stats.told_problem[w] = stats.told_problem.get(w, 0) + 1

    def _age(self, w: int) -> None:
        """Drop posts that left the long horizon (term baselines age lazily, in TermStats.age_until)."""
        horizon = w - self.long
        while self.recent and self.recent[0][0] <= horizon:
            self.recent.popleft()

    def _baseline(self, stats: TermStats, w: int) -> float:
        """Decayed count of this term's authors before the long horizon, as of window w."""
        stats.age_until(w - self.long, self.decay)
        return stats.base * self.decay ** (w - stats.base_window)

    def _bursting(self, candidates: Iterable[str], w: int, words_need: int = 0) -> dict[str, float]:
        """Of the candidates, the terms with new authors in window w, those whose author count is improbably
        high now; values are their p-values. (A term with no new author has no new evidence.) With
        `words_need`, only words (terms that would need min_authors) are tested, needing that many authors
        instead, over the short horizon only: they are told with a problem concept bursting now.

        Every term with a new author is tested, so this loop is the detector's second hottest: _baseline
        and _normal_share are written out in it (same arithmetic, in the same order, so the result is the
        same to the last bit)."""
        s = self.settings
        terms, decay, lift, max_p = self.terms, self.decay, s.min_lift, s.max_p
        horizon, since = w - self.long, w - self.short
        total = terms[ALL]
        total_base = self._baseline(total, w)
        short_total, long_total = total.recent_count(since), total.in_horizon
        prior_weight, all_weight = s.prior_weight, total_base + s.prior_weight
        found: dict[str, float] = {}
        for term in candidates:
            stats = terms[term]
            needed, increments = stats.needed, stats.increments
            if words_need:
                if needed != s.min_authors:
                    continue  # evidence: tested as it always is
                needed = words_need
            # A cheap first test, where rare terms stop: too few authors even before the horizon is aged
            # (in_horizon only shrinks with aging).
            if stats.in_horizon < needed:
                continue
            # Where common words stop, before their horizon is aged: neither count can reach min_lift times
            # its expectation. Before aging, in_horizon and in_short are at least the counts, and the history
            # at most what it is after (aging only adds to it; BOUND_SLACK covers rounding), so no term that
            # would burst stops here.
            baseline = stats.base * decay ** (w - stats.base_window)
            share = (baseline + prior_weight * stats.prior) / all_weight * BOUND_SLACK
            if stats.in_horizon < lift * (share * long_total) and (
                    stats.in_short < needed or stats.in_short < lift * (share * short_total)):
                continue
            if increments[0][0] <= horizon:
                stats.age_until(horizon, decay)
                baseline = stats.base * decay ** (w - stats.base_window)
            long_k = stats.in_horizon
            if long_k < needed:
                continue
            share = (baseline + prior_weight * stats.prior) / all_weight
            short_k = stats.recent_count(since)
            for k, n in ((short_k, short_total), (long_k, long_total))[:1 if words_need else 2]:
                expected = share * n
                if k >= needed and k >= lift * expected:
                    p = poisson_upper_tail(k, expected)
                    if p < max_p:
                        found[term] = min(p, found.get(term, 1.0))
        return found

    def _told_with(self, concepts: frozenset[str], w: int) -> set[str]:
        """The specific words (used by under `specific_share` of authors) of the posts within the short
        horizon that carry one of the concepts. A word used by many ('account') is no topic of its own."""
        since, found = w - self.short, set()
        for post_w, _, terms in reversed(self.recent):
            if post_w <= since:
                break
            if not concepts.isdisjoint(terms):
                found |= terms
        return set(filter(self._specific_word, found))

    def _normal_share(self, stats: TermStats, baseline: float, total_base: float) -> float:
        """The share of active authors expected to use the term: its history, with its prior."""
        return (baseline + self.settings.prior_weight * stats.prior) / (total_base + self.settings.prior_weight)

    def _beyond_normal(self, terms: Iterable[str], authors: int, w: int) -> bool:
        """`authors` new voices are at least min_lift times what is normal over the long horizon for one of
        the terms. Opening an incident asks this of its fresh posts alone: when a complaint about a bill
        makes 'bill' burst, the everyday 'can I change my billing date' posts that also carry it, left over
        once the complaint's own posts are in its incident, are no new problem."""
        total = self.terms[ALL]
        total_base = self._baseline(total, w)
        for term in terms:
            stats = self.terms.get(term)
            if stats is not None:
                expected = self._normal_share(stats, self._baseline(stats, w), total_base) * total.in_horizon
                if authors >= self.settings.min_lift * expected:
                    return True
        return False

    # ---- topics and incidents -----------------------------------------------------------------------
    def _clusters(self, bursting: dict[str, float]) -> list[tuple[list[str], list[Post]]]:
        s = self.settings
        recent = list(self.recent)
        posts_of = self._carrying(bursting, recent, self.window)
        ordered = sorted(bursting, key=lambda t: (bursting[t], t))
        parent = {t: t for t in ordered}

        def find(t: str) -> str:
            while parent[t] != t:
                parent[t] = parent[parent[t]]
                t = parent[t]
            return t

        # Terms cluster when they share messages and tell the same kind of problem: 'bolletta' (bill) in
        # a fee complaint and in a phishing SMS about bills must not glue the two waves together.
        kind_of = {t: kind_of_hits(_cue_hits(recent, posts_of[t]), len(posts_of[t]), [t], self.brand)
                   for t in ordered}
        for i, a in enumerate(ordered):
            set_a = set(posts_of[a])
            for b in ordered[i + 1:]:
                if kind_of[a] != kind_of[b] and "other" not in (kind_of[a], kind_of[b]):
                    continue
                shared = len(set_a.intersection(posts_of[b]))
                if shared >= s.link_share * min(len(set_a), len(posts_of[b])):
                    parent[find(b)] = find(a)
        groups: dict[str, list[str]] = {}
        for t in ordered:
            groups.setdefault(find(t), []).append(t)
        clusters = []
        for terms in groups.values():
            if _concept_alone(terms):
                # The burst is now: the posts telling it within the short horizon. The everyday 'no signal
                # at home' posts of the hours before are no part of it.
                since = self.window - self.short
                indices = [i for i in posts_of[terms[0]] if recent[i][0] > since]
            elif all(map(is_concept, terms)):
                continue  # '~complaint' alone is a kind with no topic: angry emoji from unrelated customers
            else:
                # Every bursting term has min_lift x its expected authors, so most posts carrying it are
                # part of the burst rather than routine traffic.
                indices = sorted({i for t in terms for i in posts_of[t]})
            if not impersonation(terms, self.brand):  # see _scam_into_other, asked once per cluster
                indices = [i for i in indices if not names_lookalike(recent[i][2], self.brand)]
            posts = [recent[i][1] for i in indices]
            if self._enough_authors(terms, posts, self.window):
                clusters.append((terms, posts))
        return clusters

    def _carrying(self, bursting: Iterable[str], recent: list[tuple[int, Post, frozenset[str]]], w: int
                  ) -> dict[str, list[int]]:
        """For each bursting term, the indices in `recent` of the posts that carry it, in order.

        A burst lasts many windows, its terms flickering around the threshold, so the lists are kept (as
        post numbers, see `posted`) for every term that burst within the long horizon: each call only
        takes the posts that arrived since the last one; a term bursting for the first time in the horizon
        is looked for in all of `recent`."""
        first = self.posted - len(recent)   # the number of recent[0]
        upto = max(self.carriers_upto, first)
        carriers, last_burst = self.carriers, self.carriers_burst
        new = frozenset(t for t in bursting if t not in carriers)
        for t in new:
            carriers[t] = deque()
        for start, stop, looked_for in ((first, upto, new), (upto, self.posted, frozenset(carriers))):
            if not looked_for:
                continue
            for j in range(start - first, stop - first):
                post_terms = recent[j][2]
                if not post_terms.isdisjoint(looked_for):
                    for t in post_terms & looked_for:
                        carriers[t].append(first + j)
        self.carriers_upto = self.posted
        for t in bursting:
            last_burst[t] = w
        for t in [t for t, lw in last_burst.items() if lw <= w - self.long]:
            del carriers[t], last_burst[t]
        found = {}
        for t in bursting:
            carried = carriers[t]
            while carried and carried[0] < first:
                carried.popleft()
            found[t] = [n - first for n in carried]
        return found

    def _attach(self, terms: list[str], posts: list[Post], w: int, window_end: float) -> Incident | None:
        """Add a bursting cluster to the incident it continues (merging duplicates), or open a new one.

        The cluster is judged by its *fresh* posts, those in no incident yet: a burst's horizon also holds
        an earlier incident's posts, which must not glue a new problem (another error code, another fake
        account) onto the old one, and stay that incident's, resolved or not: a message is in one incident.
        So a live incident takes a cluster whose posts largely are its own and tell its topic
        (_overlap_tells), and a resolved one reopens only on its topic returning (_returns)."""
        assigned = {key for i in self.incidents.values() for key in i.posts}
        # A concept bursting alone tells its topic itself (_clusters took only the posts telling it now).
        telling = set(terms) if _concept_alone(terms) else \
            {t for t in terms if is_evidence(t) or self._specific_word(t)}
        # A post from before the short horizon with one word of the burst is everyday use of the word ("I
        # can't see my refund" at 12:34, when "can't log in, error 503" bursts at 13:16; a spammer's "please
        # check my payments" two hours before "app says E3372, can't check my balance"). An older post is
        # part of the burst with its evidence or two of its terms: a slow ramp repeats its wording.
        short_since = (w - self.short) * self.settings.window_s
        telling_before = {t for t in telling if is_evidence(t)}
        fresh, fresh_terms_all = [], set()
        for p in posts:
            post_terms = self._terms_of(p)
            if p.key not in assigned and self._carries_topic(post_terms, terms,
                                                             telling if p.at > short_since else telling_before):
                fresh.append(p)
                fresh_terms_all |= post_terms
        if not fresh:
            return None
        fresh_terms = sorted(fresh_terms_all.intersection(terms))
        decision = classify([corrected(p.text, p.lang, self.ignore) for p in fresh], fresh_terms, self.brand,
                            self.ignore)
        kind = decision.kind
        keys = {p.key for p in posts}
        matches = [i for i in self.incidents.values()
                   if ((i.status == "open" and _overlap(keys, i.posts.keys()) >= 0.3
                        and not conflicting(fresh_terms, i.signature)
                        and (_concept_alone(terms) or self._overlap_tells(fresh_terms, posts, i)))
                       or (self._cluster_continues(fresh_terms, i.signature) if i.status == "open"
                           else self._returns(fresh_terms, i.signature)))
                   and not self._told_apart(decision.tells, fresh_terms_all, i)]
        if not matches and impersonation(fresh_terms, self.brand):
            # One impersonation wave shows up as several handles and domains: keep it one incident.
            # (The kind of an incident opened in this very window is only provisional: its evidence decides.)
            matches = [i for i in self.incidents.values()
                       if i.status == "open" and (i.kind == "scam" or i.detected_at == window_end)
                       and impersonation(i.signature, self.brand)]
        # Asked only when no live incident matches: whether the fresh posts could open an incident.
        none_live = not any(i.status == "open" for i in matches)
        topic = none_live and self._enough_authors(fresh_terms, fresh, w) \
            and self._beyond_normal(fresh_terms, len({p.author for p in fresh}), w)
        if topic or (matches and none_live):
            # The same problem told in another language or phrasing shares no words: a cluster of the same
            # kind as an incident that is live right now, with no evidence against it, continues that
            # incident, rather than reopening a resolved one whose words it shares (yesterday's outage, told
            # the same way). Live as of the cluster's first post: a second phrasing, a few posts an hour,
            # has its fifth voice long after the first phrasing's last. Only a cluster that is a topic by
            # itself, or one that would reopen a resolved incident (not beside a live one of its kind, which
            # it would be merged with: two alerts); leftover posts of some other burst that read as this
            # kind and match nothing keep no live incident going. In a language the incident is told in, the
            # cluster continues it while it is open: a second wording of its customers, slow to find five
            # voices, may begin more than an hour after the first wording's last post. In another language,
            # only if the incident opened at most an hour before the cluster's first post: another
            # language's tellings start with the problem (Portuguese "cobrou-me duas vezes" four hours into
            # a Spanish and English complaint about a EUR 5.25 charge shares only the lemma 'cobrar').
            began = window_of(min(p.at for p in fresh), self.settings.window_s)  # of its first post
            active_since, opened_since = min(w, began) - self.same_kind_within, began - self.same_kind_within
            matches = [i for i in self._live_of_kind(kind, fresh_terms, min(w, began), self.resolve_after)
                       if self._told_in_language(fresh, i)
                       or (i.last_window >= active_since
                           and window_of(i.detected_at, self.settings.window_s) >= opened_since)] or matches
        if not matches:
            if not topic:
                return None
            signature = fresh_terms or terms
            if _concept_alone(terms):  # named by the words its customers share, for the care team's alert
                signature = [*signature, *self._shared_words(fresh)]
            incident = Incident(f"{int(window_end)}-{self.opened}", window_end, signature[:12])
            incident.kind = kind  # provisional until decided: lets another cluster of this window join it
            self.opened += 1
            self.incidents[incident.incident_id] = incident
            incident.add(fresh, w, self.ignore, self.reader)
            return incident
        # A live incident takes the cluster; only when none matches does a resolved one reopen. Of several
        # live ones, the oldest is kept and the others, one real-world problem raised twice, fold into it;
        # not when they tell different things: a scam wave and a fee complaint that a cluster touches both
        # are two problems, whose evidence (a fake domain, a sum) is of different sorts, and a campaign
        # touched with a complaint stays a trend.
        live = [i for i in matches if i.status == "open"]
        keep = min(live or matches, key=lambda i: (i.detected_at, i.incident_id))
        for other in live:
            if (other is not keep and not conflicting(other.signature, keep.signature)
                    and _compatible(self._tells(other), self._tells(keep))):
                self._fold(other, keep, w, window_end)
        if not conflicting(fresh_terms, keep.signature):
            keep.signature = (keep.signature + [t for t in fresh_terms if t not in keep.signature])[:12]
        return keep if keep.add(fresh, w, self.ignore, self.reader) or len(matches) > 1 else None

    def _overlap_tells(self, fresh_terms: list[str], posts: list[Post], incident: Incident) -> bool:
        """The incident's own posts among the cluster's carry two of the terms its fresh posts tell, or
        evidence of them: only then does the overlap make the fresh posts part of the incident. One word in
        common is a coincidence of languages or phrasings: Spanish "me ha cobrado €5.25" and Portuguese "a
        Nordwave cobrou-me duas vezes" share the lemma 'cobrar' and are two complaints. (A concept bursting
        alone needs no words: its posts are those telling it in the last 30 minutes, _clusters.)"""
        carried: set[str] = set()
        for p in posts:
            if p.key in incident.posts:
                carried |= self._terms_of(p)
        shared = [t for t in fresh_terms if t in carried and not is_concept(t)]
        return len(shared) >= self.settings.join_shared_terms or any(map(is_evidence, shared))

    @staticmethod
    def _told_in_language(fresh: list[Post], incident: Incident) -> bool:
        """The incident holds posts in the language of one of the fresh posts."""
        langs = {p.lang for p in fresh} - {None}
        return any(p.lang in langs for p in incident.posts.values())

    def _told_apart(self, fresh: str | None, fresh_terms: set[str], incident: Incident) -> bool:
        """Fresh posts would join an incident only because the burst's posts overlap or share words, while
        the two tell things that must stay apart:
        - a problem and a harmless trend: a complaint about a 'new $9 fee' during the 'new plan' campaign
          shares the word 'new', and either joining the other makes the campaign alert as a complaint, or
          the complaint is lost in it;
        - an outage and a complaint's incident: 'no Nordwave service right now' shares 'service' with 'a
          new €8 service fee'. Outage cues are sharp and a complaint's broad, so the outage's posts take the
          complaint's incident over (it turns outage and the complaint is lost) while the outage's own
          incident alerts beside it. Posts telling a complaint change an outage's incident nothing.
        They are one topic only if they share evidence (a hashtag, handle, link or sum): a giveaway that
        turns out a scam, one campaign whose first posts read as a complaint for an angry emoji, a sum
        both quote. `fresh_terms` are all the terms of the fresh posts."""
        told = (fresh, self._tells(incident))
        problem_and_trend = TREND in told and not set(ALERT_KINDS).isdisjoint(told)
        if not problem_and_trend and told != ("outage", "complaint"):
            return False
        evidence = {t for t in fresh_terms if is_evidence(t)}
        return not any(evidence.intersection(self._terms_of(p)) for p in incident.posts.values())

    def _tells(self, incident: Incident) -> str | None:
        """What an incident tells (KindDecision.tells), where one `trend_authors` authors into it and still
        telling no problem is a trend too ('new plan is a steal #Nordwave5G' carries no praise cue). A
        younger incident that is 'other' for want of cues ('anyone else in the neighbourhood?') tells
        nothing yet: an outage often starts so, and its next posts say what it is."""
        decision = incident.decision
        if decision is None:  # opened in this very window: its provisional kind
            return incident.kind if incident.kind in ALERT_KINDS else None
        if decision.tells is None and incident.authors >= self.settings.trend_authors:
            return TREND
        return decision.tells

    def _fold(self, younger: Incident, keep: Incident, w: int, window_end: float) -> None:
        """One real-world problem raised twice: the younger incident's posts and terms go to `keep`."""
        keep.add(list(younger.posts.values()), w, self.ignore, self.reader)
        keep.signature += [t for t in younger.signature if t not in keep.signature]
        younger.status = "merged"
        younger.merged_into = keep.incident_id
        younger.events.append(("merged", window_end, younger.severity))
        del self.incidents[younger.incident_id]
        self.merged.append(younger)

    def _live_of_kind(self, kind: str, terms: list[str], w: int, within: int | None = None) -> list[Incident]:
        """Open incidents of this alert kind, active within `within` windows (same_kind_within unless given)
        before window w, whose evidence does not contradict `terms`."""
        recent = w - (self.same_kind_within if within is None else within)
        return [i for i in self.incidents.values()
                if i.status == "open" and i.kind == kind != "other" and i.last_window >= recent
                and not conflicting(terms, i.signature)]

    def _alerted_twin(self, incident: Incident, kind: str, w: int) -> Incident | None:
        """An incident about to alert for the first time (a trend whose messages now read as a scam, say)
        duplicates an open incident of that kind that already alerted, was active within the hour and
        whose evidence does not contradict it: the rule that joins a new same-kind cluster to a live
        incident (see _attach), applied when the kind becomes clear rather than when the cluster opens."""
        if kind not in ALERT_KINDS:
            return None
        twins = [i for i in self._live_of_kind(kind, incident.signature, w)
                 if i is not incident and i.alerted_at is not None]
        return min(twins, key=lambda i: (i.detected_at, i.incident_id)) if twins else None

    def _authors_needed(self, terms: Iterable[str]) -> int:
        """Distinct authors a topic needs: fewer the more specific its strongest evidence."""
        s = self.settings
        needed = s.min_authors
        for t in terms:
            if is_distinctive(t):
                return s.min_authors_distinctive
            if is_evidence(t):
                needed = s.min_authors_evidence
        return needed

    def _enough_authors(self, terms: list[str], posts: list[Post], w: int) -> bool:
        """The posts have the distinct authors a topic of these terms needs (_authors_needed), or the topic
        is corroborated: `min_authors_corroborated` authors told a problem in its words (one of them
        specific) within the short horizon, with a problem concept ('~outage') bursting with it, or in
        posts the reader reads as one problem kind. An outage told in four languages makes '~outage' burst
        minutes before any one wording has five voices; three customers whose card "keeps getting rejected"
        tell an outage in words no cue holds, and a fourth and fifth may come twenty minutes later."""
        s = self.settings
        if len({p.author for p in posts}) >= self._authors_needed(terms):
            return True
        concepts = _PROBLEM_CONCEPTS.intersection(terms)
        if not (concepts or self.reader) or not any(map(self._specific_word, terms)):
            return False
        since = (w - self.short) * s.window_s
        now = [p for p in posts if p.at > since]
        telling = {p.author for p in now if not concepts.isdisjoint(self._terms_of(p))}
        return len(telling) >= s.min_authors_corroborated or self._read_as_one_problem(now)

    def _read_as_one_problem(self, posts: list[Post]) -> bool:
        """`min_authors_corroborated` of the posts' authors wrote posts the reader reads as one problem kind
        (never without a reader). Three customers asking the same everyday question read as nothing."""
        if self.reader is None:
            return False
        authors: dict[str, set[str]] = {}
        for p in posts:
            reading = self.reader.read(p.text)
            if reading is not None:
                told = authors.setdefault(reading[0], set())
                told.add(p.author)
                if len(told) >= self.settings.min_authors_corroborated:
                    return True
        return False

    def _carries_topic(self, post_terms: frozenset[str], terms: list[str], telling: set[str]) -> bool:
        """A post belongs to a bursting cluster if it has one of its telling terms (evidence, or a word used
        by under 2% of authors) or two of its terms. A common word that bursts ('bill', during a complaint
        about a bill) also sits in everyday posts ('can I change my billing date') that are no part of it."""
        return not telling.isdisjoint(post_terms) or len(post_terms.intersection(terms)) >= 2

    def _terms_of(self, post: Post) -> frozenset[str]:
        return terms_of(post.text, post.lang, self.ignore)

    def _shared_words(self, posts: list[Post]) -> list[str]:
        """The terms other than concepts that two or more of the posts' authors use, the most used first."""
        authors: dict[str, set[str]] = {}
        for p in posts:
            for t in self._terms_of(p):
                if not is_concept(t):
                    authors.setdefault(t, set()).add(p.author)
        return sorted((t for t, who in authors.items() if len(who) >= 2), key=lambda t: (-len(authors[t]), t))

    def _cluster_continues(self, terms: list[str], signature: list[str]) -> bool:
        """A bursting cluster continues an incident when they share evidence or enough terms (all of a
        cluster's terms are bursting, so none is routine right now), unless its evidence contradicts the
        incident's: another error code or another fake handle is another problem."""
        shared = {t for t in set(terms).intersection(signature) if not is_concept(t)}
        if any(is_evidence(t) for t in shared):
            return True
        return (len(shared) >= self.settings.join_shared_terms and not conflicting(terms, signature)
                and not self._scam_into_other(terms, signature))

    def _same_specific_topic(self, terms: Iterable[str], signature: list[str]) -> bool:
        """Shared evidence, or enough shared terms that are all specific (each used by under 2% of
        authors). How a single new post joins an incident, and how a resolved one reopens: generic words
        alone would keep incidents open for ever on routine traffic. Concepts ('~scam') never count: they
        are kinds, not topics."""
        shared = {t for t in set(terms).intersection(signature) if not is_concept(t)}
        if any(is_evidence(t) for t in shared):
            return True
        specific = list(filter(self._specific_word, shared))
        return (len(specific) >= self.settings.join_shared_terms and not conflicting(terms, signature)
                and not self._scam_into_other(terms, signature))

    def _returns(self, terms: list[str], signature: list[str]) -> bool:
        """A resolved incident's problem is back: the cluster tells its specific topic, with no evidence
        against it. A live scam wave takes in a new fake account that quotes its domain (one wave shows
        several); once the wave is over, its domain quoted with a new account is the scammers' next one."""
        return self._same_specific_topic(terms, signature) and not conflicting(terms, signature)

    def _scam_into_other(self, terms: Iterable[str], signature: list[str]) -> bool:
        """A message naming a fake account or a look-alike link belongs to a scam, not to an incident with
        no such evidence however many words they share: 'unpaid bill' is a complaint and a phishing SMS."""
        return names_lookalike(frozenset(terms), self.brand) and not impersonation(signature, self.brand)

    def _specific_word(self, term: str) -> bool:
        """A word (not a concept) used by under `specific_share` of authors: telling of one topic."""
        return not is_concept(term) and self._share(term) < self.settings.specific_share

    def _share(self, term: str) -> float:
        """The term's share of authors: its history, and the current horizon, with the prior."""
        stats = self.terms.get(term)
        if stats is None:
            return 0.0
        total = self.terms[ALL]
        seen = self._baseline(stats, self.window) + stats.in_horizon  # _baseline aged the horizon first
        all_seen = self._baseline(total, self.window) + total.in_horizon
        return (seen + self.settings.prior_weight * stats.prior) / (all_seen + self.settings.prior_weight)

    def _matching_incidents(self, terms: frozenset[str], open_incidents: list[Incident]) -> list[Incident]:
        return [i for i in open_incidents if self._same_specific_topic(terms, i.signature)]

    def _resolve_quiet(self, w: int, window_end: float) -> dict[str, Incident]:
        changed = {}
        for incident in list(self.incidents.values()):
            quiet = w - incident.last_window
            if incident.status == "open" and quiet >= self.resolve_after:
                incident.status = "resolved"
                incident.events.append(("resolved", window_end, incident.severity))
                changed[incident.incident_id] = incident
            elif incident.status == "resolved" and quiet >= self.reopen_within:
                del self.incidents[incident.incident_id]  # stored already; no longer reopenable
        return changed

    def _sweep(self, w: int) -> None:
        """Forget terms with no history worth keeping: one-off words (order numbers, names, typos) that a
        single author used once are not learned; the authors who have not posted within the long horizon;
        and, in a big map of an author still posting, the terms counted outside the horizon (a stale entry
        is harmless, _count_post treats it as absent: only memory is at stake); and the posts kept out of
        normal of incidents no longer kept."""
        horizon = w - self.long
        terms = self.terms
        for term, stats in list(terms.items()):
            if stats.increments and stats.increments[0][0] <= horizon:
                stats.age_until(horizon, self.decay)
            # The baseline written out: _baseline would age the term again, a no-op call per term, and the
            # terms swept are mostly one-off words (order numbers, names), as many as the posts.
            if (not stats.in_horizon and term != ALL
                    and stats.base * self.decay ** (w - stats.base_window) < ONE_OFF):
                del terms[term]
        seen = self.seen
        for author, last in list(self.last_post.items()):
            if last <= horizon:
                del self.last_post[author], seen[author]
            elif len(seen[author]) > STALE_TERMS:
                seen[author] = {t: lw for t, lw in seen[author].items() if lw > horizon}
        self.kept_out &= {key for incident in self.incidents.values() for key in incident.posts}
        self.kept_out_of = {iid: n for iid, n in self.kept_out_of.items() if iid in self.incidents}
