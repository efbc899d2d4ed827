"""Held-out wording in languages the detector had no cue list for: an energy and broadband brand whose
customers write Dutch, Swedish, Turkish, Romanian and Hungarian, and no English.

Written for evaluation only (2026-11-24), and measured before the detector learnt these languages' cues
(docs/detection-history.md, "languages with no cue list"). Nothing here was copied into detectors/cues.py;
the cue lists for these languages were written afterwards from general knowledge of how customers complain.
Sums are written in each country's currency ('149 kr', '250 TL', '45 lei', '3500 Ft'), as customers do.
"""
from __future__ import annotations

from connectors.demo.wording import Wording

ROUTINE = {
    "nl": [
        "hoe kan ik mijn meterstand doorgeven?", "wanneer wordt mijn jaarafrekening verstuurd?",
        "kan ik mijn maandbedrag verlagen?", "ik ga verhuizen, hoe zet ik mijn contract over?",
        "hoe snel is jullie glasvezel in Utrecht?", "waar vind ik mijn klantnummer?",
        "kan ik het modem zelf installeren?", "hebben jullie ook groene stroom?",
        "hoe wijzig ik mijn rekeningnummer?",
    ],
    "sv": [
        "hur rapporterar jag min mätarställning?", "när kommer årsfakturan?", "kan jag sänka mitt månadsbelopp?",
        "jag ska flytta, hur flyttar jag mitt avtal?", "hur snabbt är ert fiber i Uppsala?",
        "var hittar jag mitt kundnummer?", "kan jag installera routern själv?", "har ni grön el?",
    ],
    "tr": [
        "sayaç değerimi nasıl bildirebilirim?", "yıllık faturam ne zaman gelir?", "aylık ödememi düşürebilir miyim?",
        "taşınıyorum, aboneliğimi nasıl nakil ederim?", "fiber internet hızınız İzmir'de ne kadar?",
        "müşteri numaramı nerede bulurum?", "modemi kendim kurabilir miyim?", "yeşil enerji tarifeniz var mı?",
    ],
    "ro": [
        "cum transmit indexul contorului?", "când primesc factura anuală?", "pot să reduc plata lunară?",
        "mă mut, cum transfer contractul?", "ce viteză are fibra voastră în Cluj?", "unde găsesc codul de client?",
        "pot instala routerul singur?", "aveți și energie verde?",
    ],
    "hu": [
        "hogyan diktálhatom be a mérőóra állását?", "mikor jön az éves elszámolás?",
        "csökkenthetem a havi részletet?", "költözöm, hogyan vihetem át a szerződést?",
        "milyen gyors az optikai internet Debrecenben?", "hol találom az ügyfélszámomat?",
        "be tudom állítani a routert egyedül?", "van zöld áram csomagotok?",
    ],
}

OUTAGE = {
    "nl": ["geen internet sinds vanochtend, ligt {brand} eruit?", "storing bij {brand}? hele straat zit zonder stroom",
           "de app van {brand} geeft foutcode {code}, ik kan niet inloggen", "internet van {brand} werkt al uren niet"],
    "sv": ["inget internet sedan i morse, ligger {brand} nere?", "strömavbrott hos {brand}? hela kvarteret är mörkt",
           "{brand}-appen visar felkod {code} och jag kan inte logga in", "bredbandet från {brand} fungerar inte alls idag"],
    "tr": ["sabahtan beri internet yok, {brand} çöktü mü?", "{brand} arıza mı var? bütün mahallede elektrik kesik",
           "{brand} uygulaması {code} hatası veriyor, giriş yapamıyorum", "{brand} interneti saatlerdir çalışmıyor"],
    "ro": ["nu am internet de azi dimineață, a căzut {brand}?", "pană la {brand}? tot cartierul e fără curent",
           "aplicația {brand} dă eroarea {code} și nu mă pot conecta", "internetul de la {brand} nu merge de ore întregi"],
    "hu": ["reggel óta nincs internet, leállt a {brand}?", "{brand} áramszünet? az egész utca sötét",
           "a {brand} alkalmazás {code} hibát ír, nem tudok belépni", "a {brand} internet órák óta nem működik"],
}

SCAM = {
    "nl": ["@{handle} zegt dat ik geld terugkrijg van {brand} als ik mijn pincode stuur, is dat echt?",
           "sms van {brand}: openstaande rekening, betaal via {domain}. oplichting?",
           "pas op, {domain} is niet van {brand}, ze vragen je bankgegevens"],
    "sv": ["@{handle} säger att jag får pengar tillbaka från {brand} om jag skickar min pinkod, stämmer det?",
           "sms från {brand}: obetald faktura, betala på {domain}. bedrägeri?",
           "varning, {domain} är inte {brand}, de vill ha dina kortuppgifter"],
    "tr": ["@{handle} {brand} adına iade alacağımı, şifremi göndermemi söylüyor, gerçek mi?",
           "{brand} adına sms: ödenmemiş fatura, {domain} üzerinden öde. dolandırıcılık mı?",
           "dikkat, {domain} {brand} değil, kart bilgilerinizi çalıyorlar"],
    "ro": ["@{handle} zice că primesc bani înapoi de la {brand} dacă trimit codul PIN, e adevărat?",
           "sms de la {brand}: factură neplătită, plătiți pe {domain}. țeapă?",
           "atenție, {domain} nu e {brand}, vă fură datele cardului"],
    "hu": ["@{handle} a {brand} nevében azt írja, hogy visszatérítést kapok, ha elküldöm a PIN kódomat, igaz ez?",
           "sms a {brand} nevében: kifizetetlen számla, fizessen itt: {domain}. csalás?",
           "vigyázat, a {domain} nem a {brand}, ellopják a kártyaadatokat"],
}

COMPLAINT = {
    "nl": ["mijn voorschot bij {brand} is zomaar met {amount} verhoogd", "{brand} heeft {amount} twee keer afgeschreven",
           "waarom rekent {brand} ineens {amount} extra kosten??"],
    "sv": ["{brand} höjde min månadsavgift med {amount} utan förvarning", "{brand} har dragit {amount} två gånger",
           "varför tar {brand} plötsligt {amount} i extra avgift??"],
    "tr": ["{brand} faturama habersiz {amount} zam yaptı", "{brand} hesabımdan {amount} iki kez çekti",
           "{brand} neden birden {amount} ek ücret alıyor??"],
    "ro": ["{brand} mi-a mărit abonamentul cu {amount} fără să anunțe", "{brand} mi-a luat {amount} de două ori",
           "de ce îmi taxează {brand} deodată {amount} în plus??"],
    "hu": ["a {brand} szó nélkül {amount} összeggel emelte a havidíjat", "a {brand} kétszer vonta le a {amount} összeget",
           "miért számol fel a {brand} hirtelen {amount} extra díjat??"],
}

PRAISE = {
    "nl": ["eindelijk glasvezel in mijn dorp, bedankt {brand} {tag}", "ik doe mee aan de winactie van {brand} {tag}"],
    "sv": ["äntligen fiber i min by, tack {brand} {tag}", "jag är med i tävlingen från {brand} {tag}"],
    "tr": ["sonunda köyümüze fiber geldi, teşekkürler {brand} {tag}", "{brand} çekilişine katıldım {tag}"],
    "ro": ["în sfârșit fibră în satul meu, mulțumesc {brand} {tag}", "particip la concursul {brand} {tag}"],
    "hu": ["végre van optikai net a falunkban, köszi {brand} {tag}", "részt veszek a {brand} nyereményjátékában {tag}"],
}

FOLLOW_UP = {"nl": ["hallo??", "nog steeds geen antwoord"], "sv": ["hallå?", "väntar fortfarande"],
             "tr": ["merhaba??", "hâlâ bekliyorum"], "ro": ["alo?", "încă aștept"], "hu": ["halló?", "még mindig várok"]}
REPLY = {"nl": ["Hoi, sorry voor het ongemak. Stuur ons een DM met je klantnummer."],
         "sv": ["Hej, förlåt för besväret. Skicka ett DM med ditt kundnummer."],
         "tr": ["Merhaba, yaşadığınız sorun için üzgünüz. Lütfen DM ile müşteri numaranızı iletin."],
         "ro": ["Bună, ne pare rău. Trimite-ne un mesaj privat cu codul de client."],
         "hu": ["Szia, elnézést a kellemetlenségért. Írj nekünk privát üzenetet az ügyfélszámoddal."]}


def languages_wording() -> Wording:
    return Wording(
        langs={"nl": 0.3, "sv": 0.2, "tr": 0.2, "ro": 0.15, "hu": 0.15},
        routine=ROUTINE, outage=OUTAGE, scam=SCAM, complaint=COMPLAINT, praise=PRAISE, follow_up=FOLLOW_UP,
        reply=REPLY,
        brand_posts=["{brand}: green power and fibre in five countries {tag}", "Planned maintenance tonight 02:00-04:00"],
        features=["internet", "power", "the app"], error_codes=["ERR-217", "X409", "711", "GW-55"],
        scam_handles=["{slug}_refunds", "{slug}.klantenservice", "{slug}_destek", "help_{slug}"],
        scam_domains=["{slug}-refund.eu", "mijn-{slug}.com", "{slug}-odeme.net"],
        amounts=["€14.50", "149 kr", "250 TL", "45 lei", "3500 Ft"], tags=["#{Brand}Fiber", "#{Brand}Groen"],
    )
