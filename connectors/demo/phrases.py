"""Wording of the demo stream, per language and topic.

Placeholders: {brand}, {code} (an error code), {feature} (a product area), {handle} (a look-alike support
account), {domain} (a phishing domain), {tag} (a campaign hashtag), {amount}. English routine questions
come from BANKING77 (data/banking77_sample.tsv) and scam texts partly from the SMS Spam Collection; the
rest was written for Earshot.
"""
from __future__ import annotations

ROUTINE: dict[str, list[str]] = {
    "cs": [
        "Kdy mi přijde nová karta? Čekám už druhý týden.",
        "Jak si můžu změnit PIN ke kartě?",
        "Dobrý den, jde v aplikaci nastavit limit plateb?",
        "Proč mi ještě nedorazily peníze z převodu?",
        "Můžu si u vás otevřít účet v eurech?",
        "Jaký je kurz při platbě kartou v zahraničí?",
        "Jak zruším trvalý příkaz v aplikaci?",
        "Ztratil jsem kartu, co mám dělat?",
        "Funguje Apple Pay i s vaší kartou?",
        "Kde najdu výpis z účtu za minulý měsíc?",
    ],
    "ru": [
        "Когда придёт новая карта? Жду уже две недели.",
        "Как поменять ПИН-код карты?",
        "Можно ли в приложении установить лимит на покупки?",
        "Почему перевод до сих пор не дошёл?",
        "Можно открыть счёт в евро?",
        "Какой курс при оплате картой за границей?",
        "Как отменить автоплатёж в приложении?",
        "Я потерял карту, что делать?",
        "Работает ли Apple Pay с вашей картой?",
        "Где посмотреть выписку за прошлый месяц?",
    ],
    "uk": [
        "Коли прийде нова картка? Чекаю вже два тижні.",
        "Як змінити ПІН-код картки?",
        "Чи можна в застосунку встановити ліміт на покупки?",
        "Чому переказ досі не надійшов?",
        "Чи можна відкрити рахунок у євро?",
        "Який курс під час оплати карткою за кордоном?",
        "Я загубила картку, що робити?",
        "Де знайти виписку за минулий місяць?",
    ],
    "de": [
        "Wann kommt meine neue Karte? Ich warte schon zwei Wochen.",
        "Wie kann ich meine PIN ändern?",
        "Kann ich in der App ein Limit für Zahlungen setzen?",
        "Warum ist meine Überweisung noch nicht angekommen?",
        "Kann ich bei euch ein Konto in Dollar eröffnen?",
        "Welcher Wechselkurs gilt bei Kartenzahlung im Ausland?",
        "Ich habe meine Karte verloren, was nun?",
        "Wo finde ich den Kontoauszug vom letzten Monat?",
    ],
    "pl": [
        "Kiedy przyjdzie moja nowa karta? Czekam już dwa tygodnie.",
        "Jak mogę zmienić PIN do karty?",
        "Czy w aplikacji da się ustawić limit płatności?",
        "Dlaczego mój przelew jeszcze nie dotarł?",
        "Czy mogę otworzyć konto w euro?",
        "Zgubiłem kartę, co mam zrobić?",
        "Gdzie znajdę wyciąg za zeszły miesiąc?",
    ],
}

OUTAGE: dict[str, list[str]] = {
    "en": [
        "{brand} app keeps showing error {code} when I try to log in",
        "is {brand} down?? can't log in, just error {code}",
        "can't log into {brand} at all. error {code} every time",
        "{brand} {feature} not working for me, error {code}",
        "anyone else getting error {code} on {brand}? app is completely down",
        "card payments failing with {brand} right now, and the app says error {code}",
        "@{brand_handle} your app is down, login fails with {code}",
        "tried 5 times, {brand} login still broken (error {code})",
    ],
    "cs": [
        "Aplikace {brand} mi při přihlášení hází chybu {code}",
        "Nejde se přihlásit do {brand}, pořád chyba {code}",
        "Nefunguje vám taky {brand}? Chyba {code} při přihlášení",
        "{brand} nejde, platby kartou neprocházejí, chyba {code}",
    ],
    "ru": [
        "Не могу войти в приложение {brand}, ошибка {code}",
        "{brand} не работает? При входе ошибка {code}",
        "У кого ещё {brand} выдаёт ошибку {code}? Приложение лежит",
        "Оплата картой {brand} не проходит, в приложении ошибка {code}",
    ],
    "uk": [
        "Не можу увійти в застосунок {brand}, помилка {code}",
        "{brand} не працює? Під час входу помилка {code}",
    ],
    "de": [
        "{brand} App zeigt beim Login immer Fehler {code}",
        "Ist {brand} down? Anmeldung geht nicht, Fehler {code}",
        "Kartenzahlung mit {brand} klappt gerade nicht, Fehler {code} in der App",
    ],
    "pl": [
        "Aplikacja {brand} przy logowaniu pokazuje błąd {code}",
        "Czy {brand} nie działa? Nie mogę się zalogować, błąd {code}",
    ],
}

SCAM: dict[str, list[str]] = {
    "en": [
        "got a DM from @{handle} saying they're {brand} support and asking for my card number. is this you?",
        "@{handle} is pretending to be {brand} and asked me for my PIN, please warn people",
        "is @{handle} really {brand} support? they want the one-time code from my SMS",
        "fake {brand} support account @{handle} sent me a link to {domain} to 'verify' my card",
        "beware: {domain} looks exactly like {brand} login page, it's phishing",
        "someone from @{handle} called me asking to confirm my card details for {brand}",
    ],
    "cs": [
        "Píše mi @{handle}, že je podpora {brand}, a chce číslo karty. Jste to vy?",
        "Pozor, účet @{handle} se vydává za {brand} a chce PIN",
        "Dostal jsem odkaz na {domain} prý od {brand}, je to podvod?",
    ],
    "ru": [
        "Мне написал @{handle}, представился поддержкой {brand} и просит номер карты. Это вы?",
        "Осторожно, @{handle} притворяется {brand} и просит код из СМС",
        "Прислали ссылку на {domain} якобы от {brand}, это мошенники?",
    ],
    "uk": [
        "Мені написав @{handle}, каже що підтримка {brand}, і просить номер картки. Це ви?",
        "Обережно, @{handle} видає себе за {brand} і просить код з СМС",
    ],
    "de": [
        "@{handle} gibt sich als {brand} Support aus und will meine Kartennummer. Seid ihr das?",
        "Vorsicht: Link auf {domain} angeblich von {brand}, das ist Phishing",
    ],
    "pl": [
        "Pisze do mnie @{handle}, że to wsparcie {brand}, i prosi o numer karty. To wy?",
    ],
}

COMPLAINT: dict[str, list[str]] = {
    "en": [
        "why did {brand} charge me a {amount} fee on a simple transfer??",
        "new {amount} fee on every card top-up, seriously {brand}?",
        "I was charged twice for the same payment by {brand}, {amount} gone",
        "{brand} took a {amount} fee without telling anyone. not ok",
        "the {amount} transfer fee is new, when did {brand} start charging this?",
    ],
    "cs": [
        "Proč mi {brand} strhl poplatek {amount} za obyčejný převod?",
        "Nový poplatek {amount} za dobití karty? Fakt, {brand}?",
        "{brand} mi stáhl stejnou platbu dvakrát, {amount} pryč",
    ],
    "ru": [
        "Почему {brand} списал комиссию {amount} за обычный перевод?",
        "{brand} списал один платёж дважды, {amount} пропали",
    ],
    "de": [
        "Warum hat {brand} mir {amount} Gebühr für eine normale Überweisung berechnet?",
        "{brand} hat dieselbe Zahlung zweimal abgebucht, {amount} weg",
    ],
    "pl": ["Dlaczego {brand} pobrał opłatę {amount} za zwykły przelew?"],
    "uk": ["Чому {brand} зняв комісію {amount} за звичайний переказ?"],
}

PRAISE: dict[str, list[str]] = {
    "en": [
        "just got the new {brand} metal card, it looks amazing {tag}",
        "love the new {brand} savings feature {tag}",
        "{brand} support sorted my issue in 5 minutes, great job",
        "entered the {brand} giveaway, fingers crossed {tag}",
        "{tag} the new card design from {brand} is 🔥",
    ],
    "cs": ["Nová karta od {brand} je krásná {tag}", "Díky {brand}, rychlá pomoc {tag}"],
    "ru": ["Новая карта {brand} просто супер {tag}", "Спасибо {brand} за быструю помощь {tag}"],
    "de": ["Die neue {brand} Karte sieht super aus {tag}"],
    "pl": ["Nowa karta {brand} wygląda świetnie {tag}"],
    "uk": ["Нова картка {brand} просто клас {tag}"],
}

FOLLOW_UP: dict[str, list[str]] = {
    "en": ["any update on this?", "hello? still waiting", "still not fixed"],
    "cs": ["Nějaká novinka?", "Pořád čekám."],
    "ru": ["Есть новости?", "Всё ещё жду ответа."],
    "uk": ["Є новини?", "Досі чекаю."],
    "de": ["Gibt es schon etwas Neues?", "Ich warte immer noch."],
    "pl": ["Jakieś wieści?", "Nadal czekam."],
}

REPLY: dict[str, list[str]] = {
    "en": ["Hi! Sorry about that, we're looking into it. Could you DM us the details?",
           "Thanks for reaching out. We've sent you a DM.",
           "Hi there, this should be sorted now. Let us know if not!",
           "Sorry for the trouble. Our team is on it and we'll update you shortly."],
    "cs": ["Dobrý den, omlouváme se, prověřujeme to. Napíšete nám detaily do zpráv?",
           "Díky za zprávu, poslali jsme vám DM."],
    "ru": ["Здравствуйте! Извините, мы уже разбираемся. Напишите нам подробности в личные сообщения.",
           "Спасибо, что написали. Мы ответили вам в личных сообщениях."],
    "uk": ["Вітаємо! Вибачте, ми вже розбираємося. Напишіть нам деталі в особисті повідомлення."],
    "de": ["Hallo! Tut uns leid, wir schauen uns das an. Schick uns bitte die Details per DM.",
           "Danke für deine Nachricht, wir haben dir eine DM geschickt."],
    "pl": ["Dzień dobry! Przepraszamy, sprawdzamy to. Prosimy o szczegóły w wiadomości prywatnej."],
}

BRAND_POSTS: list[str] = [
    "New in the {brand} app: instant card freeze from the home screen.",
    "Travelling this weekend? {brand} cards work in 150+ countries with no extra fees.",
    "Reminder: {brand} will never ask for your PIN or one-time codes.",
    "Our metal card is back in stock. Order it in the app {tag}",
]

FEATURES = ["login", "card payments", "transfers", "top-ups", "the app"]
ERROR_CODES = ["503", "500", "502", "E-1042", "401", "AUTH_09"]
SCAM_HANDLES = ["{slug}_support_help", "{slug}helpdesk", "{slug}_care_team", "{slug}.assist", "real_{slug}_support"]
SCAM_DOMAINS = ["{slug}-verify.com", "secure-{slug}.net", "{slug}-login.help", "{slug}card-check.info"]
AMOUNTS = ["€2.99", "€4.50", "$3", "€1.50", "£2"]
TAGS = ["#{Brand}Metal", "#{Brand}Giveaway", "#{Brand}Cashback"]
