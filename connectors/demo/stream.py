"""A deterministic stream of a brand's social inbox, generated one UTC hour at a time.

Every hour's messages are a pure function of (seed, hour), and incidents a pure function of (seed, day),
so any window can be regenerated identically: a backfill of 14 days and 4000 later 5-minute ticks produce
the same messages. What it models:
- volume with a day/night rhythm in the brand's local time and quieter weekends;
- mentions (new threads), comments under the brand's own posts, and DMs, in six languages;
- customers who follow up before they get an answer;
- brand replies in the customer's language after realistic delays: minutes by day, the next morning at
  night, slower when the hour is busier than usual, and some never answered;
- from time to time an event: an outage, a scam wave, a complaint spike (alertable), or a harmless
  marketing campaign or a single customer spamming; sudden or slowly ramping up. Event messages carry
  their label in `demo_event`/`demo_event_kind`/`demo_event_shape` (extra fields), which the detector
  evaluation uses as ground truth.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from connectors.demo.wording import Wording, demo_wording, pick, roughen, routine_text, topic_text

HOUR = timedelta(hours=1)
MAX_REPLY_DELAY = timedelta(hours=14)  # replies to night messages wait for the morning shift
KINDS = {"mention": 0.45, "comment": 0.35, "dm": 0.20}
REPLY_CHANCE = {"mention": 0.8, "comment": 0.6, "dm": 0.95}
# Relative inbound volume per local hour of day (0-23): quiet nights, a midday and an evening peak.
RHYTHM = [0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.75, 0.9, 0.95, 1.0,
          1.0, 0.95, 0.9, 0.9, 0.9, 0.95, 1.0, 0.95, 0.8, 0.6, 0.4, 0.22]
WEEKEND = 0.65
EVENT_KINDS = {"outage": 0.27, "scam": 0.23, "complaint": 0.23, "campaign": 0.17, "spammer": 0.10}
# Share of events that creep in slowly rather than arrive at once. Outages mostly break at once (a
# degradation is the exception); a scam wave is an SMS blast or one fake account working slowly through
# customers; a complaint spike follows a fee landing on every account at once, or a slow trickle as
# customers notice it. The slow ramps are the hard cases for early detection.
SLOW_RAMP_SHARE = {"outage": 0.15, "scam": 0.4, "complaint": 0.5}


@dataclass(frozen=True)
class DemoEvent:
    event_id: str
    kind: str                  # outage, scam, complaint (alertable); campaign, spammer (harmless)
    start: datetime
    duration: timedelta
    size: int                  # expected number of inbound messages
    ramp: float                # share of the duration spent ramping up (slow ramps are harder to catch)
    langs: tuple[str, ...]
    facts: dict[str, str] = field(hash=False, compare=False)
    shape: str = "sudden"      # or "slow ramp": a trickle of a few messages an hour for the first hours

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    def share_between(self, a: datetime, b: datetime) -> float:
        """Share of the event's messages that fall in [a, b): a trapezoid (ramp up, plateau, decay)."""
        return _cdf(self, b) - _cdf(self, a)


def _cdf(event: DemoEvent, t: datetime) -> float:
    x = (t - event.start) / event.duration
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    up, down = event.ramp, 0.25  # decays over the last quarter
    area = up / 2 + (1 - up - down) + down / 2
    if x < up:
        return (x * x / (2 * up)) / area
    if x < 1 - down:
        return (up / 2 + (x - up)) / area
    y = 1 - x
    return (area - y * y / (2 * down)) / area


@dataclass(frozen=True)
class DemoStream:
    seed: int = 7
    brand: str = "Voltra"
    platform: str = "demo"
    account: str = "demo"
    peak_per_hour: float = 30.0          # routine inbound at a weekday's busiest hour
    events_per_day: float = 0.6
    utc_offset_hours: int = 1            # the brand's local time, for the daily rhythm
    event_kinds: tuple[tuple[str, float], ...] = tuple(EVENT_KINDS.items())
    wording: Wording = field(default_factory=demo_wording, hash=False, compare=False)

    # ---- events -------------------------------------------------------------------------------------
    def events_on(self, day: date) -> list[DemoEvent]:
        rng = random.Random(f"{self.seed}:events:{day.isoformat()}")
        count = _poisson(rng, self.events_per_day)
        planned = sorted((rng.uniform(7, 21), pick(rng, dict(self.event_kinds))) for _ in range(count))
        events = []
        for n, (local_hour, kind) in enumerate(planned):  # in start order, so every overlap is seen
            start = (datetime.combine(day, datetime.min.time(), timezone.utc)
                     + timedelta(hours=local_hour - self.utc_offset_hours))
            start = start.replace(microsecond=0)
            for earlier in events:  # two outages at once would be one outage to anyone: start after it
                if earlier.kind == kind and start < earlier.end + timedelta(hours=2):
                    start = earlier.end + timedelta(hours=2)
            events.append(self._event(rng, f"{day.isoformat()}-{n}", kind, start))
        return events

    def _event(self, rng: random.Random, event_id: str, kind: str, start: datetime) -> DemoEvent:
        """One event with its own facts: every outage an error code, every scam wave a fake handle and
        domain, drawn from the wording's short lists with variations so that two events rarely look like one
        in the data. Now and then two scam waves of one day still share a handle or a domain, and the detector
        may take the later one as the same wave (9 of the 12 scam waves missed on 150 nordic seeds share one
        with another wave)."""
        slug = self.brand.lower().replace(" ", "")
        words = self.wording
        tag = rng.choice(words.tags).format(Brand=self.brand.replace(" ", ""))
        facts = {
            "brand": self.brand, "brand_handle": slug,
            "code": _variant(rng, rng.choice(words.error_codes)), "feature": rng.choice(words.features),
            "handle": rng.choice(words.scam_handles).format(slug=slug) + rng.choice(["", "", str(rng.randint(1, 99))]),
            "domain": _variant_domain(rng, rng.choice(words.scam_domains).format(slug=slug)),
            "amount": _variant(rng, rng.choice(words.amounts)),  # each fee complaint its own sum
            "tag": tag if rng.random() < 0.5 else f"{tag}{rng.randint(24, 26)}",
            # Customers echo each other: an event keeps to two wordings per language.
            "templates": str(rng.randint(0, 1000)),
        }
        shape = "slow ramp" if rng.random() < SLOW_RAMP_SHARE.get(kind, 0.0) else "sudden"
        hours, size, ramp = {
            ("outage", "sudden"): (rng.uniform(1, 3), rng.randint(25, 150), rng.uniform(0.05, 0.15)),
            ("outage", "slow ramp"): (rng.uniform(3, 6), rng.randint(30, 100), rng.uniform(0.3, 0.5)),
            ("scam", "sudden"): (rng.uniform(1, 4), rng.randint(20, 70), rng.uniform(0.05, 0.15)),
            ("scam", "slow ramp"): (rng.uniform(3, 10), rng.randint(20, 70), rng.uniform(0.2, 0.4)),
            ("complaint", "sudden"): (rng.uniform(2, 6), rng.randint(25, 90), rng.uniform(0.05, 0.2)),
            ("complaint", "slow ramp"): (rng.uniform(4, 12), rng.randint(25, 90), rng.uniform(0.3, 0.6)),
            ("campaign", "sudden"): (rng.uniform(2, 6), rng.randint(60, 200), rng.uniform(0.05, 0.2)),
            ("spammer", "sudden"): (rng.uniform(0.5, 2), rng.randint(12, 25), 0.05),
        }[kind, shape]
        n_langs = 1 if kind == "spammer" else rng.choice([1, 1, 2, 3])
        langs = tuple(sorted(set(rng.choices(list(self.wording.langs), weights=list(self.wording.langs.values()),
                                             k=n_langs))))
        return DemoEvent(event_id, kind, start, timedelta(hours=hours), size, ramp, langs, facts, shape)

    def events_between(self, start: datetime, end: datetime) -> list[DemoEvent]:
        day = (start - timedelta(days=1)).date()
        found = []
        while day <= end.date():
            found += [e for e in self.events_on(day) if e.start < end and e.end > start]
            day += timedelta(days=1)
        return found

    # ---- messages -----------------------------------------------------------------------------------
    def messages_between(self, start: datetime, end: datetime) -> list[dict]:
        """Canonical records with start < created_at <= end, in created_at order."""
        hour = _floor_hour(start - MAX_REPLY_DELAY)
        out: list[dict] = []
        while hour <= end:
            out += [m for m in self.hour(hour) if start < m["_at"] <= end]
            hour += HOUR
        out.sort(key=lambda m: (m["_at"], m["id"]))
        for m in out:
            del m["_at"]
        return out

    def hour(self, hour_start: datetime) -> list[dict]:
        """Every message whose thread starts in this hour (replies may fall in later hours)."""
        index = int(hour_start.timestamp() // 3600)
        rng = random.Random(f"{self.seed}:hour:{index}")
        local = hour_start + timedelta(hours=self.utc_offset_hours)
        weekend = WEEKEND if local.weekday() >= 5 else 1.0
        expected = self.peak_per_hour * RHYTHM[local.hour] * weekend
        out: list[dict] = self._brand_posts(hour_start, index, local)
        threads: list[tuple[str, str | None, dict]] = []  # (lang, event kind, record)
        n = 0
        for _ in range(_poisson(rng, expected)):
            lang = pick(rng, self.wording.langs)
            text = roughen(rng, routine_text(rng, self.wording, lang))
            threads.append((lang, None, self._inbound(rng, hour_start, index, n, text, lang, None)))
            n += 1
        for event in self.events_between(hour_start, hour_start + HOUR):
            share = event.share_between(hour_start, hour_start + HOUR)
            for _ in range(_poisson(rng, event.size * share)):
                lang = rng.choice(event.langs)
                topic = event.kind if event.kind != "spammer" else "complaint"
                text = roughen(rng, topic_text(rng, self.wording, topic, lang, event.facts))
                record = self._inbound(rng, hour_start, index, n, text, lang, event,
                                       window=(max(hour_start, event.start), min(hour_start + HOUR, event.end)))
                threads.append((lang, event.kind, record))
                n += 1
        load = len(threads) / max(expected, 1.0)
        for lang, event_kind, record in threads:
            out.append(record)
            out += self._thread_rest(rng, record, lang, event_kind, load)
        return out

    def _brand_posts(self, hour_start: datetime, index: int, local: datetime) -> list[dict]:
        if local.hour not in (9, 15):
            return []
        rng = random.Random(f"{self.seed}:post:{index}")
        text = rng.choice(self.wording.brand_posts).format(brand=self.brand,
                                                           tag=self.wording.tags[0].format(Brand=self.brand))
        at = hour_start + timedelta(minutes=rng.randint(0, 20))
        return [self._record(f"p{index}", "post", "outbound", at, text, "en", author="brand")]

    def latest_post_id(self, before: datetime) -> str:
        """The brand post that comments at `before` sit under (the latest one by then)."""
        t = _floor_hour(before)
        for _ in range(72):
            local = t + timedelta(hours=self.utc_offset_hours)
            if local.hour in (9, 15) and (t + timedelta(minutes=21) <= before):
                return f"p{int(t.timestamp() // 3600)}"
            t -= HOUR
        return "p-pinned"

    def _inbound(self, rng: random.Random, hour_start: datetime, index: int, n: int, text: str, lang: str,
                 event: DemoEvent | None, window: tuple[datetime, datetime] | None = None) -> dict:
        a, b = window or (hour_start, hour_start + HOUR)
        at = a + timedelta(seconds=rng.uniform(0, (b - a).total_seconds()))
        at = at.replace(microsecond=0)
        kind = pick(rng, KINDS) if not event or event.kind != "spammer" else "mention"
        if event and event.kind == "spammer":
            author = f"c-spam-{event.event_id}"
        elif event:
            author = f"c{rng.randint(1, 200_000)}"  # a crowd: mostly distinct customers
        else:
            author = f"c{int(20_000 * rng.random() ** 2)}"  # regulars write more often
        mid = f"m{index}-{n}"
        extra = ({"demo_event": event.event_id, "demo_event_kind": event.kind, "demo_event_shape": event.shape}
                 if event else None)
        record = self._record(mid, kind, "inbound", at, text, lang, author=author, extra=extra)
        if kind == "comment":
            record["in_reply_to_id"] = self.latest_post_id(at)
        elif kind == "dm":
            record["conversation_id"] = f"dm-{author}"
        return record

    def _thread_rest(self, rng: random.Random, first: dict, lang: str, event_kind: str | None,
                     load: float) -> list[dict]:
        """A possible follow-up from the customer and a possible answer from the brand."""
        out = []
        at: datetime = first["_at"]
        delay = self._reply_delay(rng, at, load)
        if rng.random() < 0.12:
            follow_at = at + timedelta(minutes=rng.uniform(3, 90))
            follow = self._record(first["id"] + "f", first["kind"] if first["kind"] == "dm" else "comment",
                                  "inbound", follow_at, rng.choice(self.wording.follow_up[lang]), lang,
                                  author=first["author_id"])
            follow["in_reply_to_id"] = first["id"]
            if first["kind"] == "dm":
                follow["conversation_id"] = first["conversation_id"]
            out.append(follow)
        chance = REPLY_CHANCE[first["kind"]] * (0.6 if event_kind in ("campaign", "spammer") else 1.0)
        if rng.random() < chance:
            reply = self._record(first["id"] + "r", "dm" if first["kind"] == "dm" else "comment", "outbound",
                                 at + delay, rng.choice(self.wording.reply[lang]), lang, author="brand")
            reply["in_reply_to_id"] = first["id"]
            if first["kind"] == "dm":
                reply["conversation_id"] = first["conversation_id"]
            out.append(reply)
        return out

    def _reply_delay(self, rng: random.Random, at: datetime, load: float) -> timedelta:
        local = at + timedelta(hours=self.utc_offset_hours)
        if 8 <= local.hour < 22:
            minutes = rng.lognormvariate(math.log(18), 0.9) * max(1.0, load) ** 0.7
        else:  # the night shift is thin: most wait for 08:00
            to_morning = ((8 - local.hour) % 24) * 60 - local.minute
            minutes = to_morning + rng.lognormvariate(math.log(25), 0.8) if rng.random() < 0.7 \
                else rng.lognormvariate(math.log(60), 0.8)
        return min(timedelta(minutes=minutes), MAX_REPLY_DELAY - HOUR)

    def _record(self, mid: str, kind: str, direction: str, at: datetime, text: str, lang: str,
                author: str, extra: dict | None = None) -> dict:
        rng = random.Random(mid)
        record = {
            "platform": self.platform, "id": mid, "kind": kind, "direction": direction,
            "author_id": author if author != "brand" else f"brand-{self.brand.lower().replace(' ', '')}",
            "author_handle": self.brand.lower().replace(" ", "") if author == "brand" else f"user{author[1:]}",
            "created_at": at.isoformat().replace("+00:00", "Z"), "text": text,
            "url": f"https://demo.earshot.invalid/{mid}", "account": self.account, "_at": at,
        }
        # Like real platforms, most but not all posts declare their language.
        if rng.random() < 0.7:
            record["lang"] = lang
        if extra:
            record.update(extra)
        return record


def _variant(rng: random.Random, code: str) -> str:
    """Another code or sum of the same shape: E-1042 -> E-2317, €7.90 -> €3.45; 503 stays an HTTP 5xx."""
    if code.isdigit() and len(code) == 3:
        return rng.choice(["500", "502", "503", "504"])
    out = []
    for i, ch in enumerate(code):
        leading = ch.isdigit() and ch != "0" and (i == 0 or not code[i - 1].isdigit())
        out.append(str(rng.randint(1 if leading else 0, 9)) if ch.isdigit() else ch)
    return "".join(out)  # a number keeps a non-zero first digit: '€12' may become '€47', never '€01'


def _variant_domain(rng: random.Random, domain: str) -> str:
    name, _, tld = domain.rpartition(".")
    return f"{name}{rng.choice(['', '-', ''])}{rng.choice(['', 'eu', 'app', 'id', 'now'])}.{tld}"


def _floor_hour(t: datetime) -> datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 50:  # normal approximation keeps big hours fast
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1
