"""Held-out wording in Danish, Norwegian (Bokmål) and Finnish: a mobile operator and TV-streaming brand,
the third sector and the fourth brand the detector is measured on, and no English.

The detector has had cue lists for these three languages since 2026-11-24, but no stream measured them.
This wording was written on 2026-11-25 from general knowledge of how customers of a mobile operator write,
without reading those cue lists, and nothing here was copied into detectors/cues.py. It is held out in that
sense only: the same team wrote both. It was measured before the detector changed for it; the outage words
it showed missing were then added to the cue lists (README, "Detection quality"). Sums are in each country's currency ('79 kr', '9,90 €'), and Finnish
inflects the brand's name as Finns write a foreign name ('{brand}:n', '{brand}:lta').
"""
from __future__ import annotations

from connectors.demo.wording import Wording

ROUTINE = {
    "da": [
        "hvordan skifter jeg til et billigere abonnement?", "hvornår kommer mit nye simkort?",
        "kan jeg tage mit nummer med fra et andet selskab?", "hvad koster det at ringe til Sverige?",
        "hvordan aktiverer jeg eSIM på min telefon?", "hvor kan jeg se mit dataforbrug?",
        "kan jeg få et ekstra simkort til min tablet?", "hvornår bliver regningen trukket?",
    ],
    "nb": [
        "hvordan bytter jeg til et billigere abonnement?", "når kommer det nye SIM-kortet mitt?",
        "kan jeg ta med nummeret mitt fra et annet selskap?", "hva koster det å ringe til Sverige?",
        "hvordan aktiverer jeg eSIM på mobilen?", "hvor ser jeg hvor mye data jeg har brukt?",
        "kan jeg få et ekstra SIM-kort til nettbrettet?", "når blir fakturaen trukket?",
    ],
    "fi": [
        "miten vaihdan halvempaan liittymään?", "milloin uusi SIM-korttini tulee?",
        "voinko siirtää numeroni toiselta operaattorilta?", "paljonko maksaa soittaa Ruotsiin?",
        "miten otan eSIMin käyttöön puhelimessa?", "mistä näen paljonko dataa olen käyttänyt?",
        "saanko lisä-SIM-kortin tablettiin?", "milloin lasku veloitetaan?",
    ],
}

OUTAGE = {
    "da": ["intet signal siden i morges, er {brand} nede?", "{brand} virker ikke, kan hverken ringe eller sende sms",
           "{brand}-appen giver fejlkode {code} når jeg prøver at logge ind",
           "mobildata fra {brand} er helt død i hele Aarhus", "tv hos {brand} hakker og går i sort hele tiden"],
    "nb": ["ingen dekning siden i morges, er {brand} nede?", "{brand} funker ikke, får verken ringt eller sendt sms",
           "{brand}-appen gir feilkode {code} når jeg prøver å logge inn",
           "mobilnettet til {brand} er helt dødt i hele Bergen", "tv hos {brand} henger og blir svart hele tiden"],
    "fi": ["ei kenttää aamusta asti, onko {brand}:n verkko nurin?",
           "{brand} ei toimi, en pysty soittamaan enkä lähettämään tekstiviestejä",
           "{brand}-sovellus antaa virhekoodin {code} kun yritän kirjautua",
           "{brand}:n mobiilidata on ollut täysin poikki koko Tampereella",
           "{brand}:n tv-palvelu pätkii ja ruutu pimenee koko ajan"],
}

SCAM = {
    "da": ["@{handle} skriver at jeg har vundet en telefon fra {brand}, jeg skal bare sende mit kortnummer. ægte?",
           "fik sms fra {brand} om en ubetalt regning med link til {domain}, er det svindel?",
           "pas på, {domain} er ikke {brand}, de beder om MitID og kortoplysninger",
           "nogen ringer og udgiver sig for at være {brand} kundeservice og vil have min kode"],
    "nb": ["@{handle} skriver at jeg har vunnet en mobil fra {brand}, må bare sende kortnummeret. ekte?",
           "fikk sms fra {brand} om ubetalt faktura med lenke til {domain}, er det svindel?",
           "pass på, {domain} er ikke {brand}, de ber om BankID og kortopplysninger",
           "noen ringer og later som de er {brand} kundeservice og vil ha koden min"],
    "fi": ["@{handle} väittää että olen voittanut puhelimen {brand}:lta, pitää vain lähettää korttinumero. onko aito?",
           "sain tekstiviestin {brand}:lta maksamattomasta laskusta ja linkin {domain}, onko huijaus?",
           "varokaa, {domain} ei ole {brand}, ne kysyvät pankkitunnuksia ja korttitietoja",
           "joku soittaa {brand}:n asiakaspalvelun nimissä ja kysyy vahvistuskoodia"],
}

COMPLAINT = {
    "da": ["{brand} har lagt {amount} ekstra på min regning uden varsel", "{brand} trak {amount} to gange denne måned",
           "hvorfor har {brand} pludselig sat prisen op med {amount}??"],
    "nb": ["{brand} har lagt {amount} ekstra på regningen uten varsel", "{brand} trakk {amount} to ganger denne måneden",
           "hvorfor har {brand} plutselig økt prisen med {amount}??"],
    "fi": ["{brand} lisäsi laskuuni {amount} ilman ilmoitusta", "{brand} veloitti {amount} kahdesti tässä kuussa",
           "miksi {brand} yhtäkkiä nosti hintaa {amount}??"],
}

PRAISE = {
    "da": ["endelig 5G i mit sommerhus, tak {brand} {tag}", "jeg deltager i {brand}s konkurrence {tag}"],
    "nb": ["endelig 5G på hytta, takk {brand} {tag}", "jeg er med i konkurransen til {brand} {tag}"],
    "fi": ["vihdoin 5G mökillä, kiitos {brand} {tag}", "osallistun {brand}:n arvontaan {tag}"],
}

FOLLOW_UP = {"da": ["hallo??", "venter stadig på svar"], "nb": ["hallo??", "venter fortsatt på svar"],
             "fi": ["haloo??", "odotan yhä vastausta"]}
REPLY = {"da": ["Hej, beklager ulejligheden. Send os en DM med dit kundenummer."],
         "nb": ["Hei, beklager bryderiet. Send oss en DM med kundenummeret ditt."],
         "fi": ["Hei, pahoittelemme haittaa. Lähetä meille yksityisviesti ja asiakasnumerosi."]}


def nordic_wording() -> Wording:
    return Wording(
        langs={"da": 0.35, "nb": 0.35, "fi": 0.3},
        routine=ROUTINE, outage=OUTAGE, scam=SCAM, complaint=COMPLAINT, praise=PRAISE, follow_up=FOLLOW_UP,
        reply=REPLY,
        brand_posts=["{brand}: 5G in three Nordic countries {tag}", "Planned network maintenance tonight 01:00-03:00"],
        features=["mobile data", "TV", "the app"], error_codes=["NX-40", "E7731", "503", "SIM-12"],
        scam_handles=["{slug}_kundeservice", "{slug}.asiakaspalvelu", "{slug}_support_dk"],
        scam_domains=["{slug}-faktura.com", "min-{slug}.net", "{slug}-palkinto.fi"],
        amounts=["49 kr", "79 kr", "9,90 €"], tags=["#{Brand}5G", "#{Brand}TV"],
    )
