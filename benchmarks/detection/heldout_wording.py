"""Held-out wording for detector evaluation: a telecom brand, other words, other languages.

Written for evaluation only. The detector was developed on the demo stream (a bank, phrases.py); nothing
here was used to write the detector's cue lists, and the figures in the README for these streams were
measured without changing the detector for them.
"""
from __future__ import annotations

import csv
from pathlib import Path

from connectors.demo.wording import Wording

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "banking77" / "test.csv"

ROUTINE = {
    "en": [
        "how do I top up my prepaid sim from abroad", "what's the cheapest plan with unlimited calls",
        "can I keep my number if I switch to you", "when does my contract end", "how do I activate esim on my phone",
        "is there a family discount", "where can I see my data usage", "my new sim hasn't arrived yet",
        "can I pause my plan while travelling", "how much is roaming in turkey", "do you have fibre in my street",
        "can I change my billing date", "how do I unlock my phone for other networks", "is 5g included in my plan",
    ],
    "es": [
        "cómo recargo mi tarjeta prepago desde el extranjero", "cuál es la tarifa más barata con llamadas ilimitadas",
        "puedo mantener mi número si me cambio", "cuándo termina mi permanencia", "cómo activo la esim",
        "dónde veo el consumo de datos", "mi nueva sim todavía no ha llegado", "cuánto cuesta el roaming en marruecos",
    ],
    "fr": [
        "comment recharger ma carte prépayée depuis l'étranger", "quel est le forfait le moins cher avec appels illimités",
        "puis-je garder mon numéro si je change d'opérateur", "quand se termine mon engagement",
        "comment activer l'esim", "où voir ma consommation de données", "ma nouvelle carte sim n'est pas encore arrivée",
        "combien coûte le roaming au maroc",
    ],
    "sk": [
        "ako si dobijem predplatenú kartu zo zahraničia", "aký je najlacnejší paušál s neobmedzenými hovormi",
        "môžem si ponechať číslo pri prechode k vám", "kedy mi končí viazanosť", "ako aktivujem esim",
        "kde vidím spotrebu dát", "nová sim karta mi ešte neprišla", "koľko stojí roaming v srbsku",
    ],
    "it": [
        "come ricarico la sim prepagata dall'estero", "qual è l'offerta più economica con chiamate illimitate",
        "posso tenere il mio numero se passo a voi", "quando scade il mio vincolo", "come attivo la esim",
        "dove vedo il consumo dei dati", "la nuova sim non è ancora arrivata", "quanto costa il roaming in albania",
    ],
    "pt": [
        "como carrego o cartão pré-pago no estrangeiro", "qual é o tarifário mais barato com chamadas ilimitadas",
        "posso manter o meu número se mudar para vocês", "quando acaba a minha fidelização", "como ativo o esim",
        "onde vejo o consumo de dados", "o meu novo cartão sim ainda não chegou",
    ],
}

OUTAGE = {
    "en": ["no signal at all since this morning, is {brand} down?", "mobile data stopped working, {brand} network dead?",
           "calls keep dropping on {brand} today", "{brand} app says {code} and I can't check my balance",
           "whole neighbourhood has no {brand} service right now", "can't make any calls, {brand} shows no service"],
    "es": ["no tengo cobertura desde esta mañana, ¿está caído {brand}?", "los datos móviles no funcionan con {brand}",
           "la app de {brand} da el error {code}", "sin servicio de {brand} en todo el barrio"],
    "fr": ["plus de réseau depuis ce matin, {brand} en panne ?", "les données mobiles ne marchent plus chez {brand}",
           "l'appli {brand} affiche l'erreur {code}", "aucun service {brand} dans tout le quartier"],
    "sk": ["od rána nemám signál, nejde {brand}?", "mobilné dáta u {brand} nefungujú",
           "aplikácia {brand} hlási chybu {code}"],
    "it": ["niente segnale da stamattina, {brand} è down?", "i dati mobili non funzionano con {brand}",
           "l'app di {brand} dà errore {code}"],
    "pt": ["sem rede desde manhã, a {brand} caiu?", "os dados móveis não funcionam na {brand}",
           "a app da {brand} dá erro {code}"],
}

SCAM = {
    "en": ["@{handle} says I won free data from {brand} if I send my SIM PIN, legit?",
           "got a text from {brand}: bill unpaid, pay at {domain}. looks fake", "someone called as {brand} asking for the code they texted me",
           "watch out, {domain} is not {brand}, they steal card details", "@{handle} DMs people pretending to be {brand} support"],
    "es": ["@{handle} dice que he ganado datos gratis de {brand} si envío el PIN de la SIM, ¿es real?",
           "SMS de {brand}: factura impagada, pagar en {domain}. ¿estafa?", "cuidado, {domain} no es {brand}, roban datos de la tarjeta"],
    "fr": ["@{handle} dit que j'ai gagné des données gratuites chez {brand} si j'envoie mon code PIN, c'est vrai ?",
           "SMS de {brand} : facture impayée, payer sur {domain}. arnaque ?", "attention, {domain} ce n'est pas {brand}"],
    "sk": ["@{handle} píše, že som vyhral dáta zadarmo od {brand}, ak pošlem PIN, je to pravda?",
           "SMS od {brand}: nezaplatená faktúra, zaplaťte na {domain}. podvod?"],
    "it": ["@{handle} dice che ho vinto dati gratis da {brand} se mando il PIN della SIM, è vero?",
           "SMS di {brand}: bolletta non pagata, paga su {domain}. truffa?"],
    "pt": ["@{handle} diz que ganhei dados grátis da {brand} se enviar o PIN do cartão, é verdade?",
           "SMS da {brand}: fatura em atraso, pagar em {domain}. golpe?"],
}

COMPLAINT = {
    "en": ["my {brand} bill went up by {amount} without any notice", "charged {amount} roaming by {brand} but I never left home",
           "{brand} billed me twice this month, {amount} extra", "why is there a new {amount} service fee on my {brand} bill??"],
    "es": ["mi factura de {brand} ha subido {amount} sin avisar", "{brand} me ha cobrado {amount} de roaming sin salir de casa",
           "{brand} me cobró dos veces este mes"],
    "fr": ["ma facture {brand} a augmenté de {amount} sans prévenir", "{brand} m'a facturé {amount} de roaming sans quitter la maison",
           "{brand} m'a prélevé deux fois ce mois-ci"],
    "sk": ["faktúra od {brand} stúpla o {amount} bez upozornenia", "{brand} mi strhol {amount} za roaming, hoci som bol doma"],
    "it": ["la bolletta di {brand} è aumentata di {amount} senza avviso", "{brand} mi ha addebitato due volte questo mese"],
    "pt": ["a fatura da {brand} aumentou {amount} sem aviso", "a {brand} cobrou-me duas vezes este mês"],
}

PRAISE = {
    "en": ["5G finally works in my town, thanks {brand} {tag}", "entered the {brand} phone giveaway {tag}",
           "{brand} switched my number in 10 minutes, impressed", "new {brand} unlimited plan is a steal {tag}"],
    "es": ["por fin 5G en mi pueblo, gracias {brand} {tag}", "participando en el sorteo de {brand} {tag}"],
    "fr": ["enfin la 5G dans ma ville, merci {brand} {tag}", "je participe au concours {brand} {tag}"],
    "sk": ["konečne 5G aj u nás, vďaka {brand} {tag}"],
    "it": ["finalmente il 5G nel mio paese, grazie {brand} {tag}"],
    "pt": ["finalmente 5G na minha terra, obrigado {brand} {tag}"],
}

FOLLOW_UP = {"en": ["hello??", "anyone there?"], "es": ["¿hola?", "sigo esperando"], "fr": ["allô ?", "toujours rien"],
             "sk": ["haló?", "stále čakám"], "it": ["c'è qualcuno?", "aspetto ancora"], "pt": ["olá?", "continuo à espera"]}
REPLY = {"en": ["Hi, sorry for the trouble. Please DM us your number."], "es": ["Hola, lo sentimos. Escríbenos por privado."],
         "fr": ["Bonjour, désolés. Écrivez-nous en privé."], "sk": ["Dobrý deň, prepáčte. Napíšte nám súkromne."],
         "it": ["Ciao, ci dispiace. Scrivici in privato."], "pt": ["Olá, lamentamos. Envie-nos mensagem privada."]}


def _banking77_test() -> tuple[str, ...]:
    """Real complaints from BANKING77's *test* split (the demo uses only the training split). Without them the
    stream would silently be another stream, with other figures: their absence stops the run."""
    if not SHARED_DATA.exists():
        raise SystemExit(f"{SHARED_DATA}: not found; the heldout stream's real complaints come from "
                         "../shared/data beside the checkout")
    with SHARED_DATA.open(encoding="utf-8") as f:
        return tuple(r["text"] for r in csv.DictReader(f)
                     if r["category"] in ("transaction_charged_twice", "extra_charge_on_statement")
                     and not any(ch.isdigit() for ch in r["text"]))  # a quoted sum would not be the event's


def heldout_wording() -> Wording:
    return Wording(
        langs={"en": 0.4, "es": 0.2, "fr": 0.15, "it": 0.1, "sk": 0.08, "pt": 0.07},
        routine=ROUTINE, outage=OUTAGE, scam=SCAM, complaint=COMPLAINT, praise=PRAISE, follow_up=FOLLOW_UP,
        reply=REPLY,
        brand_posts=["Roaming in the EU is included in every {brand} plan.", "Our 5G now covers 300 towns {tag}"],
        features=["data", "calls", "the app"], error_codes=["NET-404", "E1203", "599", "SIM-07"],
        scam_handles=["{slug}_rewards", "{slug}.bonus", "free_{slug}_data", "{slug}customer_care"],
        scam_domains=["{slug}-billing.net", "pay-{slug}.info", "{slug}-refund.org"],
        amounts=["€5", "€7.90", "€12", "$9"], tags=["#{Brand}5G", "#{Brand}Giveaway"],
        complaint_texts_en=_banking77_test(),
    )
