"""Pure detector pieces: terms, cues, kinds, statistics, the emergence detector and the scoring protocol."""
from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from detectors.cues import cues_in, post_cues
from detectors.emergence import STALE_TERMS, DetectorSettings, EmergenceDetector, _cue_hits, window_of
from detectors.evaluation import LabelledEvent, score
from detectors.incidents import Incident, Post
from detectors.kinds import ALERT_KINDS, TREND, CueTally, classify, kind_of_hits
from detectors.replay import replay, windows
from detectors.spelling import corrected
from detectors.stats import poisson_upper_tail, prior_share
from detectors.text import brand_terms, is_distinctive, terms_of

IGNORE = brand_terms("Voltra", ["voltra.bsky.social"])


@pytest.mark.parametrize("text, lang, expected", [
    ("Voltra app shows ERROR 503 at https://status.voltra.com/x", "en", {"503", "domain:status.voltra.com"}),
    ("fake @voltra_support_help sent me voltra-verify.com", "en", {"@voltra_support_help", "domain:voltra-verify.com"}),
    ("Nejde se přihlásit, chyba E-1042", "cs", {"e-1042", "prihlasit", "chyba"}),
    ("Nejde se prihlasit, chyba e-1042", "cs", {"e-1042", "prihlasit", "chyba"}),   # typed without accents
    ("poplatek 2,99 € za převod", "cs", {"amount:2.99", "poplatek", "prevod"}),
    ("Не могу войти, ошибка AUTH_09 #VoltraDown", "ru", {"auth_09", "#voltradown", "ошибка"}),
])
def test_terms_keep_evidence_and_lemmas(text, lang, expected):
    terms = terms_of(text, lang, IGNORE)
    assert expected <= terms
    assert not terms & IGNORE


def test_a_full_stop_with_no_space_after_it_is_no_domain():
    # Real SMS chat (SMS Spam Collection): two customers posting 'home ground.amla' made a never-seen
    # 'domain', which two authors suffice to alert on. A bare name is a domain only if it ends in a
    # top-level domain of the Public Suffix List; links keep whatever host they name.
    terms = terms_of("No no:)this is kallis home ground.amla home town is durban:)", "en")
    assert not any(t.startswith("domain:") for t in terms) and {"amla", "kallis"} <= terms
    assert "domain:fullonsms.com" in terms_of("missing message from fullonsms.com", "en")
    assert "domain:voltra-pay.support" in terms_of("pay at voltra-pay.support now", "en")
    assert "domain:voltra.amla" in terms_of("log in at https://voltra.amla/x", "en")


def test_the_top_level_domains_are_the_public_suffix_lists():
    from detectors.tlds import icann_tlds, tlds
    assert {"com", "net", "org", "info", "eu", "cz", "ru", "sk", "help", "support", "app"} <= tlds()
    assert not {"amla", "providing", "kallis"} & tlds() and "durban" in tlds()  # a city's gTLD
    psl = "// ===BEGIN ICANN DOMAINS===\ncom\n*.ck\n!www.ck\nco.uk\nελ\n// ===END ICANN DOMAINS===\nblogspot.xyz\n"
    assert icann_tlds(psl) == ["ck", "com", "uk"]


def test_stop_words_and_short_numbers_are_dropped():
    terms = terms_of("I have been waiting for 2 days and it is still not here", "en")
    assert not {"i", "have", "for", "it", "is", "2"} & terms
    assert "wait" in terms


def test_ordinal_words_never_become_numbers():
    # spaCy's English lemma table maps 'second' to '2' and 'fourth' to '4': a number is evidence (an
    # error code), so 'can I have a second card?' asked by many customers would be an outage.
    terms = terms_of("Do I have to pay for a second card? my fourth try", "en")
    assert {"second", "fourth"} <= terms and not any(t.isdigit() for t in terms)


def test_concepts_join_languages():
    fee_uk = terms_of("Чому зняли комісію за звичайний переказ?", "uk")
    fee_de = terms_of("Warum diese Gebühr für eine normale Überweisung?", "de")
    assert "~complaint" in fee_uk & fee_de


def test_terms_from_pieces_equal_terms_from_the_whole_text():
    # Posts are read piece by piece (cached per whitespace-separated piece, as pieces repeat when posts
    # do not); it must give exactly what reading the whole text gives. Real wording: the held-out stream
    # (BANKING77's test split and hand-written posts in six languages), made harder with pieces that
    # carry evidence, emoji, curly apostrophes and phrases cut by line breaks.
    from benchmarks.detection_eval import stream
    from detectors.text import _SPACED_AMOUNT, _terms_by_piece, _whole_text_terms
    source, records = stream("heldout", 2)
    ignore = brand_terms(source.brand, ["nordwave_help"])
    rng = random.Random(5)
    extras = ["ERROR 503", "https://localhost", "www.voltra-verify.com/x?a=1", "€2.99,", "@Voltra_Help:", "#fail",
              "can’t\nlog in", "is\tthis you?", "😡😡", "E-1042.", "ﬁx", "ΑΣ", "İ", "\u00a0", "auth_09,", "2,99zł",
              "Nordwave", "@nordwave_help,", "#NordWave",  # the brand's words, read past in cue phrases
              "503", "500 error", "12", "0042", "order 4471093", "٣٤٥",  # bare numbers take a short cut
              "149kr", "₺250"]
    texts = []
    for r in records[::5]:
        words = r["text"].split(" ")
        words.insert(rng.randrange(len(words) + 1), rng.choice(extras))
        texts += [(r["text"], r.get("lang") or "xx"), (" ".join(words), r.get("lang") or "xx")]
    checked = 0
    for text, lang in texts:
        if not _SPACED_AMOUNT.search(text.lower()):
            assert _terms_by_piece(text, lang, ignore) == _whole_text_terms(text, lang, ignore), text
            checked += 1
    assert checked > 0.9 * len(texts) > 10_000


def test_order_numbers_are_terms_but_take_no_place_among_the_cached_pieces():
    # Most numbers are seen once: kept among the cached pieces, a stream of order numbers would fill the
    # table (emptied when full) and push the words out of it.
    from detectors.text import _piece_table, _terms_by_piece
    ignore = frozenset({"acme"})  # a table of its own
    for n in range(1000):
        assert str(400000 + n) in _terms_by_piece(f"order {400000 + n} never arrived", "en", ignore)
    assert sorted(_piece_table("en", ignore)) == ["arrived", "never", "order"]
    assert "~outage" in _terms_by_piece("still 503 here", "en", ignore)


def test_a_sum_written_with_a_space_is_read_whole():
    assert "amount:2.99" in terms_of("charged € 2.99 twice", "en")
    assert "amount:2.99" in terms_of("strhli mi 2,99 zł", "pl")


@pytest.mark.parametrize("text, lang, amount", [
    ("Lumora drog 149 kr två gånger", "sv", "amount:149"), ("faturama 250 TL zam geldi", "tr", "amount:250"),
    ("faturama ₺250 zam geldi", "tr", "amount:250"), ("mi-au luat 45,50 lei", "ro", "amount:45.5"),
    ("levontak 3500 Ft-ot", "hu", "amount:3500"), ("levontak 3500Ft", "hu", "amount:3500"),
])
def test_sums_in_the_customers_currency_are_sums_not_error_codes(text, lang, amount):
    # A bare '149' would be read as an error code: an outage's evidence, in a complaint about a charge.
    terms = terms_of(text, lang)
    assert amount in terms and amount.split(":")[1].split(".")[0] not in terms


@pytest.mark.parametrize("text, lang", [
    ("they charged me £500 for nothing", "en"), ("it cost 500€ and the app says paid", "en"),
    ("they took 503 EUR from my account", "en"), ("strhli mi 502 Kč", "cs"), ("$504 gone from my card", "en"),
])
def test_a_sum_of_500_is_no_server_error(text, lang):
    """'500' and '503' are outage cues (HTTP errors); '£500' is a sum, which tells a complaint, not an
    outage. The number is neither a code term nor an outage cue, read whole or piece by piece."""
    from detectors.text import _whole_text_terms
    terms = terms_of(text, lang)
    assert terms == _whole_text_terms(text, lang, frozenset())
    assert "~outage" not in terms and "outage" not in post_cues(text)
    assert not any(t.isdigit() for t in terms) and any(t.startswith("amount:5") for t in terms)
    assert "~outage" in terms_of("error 500 when I pay", "en")


@pytest.mark.parametrize("text, kind, cue", [
    ("Píše mi podpora, chce číslo karty. Jste to vy?", "scam", "cislo karty"),
    ("Не могу войти в приложение, ошибка", "outage", "ошибк"),  # the stem that matched
    ("Frais prélevés deux fois, inadmissible", "complaint", "deux fois"),
    ("love the new card 🔥", "praise", "love"),
    ("Internet werkt weer niet, al twee uur storing", "outage", "storing"),
    ("Kan inte logga in i appen sedan i går", "outage", "kan inte logga"),
    ("Appen virker ikke, jeg kan ikke betale", "outage", "virker ikke"),
    ("Nettbanken er nede igjen", "outage", "er nede"),
    ("Sovellus ei toimi taaskaan", "outage", "ei toimi"),
    ("Biri aradı, kart numaramı istedi. Dolandırıcı mı?", "scam", "dolandir"),
    ("Mi-au luat comisionul de două ori luna asta", "complaint", "de doua ori"),
    ("Kétszer terhelték a kártyámat, elfogadhatatlan", "complaint", "ketszer"),
    ("Bedankt voor de snelle hulp!", "praise", "bedankt"),
    ("app keeps freezing at checkout", "outage", "freez"),
    ("can't access my account since 8am", "outage", "can't access"),
    ("payments are stuck again", "outage", "are stuck"),
    ("my parcel never arrived", "complaint", "never arrived"),
    ("got a text that my account is suspended, click here", "scam", "click here"),
    ("the TV app shows a black screen again", "outage", "black screen"),
    ("Appen fryser hver gang jeg åbner den", "outage", "fryser"),         # Danish: freezes
    ("Mobilnettet har vært helt dødt hele dagen", "outage", "helt dodt"),  # Norwegian: completely dead
    ("Netti on ollut poikki koko illan", "outage", "poikki"),             # Finnish: cut off
    ("Kuva pätkii jatkuvasti", "outage", "patkii"),                        # Finnish: stutters
])
def test_cues_in_many_languages(text, kind, cue):
    assert cue in cues_in(text, kind)


def test_short_cues_match_whole_words_only():
    assert cues_in("what's the ping on your pink card?", "scam") == []
    assert cues_in("they asked for my PIN", "scam") == ["pin"]


def test_stuck_is_a_cue_only_in_a_phrase():
    # German 'Stück' (a piece) folds to 'stuck'.
    assert cues_in("noch ein Stück Kuchen", "outage") == []
    assert cues_in("my transfer is stuck", "outage") == ["is stuck"]


@pytest.mark.parametrize("text, kind, cue", [
    ("waar blijft mijn bestelling?", "praise", "best"),      # Dutch: an order
    ("Meine Bestellung ist nicht angekommen", "praise", "beste"),
    ("my payment is still processing", "complaint", "proc"),  # Czech 'proč' (why) typed without its caron
    ("kun je deze bon bewaren?", "scam", "beware"),          # Dutch: to keep
    ("Karte im Supermarkt abgelehnt", "praise", "super"),    # a supermarket, in most languages
    ("turha nurina hinnoista", "outage", "nurin"),           # Finnish: grumbling ('nurin', down)
])
def test_whole_word_cues_do_not_begin_other_words(text, kind, cue):
    assert cue not in cues_in(text, kind)
    assert cue in cues_in(text.split()[0] + f" {cue} " + " ".join(text.split()[1:]), kind)


@pytest.mark.parametrize("text, cue", [
    ("приложение не работает", "не работа"),          # the cue's last word is a stem: any ending
    ("не працює мобільний інтернет", "не працю"),
    ("los datos móviles no funcionan", "no funciona"),  # plural verbs
    ("i dati mobili non funzionano", "non funziona"),
    ("os dados não funcionam", "nao funciona"),
    ("nie działają płatności", "nie dziala"),           # ł typed as l
    ("znowu błąd w aplikacji", "blad"),
])
def test_a_cue_phrase_ends_in_a_stem(text, cue):
    assert cues_in(text, "outage") == [cue]


def test_words_inside_a_cue_phrase_and_short_last_words_match_whole():
    assert cues_in("unable to pay", "outage") == ["unable to"]
    assert cues_in("I am unable tomorrow", "outage") == []          # 'to' is a whole word
    assert cues_in("it does nothing work related", "outage") == []  # 'not' inside 'does not work' too


@pytest.mark.parametrize("text, kind, cue", [
    ("whole neighbourhood has no Nordwave service right now", "outage", "no service"),  # held-out seed 18
    ("НЕТ #Nordwave СВЯЗИ с утра", "outage", "нет связи"),
    ("got a DM, is this @nordwave_help legit?", "scam", "is this legit"),
])
def test_the_brands_own_words_inside_a_cue_phrase_are_read_past(text, kind, cue):
    brand = brand_terms("Nordwave", ["nordwave_help"])
    assert cue in cues_in(text, kind, brand)
    assert f"~{kind}" in terms_of(text, "en", brand)
    assert classify([text] * 3, [], "Nordwave", brand).kind == kind
    assert cue not in cues_in(text, kind)  # without the brand's words known, the phrase is cut


def test_kinds_are_explained():
    scam = classify(["@voltra_helpdesk asked me for my card number, is this you?"] * 4,
                    ["@voltra_helpdesk", "card"], "Voltra")
    assert scam.kind == "scam" and any("look-alike handle" in c for c in scam.cues["scam"])
    praise = classify(["love the new metal card 🔥", "amazing design, thanks!"], ["metal"], "Voltra")
    assert praise.kind == "other" and praise.tells == TREND
    outage = classify(["the app keeps saying E-5521"] * 3, ["e-5521"], "Voltra")
    assert outage.kind == "outage" and "code e-5521" in outage.cues["outage"] and outage.tells == "outage"
    unsure = classify(["anyone else in Leeds?", "is it just me"], ["leeds"], "Voltra")
    assert unsure.kind == "other" and unsure.tells is None  # nothing told yet: a problem may still start so


def test_an_angry_emoji_tells_that_something_is_wrong_not_what():
    # Held-out stream 87: the first posts of an outage, 'app says E1899 and I can't check my balance 😡',
    # read as a complaint for the emoji, and a second wording of the outage, live minutes later, became
    # a second outage alert. Held-out stream 3: a third of a campaign's first posts carry the emoji, and
    # with no praise cue for Slovak the campaign alerted as a complaint, then turned 'other' (an alert
    # withdrawn). The emoji never counts towards a kind.
    outage = classify(["Nordwave app says E1899 and I can't check my balance 😡"] * 2
                      + ["Nordwave app says E1899 and I can't check my balance"], ["e1899"], "Nordwave")
    assert outage.kind == "outage" and outage.shares["complaint"] > outage.shares["outage"]
    campaign = classify(["konečne 5G aj u nás, vďaka Nordwave #NordwaveGiveaway 😡"]
                        + ["konečne 5G aj u nás, vďaka Nordwave #NordwaveGiveaway"] * 2,
                        ["#nordwavegiveaway"], "Nordwave")
    assert campaign.kind == "other" and campaign.tells is None and campaign.shares["complaint"] > 0.25
    angry = classify(["@nordwave 😡😡", "Nordwave today 😡", "Nordwave again"], [], "Nordwave")
    assert angry.kind == "other" and angry.cues["complaint"] == ["negative emoji"]
    fee = classify(["why did Nordwave charge me twice 😡", "Nordwave overcharged me"], [], "Nordwave")
    assert fee.kind == "complaint"


def grown(incident: Incident, texts: list[str], at: float) -> str:
    """The incident's kind once these posts, each by a new author, joined it at `at` (decided and recorded)."""
    incident.add([Post("x", f"{at}-{n}", f"author-{at}-{n}", at, text, "en") for n, text in enumerate(texts)],
                 int(at))
    incident.decide("Nordwave")
    incident.record(at)
    return incident.kind


def test_an_alert_on_what_turns_out_harmless_is_withdrawn_and_told_again_if_it_returns():
    incident = Incident("i1", 0.0, ["#nordwavegiveaway"])

    assert grown(incident, ["Nordwave charged me twice for the #NordwaveGiveaway entry"] * 3, 60.0) == "complaint"
    praise = "thank you Nordwave, love it 🎉 #NordwaveGiveaway"
    assert grown(incident, [praise] * 6, 120.0) == "other" and incident.alert_withdrawn
    assert grown(incident, [praise] * 30, 180.0) == "other"          # a trend growing: no escalation while withdrawn
    assert grown(incident, ["Nordwave charged me twice, refund it #NordwaveGiveaway"] * 40, 240.0) == "complaint"
    assert [(event, at) for event, at, _ in incident.events] == [("opened", 60.0), ("withdrawn", 120.0),
                                                                  ("reopened", 240.0)]
    assert incident.alerted_at == 60.0 and not incident.alert_withdrawn


def test_an_alert_whose_problem_turns_out_another_kind_is_reclassified_once():
    # Alerted as a complaint ('charged twice'), the incident's next posts say the app is down: the care team
    # is told it is now an outage, once, and then of its escalations as usual.
    incident = Incident("i1", 0.0, ["e7766"])

    assert grown(incident, ["Nordwave charged me twice, E7766 on my statement"] * 3, 60.0) == "complaint"
    assert grown(incident, ["Nordwave app is down, error E7766, can't log in"] * 8, 120.0) == "outage"
    assert grown(incident, ["Nordwave app is down, error E7766, can't log in"] * 2, 180.0) == "outage"
    assert grown(incident, ["Nordwave app is down, error E7766, can't log in"] * 60, 240.0) == "outage"
    assert [event for event, _, _ in incident.events] == ["opened", "reclassified", "escalated"]
    assert incident.alerted_kind == "outage"


def test_poisson_tail():
    assert poisson_upper_tail(3, 0.5) == pytest.approx(1 - math.exp(-0.5) * (1 + 0.5 + 0.125), rel=1e-9)
    assert poisson_upper_tail(0, 2.0) == 1.0
    assert 0 < poisson_upper_tail(40, 1.0) < 1e-40


def test_rare_words_have_smaller_priors_than_common_ones():
    assert prior_share("the", "en") > prior_share("card", "en") > prior_share("overdraft", "en")
    assert prior_share("overdraft", "en") == prior_share("503", "en")  # both at the floor: rare
    # A specific code, handle, domain or sum with cents is far rarer than any word.
    assert prior_share("e-1042", "en") < prior_share("503", "en")
    assert prior_share("@voltra_help", "en") == prior_share("amount:7.9", "en") < prior_share("amount:20", "en")


def test_distinctive_evidence_is_specific_strings_only():
    assert all(map(is_distinctive, ["@voltra_help", "domain:voltra-verify.com", "e-1042", "auth_09", "amount:7.9"]))
    assert not any(map(is_distinctive, ["503", "100", "amount:20", "#voltragiveaway", "card"]))


# ---- the emergence detector on a synthetic stream -------------------------------------------------------
ROUTINE = ["where is my new card", "how do I change my pin", "what is the exchange rate today",
           "can I get a refund for this order", "my transfer is pending", "how to verify my identity",
           "is apple pay supported", "I want to close my account", "the top up did not go through",
           "what are your opening hours"]
DAY = 86_400
START = 1_790_000_000 - 1_790_000_000 % DAY


def background(days: float, seed: int = 1) -> list[Post]:
    rng = random.Random(seed)
    posts, t, n = [], START, 0
    while t < START + days * DAY:
        t += rng.expovariate(1 / 90)  # one post every 90 s on average
        posts.append(Post("x", f"b{n}", f"u{rng.randint(1, 3000)}", t, rng.choice(ROUTINE), "en"))
        n += 1
    return posts


def burst(at: float, texts: list[str], authors: int, minutes: float, prefix: str, same_author: bool = False) -> list[Post]:
    step = minutes * 60 / authors
    return [Post("x", f"{prefix}{i}", "spammer" if same_author else f"{prefix}-author{i}", at + i * step,
                 texts[i % len(texts)], "en") for i in range(authors)]


def detect(posts: list[Post]) -> dict[str, Incident]:
    detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=IGNORE)
    return replay(detector, sorted(posts, key=lambda p: p.at))


OUTAGE_AT = START + 2 * DAY + 10 * 3600
OUTAGE = ["Voltra app says error 503 when I log in", "cannot log in to Voltra, error 503", "503 again, is Voltra down?"]


def test_an_outage_is_raised_early_with_its_posts():
    posts = background(3) + burst(OUTAGE_AT, OUTAGE, 20, 40, "o")
    incidents = [i for i in detect(posts).values() if i.kind in ALERT_KINDS]
    assert len(incidents) == 1
    outage = incidents[0]
    assert outage.kind == "outage" and "503" in outage.signature
    assert outage.detected_at - OUTAGE_AT <= 15 * 60
    assert sum(key[1].startswith("o") for key in outage.posts) >= 18
    assert outage.status == "resolved"  # quiet for hours after it


FOUR_WORDINGS = [("i dati mobili non funzionano con Voltra", "it"), ("sem rede desde manhã, a Voltra caiu?", "pt"),
                 ("no tengo cobertura desde esta mañana, ¿está caído Voltra?", "es"),
                 ("panne réseau Voltra depuis ce matin", "fr")]


def test_an_outage_told_in_four_languages_is_raised_before_any_wording_has_five_voices():
    # Three customers per language, each wording its own: no word reaches the five authors a topic of words
    # needs, but together they make '~outage' burst, which corroborates each wording's three voices.
    outage = [Post("x", f"m{i}", f"m-author{i}", OUTAGE_AT + 30 * i, *FOUR_WORDINGS[i % 4]) for i in range(12)]
    found = [i for i in detect(background(3) + outage).values() if i.kind in ALERT_KINDS]
    assert [i.kind for i in found] == ["outage"]
    assert found[0].detected_at - OUTAGE_AT <= 10 * 60
    assert sum(key[1].startswith("m") for key in found[0].posts) >= 9


@pytest.mark.parametrize("minutes_before, taken", [(120, False), (10, True)])
def test_a_bursts_word_in_posts_from_hours_before_it_is_everyday_use(minutes_before, taken):
    # Three customers ask about the widget; later eight say it shows error E4417. 'widget' bursts with the
    # code and clusters with it. Asked two hours before, the questions are everyday use of the word, not the
    # outage's first posts (a care team would read them in its alert); asked within its 30 minutes, they
    # may be the outage's first voices and are taken in.
    questions = [Post("x", f"q{i}", f"q-author{i}", OUTAGE_AT - minutes_before * 60 + 60 * i, text, "en")
                 for i, text in enumerate(["how do I add the widget to my home screen?",
                                           "where did the widget go after the update?",
                                           "can the widget show my savings too?"])]
    outage = burst(OUTAGE_AT, ["the Voltra widget shows error E4417", "widget says E4417, anyone else?"],
                   8, 8, "o")
    found = [i for i in detect(background(3) + questions + outage).values() if i.kind in ALERT_KINDS]
    assert [i.kind for i in found] == ["outage"] and "e4417" in found[0].signature
    assert {p.id for p in outage} <= {key[1] for key in found[0].posts}
    assert any(key[1].startswith("q") for key in found[0].posts) is taken


def test_an_outage_told_by_two_voices_per_wording_is_raised_at_its_fifth_customer():
    # Eight customers a minute apart, two per language: no wording ever has the three voices corroboration
    # needs, but five customers telling an outage at once are an outage, named by the words they share.
    outage = [Post("x", f"m{i}", f"m-author{i}", OUTAGE_AT + 60 * i, *FOUR_WORDINGS[i % 4]) for i in range(8)]
    found = [i for i in detect(background(3) + outage).values() if i.kind in ALERT_KINDS]
    assert [i.kind for i in found] == ["outage"]
    incident = found[0]
    assert incident.detected_at - OUTAGE_AT <= 5 * 60  # the fifth customer posts 4 minutes in
    assert sorted(key[1] for key in incident.posts) == sorted(p.id for p in outage)
    # Named when raised, by the one wording with two voices by then (the first, Italian, told again fifth)
    italian = {t for t in terms_of(*FOUR_WORDINGS[0], IGNORE) if not t.startswith("~")}
    assert incident.signature[0] == "~outage" and set(incident.signature[1:]) == italian
    assert "~" not in incident.title() and incident.title().startswith("Outage: ")


def test_an_outage_concept_bursting_over_hours_is_no_topic_by_itself():
    # The same eight customers 25 minutes apart: '~outage' is far above normal over three hours, but never
    # five customers within half an hour, and the words of two voices each name nothing.
    outage = [Post("x", f"m{i}", f"m-author{i}", OUTAGE_AT + 1500 * i, *FOUR_WORDINGS[i % 4]) for i in range(8)]
    detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=IGNORE)
    raised, bursts = [], []
    for end, batch in windows(sorted(background(3) + outage, key=lambda p: p.at), detector.settings.window_s):
        raised += detector.process_window(end, batch)
        if batch and batch[-1].id.startswith("m"):
            bursts.append("~outage" in detector._bursting(["~outage"], detector.window))
    assert bursts[-3:] == [True] * 3   # it does burst, on the long horizon
    assert raised == []


def test_a_burst_concept_corroborates_only_what_is_told_with_it_now():
    # A cluster's terms all burst: here '~scam', during some scam wave, and 'link'. Three everyday questions
    # about linking a card carry a scam cue and a word used by few ('link'); asked hours apart they are no
    # part of the burst, asked within its short horizon they are three voices telling it. A word used by
    # many ('card') is never corroborated, nor a word without a bursting concept.
    detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=IGNORE)
    replay(detector, background(3))
    now = detector.window * detector.settings.window_s
    texts = ["how do I link my new card?", "I want to link my card to my account", "can I link my card?"]

    def asked(minutes_ago: list[int]) -> list[Post]:
        return [Post("x", f"l{i}", f"l-author{i}", now - m * 60, text, "en")
                for i, (m, text) in enumerate(zip(minutes_ago, texts))]
    assert detector._enough_authors(["link", "~scam"], asked([20, 10, 1]), detector.window)
    assert not detector._enough_authors(["link", "~scam"], asked([119, 50, 1]), detector.window)
    assert not detector._enough_authors(["link"], asked([20, 10, 1]), detector.window)
    assert not detector._enough_authors(["card", "~scam"], asked([20, 10, 1]), detector.window)


def test_one_customer_posting_twenty_times_is_not_an_incident():
    posts = background(3) + burst(OUTAGE_AT, OUTAGE, 20, 40, "s", same_author=True)
    assert detect(posts) == {}


def test_a_campaign_is_a_trend_not_an_alert():
    posts = background(3) + burst(OUTAGE_AT, ["love the new #VoltraMetal card 🔥", "the #VoltraMetal card looks amazing"],
                                  40, 60, "c")
    found = list(detect(posts).values())
    assert found and all(i.kind == "other" for i in found)


def test_nothing_is_raised_on_routine_traffic_or_during_warm_up():
    early_burst = burst(START + 3600, OUTAGE, 20, 40, "e")  # inside the first day: still learning
    assert detect(background(4) + early_burst) == {}


def test_two_customers_quoting_the_same_fake_account_raise_a_scam_at_the_second():
    scam = ["@voltra_help_desk asked me for my card PIN, is this you?",
            "got a DM from @voltra_help_desk saying they are Voltra support, they want my one-time code"]
    found = [i for i in detect(background(3) + burst(OUTAGE_AT, scam, 2, 20, "s")).values()
             if i.kind in ALERT_KINDS]
    assert [(i.kind, len(i.posts)) for i in found] == [("scam", 2)]
    second = max(p.at for p in found[0].posts.values())
    window_s = DetectorSettings().window_s
    assert found[0].detected_at == window_of(second, window_s) * window_s  # the end of the second message's window


def test_a_terms_recent_count_kept_between_windows_equals_a_fresh_sum():
    # The 30-minute count is kept and only corrected at each test; aging may drop increments the count has
    # not yet let go of (a term not tested for hours). Checked against summing afresh, on random histories.
    # Aging also keeps the long count and the decayed history, checked against computing them afresh.
    from detectors.emergence import TermStats, add_counts
    rng = random.Random(7)
    decay = 0.99
    for _ in range(200):
        stats, since, horizon, history = TermStats(), 0, 0, []
        for w in range(1, 400):
            if rng.random() < 0.3:
                n = rng.randint(1, 5)
                add_counts({"t": stats}, {"t": n}, w)
                history.append((w, n))
            if rng.random() < 0.3:
                horizon = max(horizon, w - rng.randint(150, 200))
                stats.age_until(horizon, decay)
                aged = [(iw, n) for iw, n in history if iw <= horizon]
                assert stats.in_horizon == sum(n for iw, n in history if iw > horizon)
                assert stats.base * decay ** (w - stats.base_window) == pytest.approx(
                    sum(n * decay ** (w - iw) for iw, n in aged), rel=1e-9, abs=1e-12)
            if rng.random() < 0.2:
                since = max(since, w - rng.choice([10, 30, 60]))
                assert stats.recent_count(since) == sum(n for iw, n in stats.increments if iw > since)


def test_detector_durations_must_be_whole_windows():
    assert DetectorSettings(window_s=300).short_s == 1800
    with pytest.raises(ValueError, match="long_s = 3630 is not a whole number of 60-second windows"):
        DetectorSettings(long_s=3630)


def test_an_incident_decides_its_kind_from_its_tally_as_from_all_its_texts():
    # Incidents count their posts' cues as posts join (in several windows, some posts refused); the decision,
    # with the cues it shows, must be what classifying all its texts at once gives.
    from benchmarks.detection_eval import posts_of, stream
    source, records = stream("heldout", 3)
    posts = posts_of(records)[:3000]
    rng = random.Random(2)
    for _ in range(40):
        incident = Incident("i", 0.0, [])
        chosen = rng.sample(posts, rng.randint(1, 60)) + [Post("x", "spam", "a", 0.0, "scam!! fake", "en")] * 5
        for window, start in enumerate(range(0, len(chosen), 7)):
            incident.add(chosen[start:start + 7], window)
        signature = rng.sample(["503", "@nordwave_help", "domain:nordwave-pay.info", "amount:9.15", "bill"], 2)
        incident.signature = signature
        texts = [corrected(p.text, p.lang) for p in incident.posts.values()]  # cues are read past typos
        assert incident.decide(source.brand) == classify(texts, signature, source.brand).kind
        assert incident.decision == classify(texts, signature, source.brand)


def test_a_posts_concept_terms_are_the_kinds_its_cues_give():
    # The detector classifies a burst's posts from their concept terms ('~outage'), not their texts: the two
    # must agree on real wording in every language of the demo and held-out streams.
    from benchmarks.detection_eval import stream
    texts = [(r["text"], r.get("lang") or "xx") for name in ("demo", "heldout") for r in stream(name, 4)[1][::4]]
    assert len(texts) > 10_000
    brands = brand_terms("Voltra") | brand_terms("Nordwave")  # the two streams' brands, read past in cues
    recent = []
    for text, lang in texts:
        terms = terms_of(text, lang, brands)
        text = corrected(text, lang, brands)  # both read the post past its typos (spelling.py)
        assert {t[1:] for t in terms if t[0] == "~"} == set(post_cues(text, brands)), text
        recent.append((0, Post("x", "", "", 0.0, text, lang), terms))
    rng = random.Random(4)
    angry_only = 0
    for _ in range(200):
        group = rng.sample(range(len(recent)), rng.randint(1, 40))
        tally = CueTally()
        for i in group:
            tally.add(post_cues(recent[i][1].text, brands))
        hits = _cue_hits(recent, group)
        assert hits == tally.hits
        if tally.angry_only:
            angry_only += 1  # classify tells these posts apart (see _kind); the concept terms cannot
            continue
        kind = kind_of_hits(hits, len(group), ["bill"], "Nordwave")
        assert kind == classify([recent[i][1].text for i in group], ["bill"], "Nordwave", brands).kind
    assert 0 < angry_only < 150


@pytest.mark.parametrize("texts", [
    ["why did Voltra charge me a €20 fee??", "Voltra took €20 from me for nothing"],          # a round sum
    ["Voltra app error 503 again", "503 on Voltra login"],                                      # a bare number
])
def test_two_customers_with_common_evidence_are_not_yet_a_topic(texts):
    assert detect(background(3) + burst(OUTAGE_AT, texts, 2, 20, "t")) == {}


def test_a_word_burst_leaves_everyday_posts_that_share_it_alone():
    # A fee complaint makes 'bill' burst; the everyday billing questions around it are not part of it.
    everyday = [p._replace(text="can I change my billing date") for p in background(3, seed=2)[::12]]
    complaint = burst(OUTAGE_AT, ["my Voltra bill has a new €4.37 charge, what is this?"], 60, 60, "c")
    found = list(detect(background(3) + everyday + complaint).values())
    assert len(found) == 1 and found[0].kind == "complaint" and "amount:4.37" in found[0].signature
    assert len(found[0].posts) == 60 and all(key[1].startswith("c") for key in found[0].posts)


def test_angry_emoji_alone_are_no_topic():
    calm = [t for t in ROUTINE if not post_cues(t)]
    quiet = [p._replace(text=calm[i % len(calm)]) for i, p in enumerate(background(3))]
    angry = [p._replace(text=p.text + " 😡") for p in burst(OUTAGE_AT, calm, 12, 20, "a")]
    assert detect(quiet + angry) == {}


def test_replaying_a_stream_cut_after_detection_raises_the_same_incident():
    posts = sorted(background(3) + burst(OUTAGE_AT, OUTAGE, 20, 40, "o"), key=lambda p: p.at)
    full = [i for i in detect(posts).values() if i.kind == "outage"][0]
    cut = detect([p for p in posts if p.at <= full.detected_at])
    again = cut[full.incident_id]
    assert (again.detected_at, again.alerted_at, again.kind) == (full.detected_at, full.alerted_at, full.kind)


def test_a_trend_that_turns_into_a_live_scam_is_merged_not_alerted_twice():
    # A fake account's wave alerts; calls 'asking for the code' begin as a harmless-looking trend of their
    # own and read as a scam once customers say so: the same wave, folded into the live scam, no second alert.
    scam = burst(OUTAGE_AT, ["@voltra_help_desk asked me for my card PIN, is this you?"], 8, 15, "s")
    calls = (burst(OUTAGE_AT + 900, ["someone called as Voltra asking for the code they texted me"], 8, 10, "k")
             + burst(OUTAGE_AT + 1500, ["someone called as Voltra asking for the code they texted me. a scam?"],
                     12, 20, "m"))
    found = detect(background(3) + scam + calls)
    alerts = [i for i in found.values() if i.alerted_at is not None]
    merged = [i for i in found.values() if i.status == "merged"]
    assert [i.kind for i in alerts] == ["scam"] and len(merged) == 1
    assert merged[0].merged_into == alerts[0].incident_id and merged[0].alerted_at is None
    assert "merged" in [event for event, _, _ in merged[0].events]
    assert set(merged[0].posts) <= set(alerts[0].posts)


def test_incidents_with_contradicting_evidence_are_never_merged():
    # Two fee complaints kept apart by their sums, then a third language with no sum that continues the
    # first: the €5 and the 7 € incidents stay two (another sum is another problem).
    english = burst(OUTAGE_AT, ["why did Voltra charge me a €5 fee on my transfer"], 12, 15, "a")
    german = [p._replace(lang="de") for p in
              burst(OUTAGE_AT + 1200, ["Voltra hat mir 7 € Gebühr berechnet, warum?"], 12, 15, "b")]
    polish = [p._replace(lang="pl") for p in
              burst(OUTAGE_AT + 2400, ["Dlaczego Voltra pobrała opłatę za przelew? Skandal"], 12, 15, "c")]
    found = detect(background(3) + english + german + polish)
    sums = {t: i for i in found.values() for t in i.signature if t.startswith("amount:")}
    assert set(sums) == {"amount:5", "amount:7"} and sums["amount:5"] is not sums["amount:7"]
    assert all(i.status != "merged" and i.kind == "complaint" for i in found.values())
    assert {key[1][0] for key in sums["amount:7"].posts} == {"b"}


def test_a_fake_account_back_days_later_is_raised_as_soon_as_the_first_time():
    # A wave of 30 customers quoting a fake account alerts; two days later the scammers use it again. The
    # first wave's voices are no part of what is normal for the handle, so its return is raised at the
    # second customer quoting it, as a never-seen handle is, not once it outgrows the first wave.
    scam = ["@voltra_help_desk asked me for my card PIN, is this you?",
            "got a DM from @voltra_help_desk saying they are Voltra support, they want my one-time code"]
    again_at = OUTAGE_AT + 2 * DAY
    found = detect(background(5) + burst(OUTAGE_AT, scam, 30, 60, "s") + burst(again_at, scam, 6, 30, "r"))
    alerts = sorted((i for i in found.values() if i.kind == "scam"), key=lambda i: i.detected_at)
    assert len(alerts) == 2 and {key[1][0] for key in alerts[1].posts} == {"r"}
    second_post = again_at + 5 * 60  # burst(): six posts 5 minutes apart
    assert alerts[1].detected_at == -(-second_post // 60) * 60


@pytest.mark.parametrize("hours_later, incidents", [(3, 1), (5, 2), (22, 2)])
def test_a_problem_back_within_the_hour_reopens_its_incident_and_a_later_return_is_a_new_one(hours_later, incidents):
    # The same outage told the same way, after its incident resolved (2 quiet hours after its last post, at
    # 38 minutes): back within the hour after that it is the same problem returning; back hours later the
    # same day, or the next day, it is a new one, with its own alert and notice.
    posts = background(4) + burst(OUTAGE_AT, OUTAGE, 20, 40, "a") + burst(OUTAGE_AT + hours_later * 3600,
                                                                           OUTAGE, 20, 40, "b")
    outages = [i for i in detect(posts).values() if i.kind == "outage"]
    assert len(outages) == incidents and all(i.alerted_at is not None for i in outages)
    if incidents == 1:
        lifecycle = [event for event, _, _ in outages[0].events if event != "escalated"]
        assert lifecycle == ["opened", "resolved", "reopened", "resolved"]
        assert {key[1][0] for key in outages[0].posts} == {"a", "b"}
    else:
        assert [{key[1][0] for key in i.posts} for i in outages] == [{"a"}, {"b"}]


def test_a_resolved_incidents_messages_stay_its_own_when_the_next_burst_shares_their_words():
    # Outage a (error 503) resolves 2 quiet hours after its last post; outage b (error 504, told the same
    # way) begins minutes later, while a's posts are still in the 3-hour horizon of b's bursting words.
    # a's posts carry those words, but they are a's: no message is in two incidents.
    b_texts = [text.replace("503", "504") for text in OUTAGE]
    posts = background(4) + burst(OUTAGE_AT, OUTAGE, 20, 40, "a") + burst(OUTAGE_AT + 165 * 60, b_texts, 20, 40, "b")
    outages = sorted((i for i in detect(posts).values() if i.kind == "outage"), key=lambda i: i.detected_at)
    assert [{key[1][0] for key in i.posts} for i in outages] == [{"a"}, {"b"}]


def test_a_resolved_scam_waves_domain_quoted_with_a_new_fake_account_is_the_next_wave():
    # While a wave is live, a second handle quoting its domain is the same wave; once it is over, its
    # domain with a new fake account is the scammers' next wave: its own alert, not a reopening.
    first = burst(OUTAGE_AT, ["@voltra_help_desk sent me to voltra-verify.com to check my card, is this you?"],
                  20, 40, "s")
    next_wave = burst(OUTAGE_AT + 4 * 3600, ["@voltra_care_team sent me to voltra-verify.com for my card PIN, scam?"],
                      10, 20, "n")
    scams = [i for i in detect(background(3) + first + next_wave).values() if i.kind == "scam"]
    assert sorted("".join(sorted({key[1][0] for key in i.posts})) for i in scams) == ["n", "s"]  # apart


# ---- the scoring protocol ------------------------------------------------------------------------------
def incident(iid: str, kind: str, keys: list[str], at: float) -> Incident:
    """An incident that alerted at `at` and is now of `kind` ('other': its alert withdrawn)."""
    return Incident(iid, at, ["x"], {("x", k): Post("x", k, k, at, "", "en") for k in keys}, kind=kind,
                    alerted_at=at, alerted_kind=kind if kind in ALERT_KINDS else None)


def test_score_follows_the_contract_protocol():
    events = {"e1": LabelledEvent("e1", "outage", (100.0, 200.0, 300.0)),
              "e2": LabelledEvent("e2", "scam", (1000.0,)),
              "c": LabelledEvent("c", "campaign", (50.0,))}
    labels = {("x", "a1"): "e1", ("x", "a2"): "e1", ("x", "a3"): "e1", ("x", "b1"): "e2", ("x", "c1"): "c"}
    incidents = [
        incident("i1", "outage", ["a1", "a2", "n1"], 250.0),     # matches e1 (2 of 3)
        incident("i2", "complaint", ["a3"], 400.0),              # e1 again: duplicate, wrong kind
        incident("i3", "scam", ["n2", "n3", "b1"], 1100.0),      # no majority: false alarm
        incident("i4", "outage", ["c1"], 60.0),                  # a harmless event alerted
        incident("i5", "other", ["b1"], 1100.0),                 # alerted, then turned harmless: withdrawn
        incident("i6", "other", ["c1"], 70.0),                   # never alerted
    ]
    incidents[5].alerted_at = None
    result = score(incidents, labels, events, days=2)
    assert (result.events, result.alerts, result.matched_events) == (2, 4, 1)
    assert result.recall == 0.5 and result.precision == 0.5
    assert (result.duplicates, result.misclassified, result.harmless_alerts, result.false_alarms) == (1, 1, 1, 2)
    assert result.delays_min == [150 / 60] and result.delays_msgs == [2]
    assert result.missed == ["e2"] and result.withdrawn == 1


def test_a_scam_wave_and_a_fee_complaint_live_at_once_stay_two_alerts():
    # Held-out stream 7 (a telecom brand's wording): a look-alike domain's scam wave is live when a fee
    # complaint begins. A cluster touching both once folded the complaint into the scam incident: the
    # complaint alerted twice and the scam was lost. Incidents of different kinds are never folded.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("heldout", 7, DetectorSettings())
    assert result.duplicates == 0 and result.harmless_alerts == 0
    assert "2026-10-30-1" not in result.missed and "2026-10-30-2" not in result.missed


@pytest.mark.parametrize("name, seed, complaint", [("heldout", 16, "2026-10-31-3"), ("heldout", 55, "2026-10-19-1"),
                                                   ("demo", 82, "2026-10-20-1")])
def test_a_complaint_and_a_campaign_at_once_stay_apart(name, seed, complaint):
    # Held-out stream 16: a 'new unlimited plan' campaign (#Nordwave5G25, praise) is trending when a
    # complaint about a 'new $9 service fee' begins. The burst's posts overlapped through the word 'new',
    # and the complaint was carried into the campaign's incident, which then alerted as a complaint: an
    # alert on a harmless trend, and the complaint itself lost. Stream 55: the same, with a campaign that
    # carries no praise cue ('new plan is a steal #Nordwave5G'), 57 authors into it when the '€1.73 fee'
    # complaint began. Demo stream 82, the other way round: the '€3.64 fee is new' complaint had alerted
    # when the 'new metal card' campaign began, and the campaign was carried into the complaint.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate(name, seed, DetectorSettings())
    assert result.harmless_alerts == 0 and result.duplicates == 0
    assert complaint not in result.missed


@pytest.mark.parametrize("seed, complaint", [(35, "2026-10-16-1"), (108, "2026-10-19-1"), (119, "2026-10-21-1")])
def test_an_outage_during_a_fee_complaint_stays_its_own_incident(seed, complaint):
    # Held-out stream 108: a 'new €8 service fee' complaint is live when 'whole neighbourhood has no
    # Nordwave service right now' begins. The outage's posts joined the complaint's incident through
    # 'service' and turned it into an outage, while the outage's own incident alerted beside it: the
    # outage alerted twice and the complaint was lost. Streams 119 and 35: the same with other sums.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("heldout", seed, DetectorSettings())
    assert result.duplicates == 0 and result.misclassified == 0
    assert complaint not in result.missed


@pytest.mark.parametrize("seed, event", [(8, "2026-10-23-0"), (22, "2026-10-22-0"), (68, "2026-10-27-0"),
                                         (72, "2026-10-25-0")])
def test_a_second_wording_that_began_while_the_problem_was_live_continues_its_incident(seed, event):
    # Held-out stream 72: an outage alerts on 'la app de Nordwave da el error E7766' at 07:48, its posts
    # pause after 08:16, and 'los datos móviles no funcionan' (from 08:05, a few an hour) has its fifth
    # voice at 09:27, 71 minutes later: past the hour a same-kind cluster has to continue a live incident,
    # so the outage alerted twice. Streams 8, 22 and 68: a complaint told in two phrasings, the same. What
    # counts is when the cluster's posts began, not when they were enough.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("heldout", seed, DetectorSettings())
    assert result.duplicates == 0 and event not in result.missed


@pytest.mark.parametrize("name, seed, event", [("demo", 35, "2026-10-13-1"), ("heldout", 37, "2026-10-27-0")])
def test_a_resolved_incident_neither_lends_its_posts_nor_reopens_beside_a_live_one(name, seed, event):
    # Demo stream 35: the 07:12 outage on error 504 resolved at 10:51 with its posts still in the 3-hour
    # horizon of the 10:44 outage on auth_68, which took 80 of them: a message in two incidents, the 504
    # outage alerting twice by majority and the auth_68 outage lost. Held-out stream 37: an outage back 4
    # minutes after the morning's incident resolved opened its own; a minute later a cluster of its words,
    # too few voices to be a topic, reopened the morning's and the two merged: the morning outvoted, the new
    # alert a duplicate. A cluster that would only reopen a resolved incident goes to a live one of its kind.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate(name, seed, DetectorSettings())
    assert result.duplicates == 0 and event not in result.missed


def test_leftover_posts_never_keep_a_live_incident_going_by_their_kind_alone():
    # Demo stream 4: three leftover posts of a campaign's cluster, read as a scam, once joined the day's
    # live scam incident for being of its kind, kept it open past the evening, and the evening's second scam
    # wave (another handle, in Russian) was carried into it: that wave lost. Only a cluster that is a topic
    # by itself (enough authors, beyond normal) continues a live incident of its kind.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("demo", 4, DetectorSettings())
    assert not {"2026-10-19-0", "2026-10-19-1"} & set(result.missed) and result.duplicates == 0


@pytest.mark.parametrize("name, seed, events", [
    ("heldout", 4, ["2026-10-28-1"]),
    ("heldout", 20, ["2026-10-25-1", "2026-10-25-2", "2026-10-25-3", "2026-10-25-4", "2026-10-25-5"])])
def test_a_burst_sharing_one_word_with_a_live_incidents_posts_is_not_part_of_it(name, seed, events):
    # Held-out stream 20: three outages of one afternoon (Slovak "mobilné dáta nefungujú", then others) went
    # into one incident of 295 posts, and two scam waves on other domains into another: each later burst's
    # cluster overlapped the live incident's posts, which carried fewer than two of its terms. Stream 4: the
    # afternoon's scam wave on nordwave-billingnow.net lost 8 posts to the morning's and was never raised.
    # An overlapping cluster continues an incident only if the incident's own posts in it carry two of its
    # terms or its evidence.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate(name, seed, DetectorSettings())
    assert not set(events) & set(result.missed) and result.duplicates == 0


def test_a_spammers_questions_from_hours_before_an_outage_stay_out_of_it():
    # Held-out stream 77: a customer's three "please check my payments / was I charged twice" posts from
    # 16:20-16:54 joined the 18:59 outage on E3372 ("app says E3372 and I can't check my balance") for the
    # word 'check', and turned it a complaint; the outage's next wording then alerted as a second outage.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("heldout", 77, DetectorSettings())
    assert result.duplicates == 0 and result.false_alarms == 0


@pytest.mark.parametrize("seed, note", [
    (11, "Portuguese 'cobrou-me duas vezes' from 10:47, four hours into a Spanish and English complaint about "
         "a EUR 5.25 charge: another problem, raised on its own"),
    (106, "Portuguese 'cobrou-me duas vezes' finding its fifth voice at 01:43, six hours into a Portuguese "
          "complaint about a EUR 93 rise: its second wording, not a second alert"),
    (63, "Portuguese 'cobrou-me duas vezes' from 22:54, an hour after the Portuguese complaint about a EUR 1 "
         "rise last grew (21:54): its second wording, not a second alert"),
])
def test_a_late_phrasing_continues_a_live_complaint_only_in_its_language(seed, note):
    # Another language's or phrasing's tellings of a problem share no words with it, so a cluster of a live
    # incident's kind continues it. In a language the incident is told in, while the incident is open; in
    # another, only if the incident was active in the hour before the cluster began and opened at most an
    # hour before it.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("heldout", seed, DetectorSettings())
    assert result.duplicates == 0 and not result.missed, note


@pytest.mark.parametrize("seed", [1, 2])
def test_problems_told_in_dutch_swedish_turkish_romanian_and_hungarian_alert_with_their_kind(seed):
    # The 'languages' stream: a brand whose customers write languages that had no cue list when the stream was
    # written. Their outages and complaints read as no kind at all (harmless trends, never alerted), and sums
    # in kronor, lira, lei and forint read as error codes: before the cue lists, seed 1 missed 4 of its 22
    # events and seed 2 8 of 18, and a third of the matched alerts had the wrong kind.
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("languages", seed, DetectorSettings())
    assert not result.missed and result.misclassified == 0
    assert result.duplicates == 0 and result.harmless_alerts == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_outages_told_in_danish_norwegian_and_finnish_as_dead_hanging_or_black_alert(seed):
    # The 'nordic' stream, written after these languages had cue lists, without reading them. Its outages
    # are told as a network that is dead or cut off and TV that hangs or goes black, words the lists lacked:
    # before they were added, seeds 1 and 2 each missed 2 outages (they read as harmless trends).
    from benchmarks.detection_eval import evaluate
    result, _, _ = evaluate("nordic", seed, DetectorSettings())
    assert not result.missed and result.misclassified == 0
    assert result.duplicates == 0 and result.harmless_alerts == 0


@pytest.mark.parametrize("name, seed", [("heldout", 3), ("nordic", 4)])
def test_a_stream_typed_with_typos_alerts_every_event_once_with_its_kind(name, seed):
    # 10% of the posts' words misspelt (benchmarks/detection/typos.py). Read as typed, heldout seed 3 missed
    # an event and read another as the wrong kind, and nordic seed 4 alerted an event twice: the misspelt
    # words were terms of their own, and a misspelt cue word told no kind. Read past its typos
    # (detectors/spelling.py), each alerts every event once, with its kind.
    # The events it finds are those it finds in the stream typed without typos (nordic seed 4 misses one
    # scam wave either way: it reuses the morning wave's fake handle).
    from benchmarks.detection_eval import evaluate
    typed, _, _ = evaluate(name, seed, DetectorSettings(), typos=0.1)
    clean, _, _ = evaluate(name, seed, DetectorSettings())
    assert typed.missed == clean.missed and len(clean.missed) <= 1
    assert typed.misclassified == 0 and typed.duplicates == 0 and typed.harmless_alerts == 0


class _CarryingRecorded(EmergenceDetector):
    """The detector, recording what _carrying returned; with `rescan`, its kept lists are dropped first, so
    every bursting term is looked for in all of the recent posts."""
    def __init__(self, rescan: bool, **kwargs):
        super().__init__(DetectorSettings(), **kwargs)
        self.rescan, self.carried = rescan, []

    def _carrying(self, bursting, recent, w):
        if self.rescan:
            self.carriers, self.carriers_burst = {}, {}
        found = super()._carrying(bursting, recent, w)
        self.carried.append((w, found))
        return found


def test_posts_carrying_a_burst_kept_between_windows_equal_a_fresh_scan():
    # A busy demo stream: bursts that last, terms flickering around the threshold, windows with none.
    from benchmarks.detection_eval import posts_of, stream
    source, records = stream("demo", 3)
    posts = posts_of(records)
    posts = [p for p in posts if p.at < posts[0].at + 6 * DAY]
    kept, rescanned = (_CarryingRecorded(rescan, brand=source.brand, ignore=brand_terms(source.brand))
                       for rescan in (False, True))
    assert replay(kept, posts).keys() == replay(rescanned, posts).keys()
    assert len(kept.carried) > 100 and sum(len(found) for _, found in kept.carried) > 300
    assert kept.carried == rescanned.carried


class _BurstingRecorded(EmergenceDetector):
    """The detector, recording what _bursting found at every window."""
    def __init__(self, **kwargs):
        super().__init__(DetectorSettings(), **kwargs)
        self.found = []

    def _bursting(self, candidates, w, words_need=0):
        found = super()._bursting(candidates, w, words_need)
        self.found.append((w, words_need, found))
        return found


def test_words_stopped_before_aging_are_those_that_would_not_burst(monkeypatch):
    # _bursting stops most terms on bounds taken before their horizon is aged; with BOUND_SLACK 0 no term
    # stops there, and every window must find the same bursting terms with the same p-values.
    from benchmarks.detection_eval import posts_of, stream
    import detectors.emergence as emergence
    source, records = stream("heldout", 4)
    posts = posts_of(records)
    bounded, unbounded = (_BurstingRecorded(brand=source.brand, ignore=brand_terms(source.brand)) for _ in "ab")
    replay(bounded, posts)
    monkeypatch.setattr(emergence, "BOUND_SLACK", 0.0)
    replay(unbounded, posts)
    assert sum(len(found) for _, _, found in bounded.found) > 300
    assert any(words_need and found for _, words_need, found in bounded.found)  # corroborated words too
    assert bounded.found == unbounded.found


def test_a_long_stream_forgets_one_off_words_and_authors_gone_quiet():
    # Every post carries an order number and a customer name never seen again: memory must not grow with them.
    # One regular customer writes every 20 minutes, throughout.
    rng = random.Random(3)
    posts = background(6)
    posts += [Post("x", f"r{i}", "regular", START + i * 1200 + 7, "still no refund", "en") for i in range(6 * 72)]
    posts = [p._replace(text=f"{p.text} order {rng.randint(10**6, 10**7)} zq{rng.randint(10**6, 10**7)}")
             for p in sorted(posts, key=lambda p: p.at)]
    detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=IGNORE)
    sweep, window_s = detector.settings.sweep_every_s, detector.settings.window_s
    cut = (posts[-1].at // sweep) * sweep
    replay(detector, [p for p in posts if p.at <= cut])
    if detector.window * window_s < cut:
        detector.process_window(cut, [])  # the stream's last minute may be empty
    assert detector.window % detector.sweep_every == 0  # the last window swept
    horizon = detector.window - detector.long
    one_offs = [t for t in detector.terms if t.startswith("zq")]
    in_horizon = [p for p in posts if horizon < math.ceil(p.at / window_s) <= detector.window]  # w ends at w*window_s
    assert 0 < len(one_offs) <= len(in_horizon)   # they are terms; only the last three hours' are kept
    assert len(posts) > 5_000
    # Only authors who posted within the horizon are kept, a big map holds only the horizon's terms, and
    # every term's count of authors in the horizon is what the authors' maps say.
    assert detector.seen.keys() == detector.last_post.keys()
    assert min(detector.last_post.values()) > horizon
    assert {p.author for p in in_horizon} <= detector.seen.keys()
    assert len(detector.seen["regular"]) > STALE_TERMS / 2   # their map was pruned, not dropped
    assert all(len(seen) <= STALE_TERMS or min(seen.values()) > horizon for seen in detector.seen.values())
    counted = Counter(t for seen in detector.seen.values() for t, lw in seen.items() if lw > horizon)
    assert counted == {term: stats.in_horizon for term, stats in detector.terms.items() if stats.in_horizon}
