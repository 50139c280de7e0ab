"""A synthetic IGF archive: N documents of every kind igfkg reads, for the
benchmarks at 1,000 and 10,000 documents and the index at a million passages.

    python bench/gen_archive.py --documents 1000 --out DIR [--seed 1]

Kinds and their share: transcripts (long, thousands of words, the bulk of
the real archive), workshop reports (a few pages), session pages,
descriptions, proposals (single forms and accepted lists), programme listings
and third-party pages, each in the layout of its generation (see
tests/fixtures/documents/dev/). Years 2006-2025; mostly English, some French
and Spanish prose (form labels stay English, as on the IGF's own forms).
Names, organisations and titles come from small word lists below; the same
seed gives the same archive. DIR gets one .txt per document and
manifest.json (file, kind, lang, year, words). Generated data is never
committed: write it under /tmp.
"""
from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

GIVEN = ("Amara Ana Anders Aisha Bruno Camille Carlos Chen Dagny Elena Fatima Giulia Hiroshi Ibrahim Ines "
         "Jana Javier Kwame Lars Leila Lucia Marta Mateo Mei Nadia Nikhil Olusegun Pablo Priya Rania Sipho "
         "Sofia Tariq Tenzin Valentina Wei Yasmin Youssef Zeynep Nomvula").split()
SURNAMES = ("Asante Benali Castro Diallo Dubois Eriksen Fernandez Garcia Haddad Ivanova Johansson Kowalski "
            "Larsen Mendes Nakamura Ndlovu Okafor Petrov Quispe Rossi Santos Tanaka Usman Varga Wanjiru "
            "Yilmaz Zhang Moreau Lefebvre Kaur Banerjee Mensah Novak Popescu Alvarez Dlamini Sato Horvath").split()
ORGANISATIONS = (
    "Internet Society", "Association for Progressive Communications", "Council of Europe", "ICANN",
    "Article 19", "Derechos Digitales", "Access Now", "UNESCO", "ITU", "OECD", "Diplo Foundation",
    "Electronic Frontier Foundation", "LACNIC", "AFRINIC", "APNIC", "RIPE NCC", "Mozilla Foundation",
    "Ministry of Communications of Kenya", "Ghana Community Networks Association", "Google", "Microsoft",
    "Meta", "Telefonica", "Orange", "Keio University", "University of Cape Town", "Sciences Po",
    "Fundacion Karisma", "Centre for Internet and Society", "Youth Coalition on Internet Governance",
    "Web Foundation", "Global Partners Digital", "CGI.br", "KICTANet", "Panoptykon Foundation")
STAKEHOLDERS = ("Civil Society", "Government", "Private Sector", "Technical Community",
                "Intergovernmental Organization")
REGIONS = ("African Group", "Asia-Pacific Group", "Eastern European Group",
           "Latin American and Caribbean Group (GRULAC)", "Western European and Others Group (WEOG)")
MEETINGS = {2006: ("Athens", "Greece"), 2007: ("Rio de Janeiro", "Brazil"), 2008: ("Hyderabad", "India"),
            2009: ("Sharm El Sheikh", "Egypt"), 2010: ("Vilnius", "Lithuania"), 2011: ("Nairobi", "Kenya"),
            2012: ("Baku", "Azerbaijan"), 2013: ("Bali", "Indonesia"), 2014: ("Istanbul", "Turkey"),
            2015: ("Joao Pessoa", "Brazil"), 2016: ("Guadalajara", "Mexico"), 2017: ("Geneva", "Switzerland"),
            2018: ("Paris", "France"), 2019: ("Berlin", "Germany"), 2020: ("online", "online"),
            2021: ("Katowice", "Poland"), 2022: ("Addis Ababa", "Ethiopia"), 2023: ("Kyoto", "Japan"),
            2024: ("Riyadh", "Saudi Arabia"), 2025: ("Lillestrom", "Norway")}
MONTHS = ("January February March April May June July August September October November December").split()
WEEKDAYS = ("Monday Tuesday Wednesday Thursday Friday").split()
THEMES = ("Access and Diversity", "Openness", "Security", "Privacy", "Emerging Issues",
          "Critical Internet Resources", "Human Rights", "Cybersecurity and Trust", "Digital Inclusion",
          "Data Governance", "Sustainability and Environment")
COUNTRIES = ("Kenya", "Brazil", "India", "Germany", "Indonesia", "Mexico", "Nigeria", "France", "Japan",
             "Chile", "Poland", "Egypt", "Bangladesh", "Colombia", "Senegal", "Canada", "Philippines", "Tunisia")
SDGS = ("GOAL 4: Quality Education", "GOAL 5: Gender Equality", "GOAL 9: Industry, Innovation and Infrastructure",
        "GOAL 10: Reduced Inequalities", "GOAL 16: Peace, Justice and Strong Institutions")

# Topic words by language: (noun phrase, adjective) pairs fill the templates.
TOPICS = {
    "en": ("community networks", "spectrum sharing", "online privacy", "data protection", "encryption",
           "content moderation", "misinformation", "net neutrality", "internet exchange points", "IPv6 deployment",
           "cybersecurity capacity", "digital identity", "artificial intelligence", "cross-border data flows",
           "child online safety", "local content", "multilingual domain names", "platform accountability",
           "surveillance reform", "internet shutdowns", "e-waste", "digital skills", "open data",
           "algorithmic transparency", "meaningful connectivity", "gender and access", "DNS abuse", "zero rating"),
    "fr": ("les réseaux communautaires", "la protection des données", "le chiffrement", "la désinformation",
           "la neutralité du net", "les points d'échange internet", "l'identité numérique",
           "l'intelligence artificielle", "la modération des contenus", "les coupures d'internet",
           "l'inclusion numérique", "les données ouvertes", "la cybersécurité", "le contenu local"),
    "es": ("las redes comunitarias", "la protección de datos", "el cifrado", "la desinformación",
           "la neutralidad de la red", "los puntos de intercambio de internet", "la identidad digital",
           "la inteligencia artificial", "la moderación de contenidos", "los cortes de internet",
           "la inclusión digital", "los datos abiertos", "la ciberseguridad", "el contenido local"),
}
SENTENCES = {
    "en": ("{person} of {org} said that {topic} in {country} depends on clear rules and on trust between stakeholders.",
           "Participants discussed how {topic} affects small businesses, schools and rural users.",
           "The moderator asked whether {topic} should be addressed by regulation or by voluntary commitments.",
           "Several speakers noted that {topic} and {topic2} are usually debated by different communities.",
           "{person} described a pilot project in {country} that reached {number} households in {years} years.",
           "A participant from {country} asked how the recommendations on {topic} would be followed up.",
           "{org} presented survey results showing that {number} per cent of respondents worried about {topic}.",
           "The discussion returned several times to the cost of {topic2} for developing countries.",
           "It was agreed that governments, companies and civil society each have a role in {topic}.",
           "{person} warned that measures against {topic2} can harm freedom of expression if they are too broad.",
           "Remote participants from {country} raised questions about {topic} and local languages.",
           "The panel compared national strategies for {topic} adopted since {year}.",
           "Speakers called for more data on {topic}, in particular on women and young people.",
           "According to {person}, the lesson from {country} is that {topic} works only when communities own it.",
           "There was broad agreement that the IGF should keep {topic} on its agenda next year."),
    "fr": ("{person}, de {org}, a rappelé que {topic} au {country} dépend de règles claires.",
           "Les participants ont débattu des effets de {topic} sur les petites entreprises et les écoles.",
           "Le modérateur a demandé si {topic} relève de la loi ou d'engagements volontaires.",
           "Plusieurs intervenants ont souligné le lien entre {topic} et {topic2}.",
           "{person} a présenté un projet pilote qui a touché {number} foyers en {years} ans.",
           "Un participant du {country} a demandé comment les recommandations sur {topic} seraient suivies.",
           "{org} a présenté une enquête : {number} pour cent des personnes interrogées s'inquiètent de {topic}.",
           "La discussion est revenue sur le coût de {topic2} pour les pays en développement.",
           "Il a été convenu que les gouvernements, les entreprises et la société civile ont chacun un rôle.",
           "Selon {person}, {topic} ne fonctionne que lorsque les communautés s'en emparent."),
    "es": ("{person}, de {org}, recordó que {topic} en {country} depende de reglas claras.",
           "Los participantes debatieron los efectos de {topic} en las pequeñas empresas y las escuelas.",
           "La moderadora preguntó si {topic} debe regularse por ley o con compromisos voluntarios.",
           "Varios panelistas señalaron la relación entre {topic} y {topic2}.",
           "{person} presentó un proyecto piloto que llegó a {number} hogares en {years} años.",
           "Un participante de {country} preguntó cómo se dará seguimiento a las recomendaciones sobre {topic}.",
           "{org} presentó una encuesta: el {number} por ciento de las personas teme por {topic}.",
           "La discusión volvió sobre el costo de {topic2} para los países en desarrollo.",
           "Se acordó que gobiernos, empresas y sociedad civil tienen cada uno un papel.",
           "Según {person}, {topic} solo funciona cuando las comunidades se apropian de ella."),
}
TITLE_PATTERNS = {
    "en": ("{Topic}: Lessons from {country}", "{Topic} and {topic2}: Finding Common Ground",
           "Who Governs {Topic}?", "{Topic} for the Next Billion", "Measuring {Topic} in {country}"),
    "fr": ("{Topic} : leçons du {country}", "{Topic} et {topic2} : quel terrain d'entente ?"),
    "es": ("{Topic}: lecciones de {country}", "{Topic} y {topic2}: hacia un terreno común"),
}
LANGUAGES = (("en", 0.8), ("fr", 0.12), ("es", 0.08))
#: Each kind: its share of the archive and the years it occurs in.
KINDS = {"transcript": (0.35, range(2006, 2026)), "report": (0.2, range(2006, 2019)),
         "session_page": (0.1, range(2019, 2026)), "description": (0.1, range(2006, 2016)),
         "proposal": (0.12, range(2008, 2018)), "listing": (0.05, range(2016, 2019)),
         "third_party": (0.08, range(2006, 2026))}
NOTICE = ("This text is the unedited output of real-time captioning produced during the session. It may "
          "contain errors or omissions and is provided to help participants follow the discussion; it is "
          "not an official record.")


@dataclass
class Session:
    """What one document talks about: enough to fill any kind's layout."""

    year: int
    number: int
    lang: str
    title: str
    theme: str
    people: list[str]
    organisations: list[str]


class Writer:
    """Text of every kind from one seeded random source."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    # -- small parts -------------------------------------------------------

    def person(self) -> str:
        return f"{self.rng.choice(GIVEN)} {self.rng.choice(SURNAMES)}"

    def session(self, year: int, lang: str) -> Session:
        topic, topic2 = self.rng.sample(TOPICS[lang], 2)
        title = self.rng.choice(TITLE_PATTERNS[lang]).format(
            Topic=topic[0].upper() + topic[1:], topic2=topic2, country=self.rng.choice(COUNTRIES))
        return Session(year, self.rng.randint(1, 350), lang, title, self.rng.choice(THEMES),
                       [self.person() for _ in range(self.rng.randint(4, 7))],
                       self.rng.sample(ORGANISATIONS, 5))

    def sentence(self, s: Session) -> str:
        topic, topic2 = self.rng.sample(TOPICS[s.lang], 2)
        return self.rng.choice(SENTENCES[s.lang]).format(
            person=self.rng.choice(s.people), org=self.rng.choice(s.organisations), topic=topic, topic2=topic2,
            country=self.rng.choice(COUNTRIES), number=self.rng.randint(3, 95), years=self.rng.randint(2, 9),
            year=self.rng.randint(2000, s.year))

    def paragraph(self, s: Session, sentences: tuple[int, int] = (3, 7)) -> str:
        return " ".join(self.sentence(s) for _ in range(self.rng.randint(*sentences)))

    def prose(self, s: Session, words: int) -> str:
        """Paragraphs up to about ``words`` words."""
        out, count = [], 0
        while count < words:
            out.append(self.paragraph(s))
            count += len(out[-1].split())
        return "\n\n".join(out)

    def date(self) -> tuple[str, int, str]:
        """Month, day and weekday of a session (the IGF meets in the autumn)."""
        return self.rng.choice(MONTHS[8:]), self.rng.randint(1, 28), self.rng.choice(WEEKDAYS)

    def workshop_header(self, s: Session) -> list[str]:
        """The title, date line and meeting of the 2006-2015 workshop pages."""
        city, country = MEETINGS[s.year]
        month, day, _ = self.date()
        return [s.title, f"{day:02d} {month} {s.year} - A Workshop on {s.theme} in {city}, {country}",
                f"Internet Governance Forum {s.year}"]

    def affiliated(self, s: Session, name: str) -> str:
        return f"{name}, {self.rng.choice(s.organisations)}"

    # -- kinds -------------------------------------------------------------

    def report(self, s: Session) -> str:
        header = self.workshop_header(s)
        panel = "; ".join(self.affiliated(s, p) for p in s.people[2:])
        return "\n\n".join([
            *header, f"Workshop # {s.number} Report", s.title,
            "Organizer Name", s.people[0], "Organizer Entity", " & ".join(s.organisations[:2]),
            "Workshop Theme", s.theme, "Moderator", self.affiliated(s, s.people[1]), "Panelists", panel,
            "Brief substantive summary of the workshop and presentation of the main issues that were raised "
            "during the discussions", self.prose(s, self.rng.randint(900, 1800)),
            "Conclusions and further comments", self.prose(s, self.rng.randint(200, 500)),
            "Reported by", s.people[-1]])

    def session_page(self, s: Session) -> str:
        month, day, weekday = self.date()
        lines = [f"IGF {s.year} WS #{s.number} {s.title}", "",
                 f"{weekday}, {day}th {month}, {s.year} (12:50 UTC) - {weekday}, {day}th {month}, {s.year} (14:20 UTC)",
                 f"Conference Room {self.rng.randint(1, 9)}", ""]
        lines += [f"Organizer {i}: {self.affiliated(s, p)}, {self.rng.choice(REGIONS)}"
                  for i, p in enumerate(s.people[:2], 1)]
        lines += [""] + [f"Speaker {i}: {p}, {self.rng.choice(STAKEHOLDERS)}, {self.rng.choice(REGIONS)}"
                         for i, p in enumerate(s.people[2:], 1)]
        lines += ["", "Moderator", self.affiliated(s, s.people[0]), "", "Online Moderator", s.people[1], "",
                  "Rapporteur", s.people[-1], "", "Format", "Round Table - U-shape - 90 Min", "",
                  "Policy Question(s)", f"1. {self.sentence(s)}", f"2. {self.sentence(s)}", "", "SDGs",
                  *self.rng.sample(SDGS, 2), "", "Description:", self.prose(s, 350), "", "Expected Outcomes:",
                  self.paragraph(s, (2, 3)), "", "Key Takeaways", self.paragraph(s, (2, 4))]
        return "\n".join(lines)

    def description(self, s: Session) -> str:
        header = self.workshop_header(s)
        speakers = "\n".join(self.affiliated(s, p) for p in s.people[1:])
        return "\n\n".join([
            *header, s.title,
            f"This workshop will bring together speakers from {', '.join(s.organisations[:3])}. "
            + self.paragraph(s), self.prose(s, 250),
            f"The following speakers have confirmed their participation:\n\n{speakers}",
            f"The session will be moderated by {s.people[0]} ({s.organisations[0]}).",
            f"Contact: {s.people[0]}, {s.organisations[0]}"])

    def proposal(self, s: Session) -> str:
        if self.rng.random() < 0.5:
            return self._accepted_list(s)
        lines = [f"IGF {s.year} Workshop Proposal", "", s.title, "", "1. Primary Contact Information",
                 f"Name: {s.people[0]}", f"Stakeholder group: {self.rng.choice(STAKEHOLDERS)}",
                 f"Organization: {s.organisations[0]}", f"Country: {self.rng.choice(COUNTRIES)}", "",
                 "2. Secondary Contact Information", f"Name: {s.people[1]}",
                 f"Organization: {s.organisations[1]}", "", "3. Type of session", "Workshop - Round Table", "",
                 "4. Duration of proposed session", "90 minutes", "", "5. Subtheme", s.theme, "", "6. Title",
                 s.title, "", "7. Description of workshop", self.prose(s, 300), "",
                 "8. Names and affiliations of speakers",
                 *(self.affiliated(s, p) for p in s.people[2:]), "", "9. Name of Moderator(s)", s.people[0]]
        return "\n".join(lines)

    def _accepted_list(self, s: Session) -> str:
        entries = []
        for _ in range(self.rng.randint(2, 6)):
            entry = self.session(s.year, s.lang)
            entries.append(f"No. {entry.number} {entry.title}\n\nProposer's name: {entry.people[0]}\n\n"
                           f"Theme: {entry.theme}\n\nDescription: {self.prose(entry, 120)}")
        return (f"IGF {s.year} {MEETINGS[s.year][0]} - List of Accepted Workshop Proposals\n\n"
                "The MAG evaluated the submitted proposals. The workshops listed below have been accepted.\n\n"
                + "\n\n".join(entries))

    def listing(self, s: Session) -> str:
        city = MEETINGS[s.year][0]
        month = self.rng.choice(("November", "December"))
        lines = [f"IGF {s.year} - Internet Governance Forum, {city}", "Schedule | Speakers | Attendees | Venues", ""]
        for _ in range(self.rng.randint(3, 10)):
            entry = self.session(s.year, s.lang)
            day, hour = self.rng.randint(1, 28), self.rng.randint(9, 16)
            lines += [f"{self.rng.choice(WEEKDAYS)}, {month} {day} • {hour}:00 - {hour + 1}:30",
                      f"WS{entry.number}: {entry.title}", f"Room {self.rng.choice('ABCDEFGH')}", "Workshop",
                      f"Moderators: {entry.people[0]}",
                      f"Speakers: {', '.join(self.affiliated(entry, p) for p in entry.people[1:4])}", ""]
        return "\n".join(lines + ["Powered by Sched"])

    def third_party(self, s: Session) -> str:
        org = self.rng.choice(ORGANISATIONS[:12])
        city, country = MEETINGS[s.year]
        blocks = []
        for _ in range(2):
            entry = self.session(s.year, s.lang)
            blocks.append("\n\n".join([
                f"{entry.title} (WS {entry.number})",
                f"{self.rng.choice(MONTHS[9:])} {self.rng.randint(1, 28)} th, from 11:30 am till 1:00 pm - "
                f"Workshop Room {self.rng.randint(1, 9)}",
                f"Co-organised by the {org} and {entry.organisations[0]}.",
                f"{org} Panelist: {entry.people[0]}\nModerator: {self.affiliated(entry, entry.people[1])}\n"
                f"Other panelists: {'; '.join(entry.people[2:4])}",
                f"Workshop Purpose: {self.prose(entry, 150)}"]))
        rule = "\n\n" + "-" * 60 + "\n\n"
        return (f"{org} @ IGF {s.year}\n\nWhen: {self.rng.randint(1, 20)}-{self.rng.randint(21, 28)} "
                f"November {s.year}\nWhere: {city}, {country}\n\n{self.paragraph(s)}" + rule + rule.join(blocks))

    def transcript(self, s: Session) -> str:
        city, _ = MEETINGS[s.year]
        month, day, _ = self.date()
        header = [f"INTERNET GOVERNANCE FORUM {s.year}", city.upper(), f"{day} {month.upper()} {s.year}",
                  f"WORKSHOP {s.number}", s.title.upper(), "", "********", NOTICE, "********", ""]
        turns, words, goal = [], 0, self.rng.randint(2500, 7000)
        while words < goal:
            speaker = s.people[0] if len(turns) % 3 == 0 else self.rng.choice(s.people[1:])
            turn = self.paragraph(s, (2, 9))
            turns.append(f">> {speaker.upper()}: {turn}")
            words += len(turn.split())
        return "\n".join(header) + "\n" + "\n\n".join(turns) + "\n"


def choose(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted)
    return rng.choices(names, weights)[0]


def documents(count: int, seed: int = 1):
    """(file name, kind, language, year, text) for ``count`` documents: kinds
    in their shares, each kind at least once when count allows."""
    writer = Writer(seed)
    kinds = list(KINDS)
    for i in range(count):
        kind = kinds[i] if i < len(kinds) else choose(writer.rng, ((k, share) for k, (share, _) in KINDS.items()))
        year = writer.rng.choice(KINDS[kind][1])
        lang = choose(writer.rng, LANGUAGES)
        text = getattr(writer, kind)(writer.session(year, lang))
        yield f"igf{year}-{kind.replace('_', '-')}-{i:06d}-{lang}.txt", kind, lang, year, text


def write_archive(count: int, out: Path, seed: int = 1) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, kind, lang, year, text in documents(count, seed):
        (out / name).write_text(text, encoding="utf-8")
        manifest.append({"file": name, "kind": kind, "lang": lang, "year": year, "words": len(text.split())})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    manifest = write_archive(args.documents, args.out, args.seed)
    words = sum(m["words"] for m in manifest)
    print(f"{len(manifest)} documents, {words:,} words in {args.out}")


if __name__ == "__main__":
    main()
