"""Dutch words, names and places for generated networks, drawn from a seeded random source.

The words come from ``data/woorden.txt``: the vocabulary of a Dutch municipal network's annual
report, most frequent first, drawn with Zipf-like weights (rank r weighs 1/r) so that the
search index sees the same spread of common and rare terms as a real knowledge base.
"""

from __future__ import annotations

import itertools
import math
import random
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

FIRST_NAMES = [
    "Anne",
    "Annemarie",
    "Arjen",
    "Bas",
    "Bram",
    "Carla",
    "Daan",
    "Dirk",
    "Els",
    "Emma",
    "Esther",
    "Eva",
    "Femke",
    "Floor",
    "Frank",
    "Gert",
    "Hanneke",
    "Hans",
    "Henk",
    "Ilse",
    "Ingrid",
    "Jan",
    "Jeroen",
    "Joost",
    "Judith",
    "Karin",
    "Kees",
    "Koen",
    "Lotte",
    "Maarten",
    "Marco",
    "Marieke",
    "Marjolein",
    "Mark",
    "Martijn",
    "Mirjam",
    "Monique",
    "Niels",
    "Noor",
    "Paul",
    "Peter",
    "Petra",
    "Pieter",
    "Rianne",
    "Rob",
    "Ruud",
    "Sander",
    "Sanne",
    "Saskia",
    "Sem",
    "Simone",
    "Sophie",
    "Stef",
    "Thijs",
    "Tim",
    "Tom",
    "Ton",
    "Wendy",
    "Willem",
    "Yvonne",
    "Anouk",
    "Fatima",
    "Mohamed",
    "Youssef",
    "Ayşe",
    "Mehmet",
    "Priya",
    "Rachid",
    "Naima",
    "Hüseyin",
    "René",
    "Chantal",
    "Geert",
]
SURNAMES = [
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "de Jong",
    "van Wijk",
    "Postma",
    "Kuipers",
    "Veenstra",
    "Kramer",
    "van den Brink",
    "Scholten",
    "van Wijngaarden",
    "Yılmaz",
    "El Amrani",
    "Öztürk",
    "Bouzid",
    "Hoogendoorn",
    "Timmermans",
    "Groen",
    "Gerritsen",
]
TITLES_ADMINISTRATIVE = ("wethouder", "wethouder", "wethouder", "burgemeester", "gedeputeerde")
TITLES_OFFICIAL = (
    "beleidsadviseur",
    "senior beleidsmedewerker",
    "programmamanager",
    "strategisch adviseur",
    "projectleider",
    "accountmanager",
    "directeur",
)

THEMES = [
    "Wonen",
    "Woningmarkt",
    "Economie",
    "Werk en inkomen",
    "Human Capital",
    "Onderwijs",
    "Klimaatadaptatie",
    "Energietransitie",
    "Circulaire economie",
    "Mobiliteit",
    "Bereikbaarheid",
    "Binnensteden",
    "Cultuur",
    "Sport",
    "Sociaal domein",
    "Zorg en welzijn",
    "Jeugd",
    "Veiligheid",
    "Ondermijning",
    "Armoede en schulden",
    "Bestaanszekerheid",
    "Gezondheid",
    "Digitalisering",
    "Data en informatie",
    "Financiën",
    "Europa",
    "Vergunninghouders",
    "Inburgering",
    "Arbeidsmarkt",
    "Mkb en ondernemers",
    "Stedelijke vernieuwing",
    "Wijkaanpak",
    "Regio Deals",
    "Erfgoed",
    "Natuur en groen",
    "Landbouw en platteland",
    "Water",
    "Toerisme",
    "Dienstverlening",
    "Participatie",
    "Dakloosheid",
    "Ouderen",
    "Schuldhulpverlening",
    "Laaggeletterdheid",
    "Kunst en creatieve industrie",
    "Groene groei",
    "Stikstof",
    "Warmtetransitie",
    "Logistiek",
    "Havens",
]
PLACE_STEMS = [
    "Oost",
    "Noord",
    "Zuid",
    "West",
    "Nieuw",
    "Oud",
    "Groot",
    "Klein",
    "Hoog",
    "Laag",
    "Berg",
    "Beek",
    "Hof",
    "Water",
    "Linde",
    "Eiken",
    "Zand",
    "Veen",
    "Wolde",
    "Ruiter",
    "Molen",
    "Kerk",
    "Brug",
    "Marken",
    "Vlier",
    "Heide",
    "Duin",
    "Polder",
]
PLACE_ENDS = [
    "dam",
    "dijk",
    "veen",
    "wijk",
    "hoven",
    "broek",
    "horst",
    "rade",
    "mond",
    "sluis",
    "land",
    "zijl",
    "wolde",
    "beek",
    "stad",
    "berg",
    "haven",
    "huizen",
    "loo",
    "hout",
    "kamp",
    "recht",
    "dorp",
    "weerd",
]

# The network's partners and the addressees of its letters. No TOOI URIs: these are made up
# only in name, and a wrong identifier is worse than none.
ORGANISATIONS = (
    ("ministerie-bzk", "Ministerie van Binnenlandse Zaken", "BZK", "ministry"),
    ("ministerie-szw", "Ministerie van Sociale Zaken en Werkgelegenheid", "SZW", "ministry"),
    ("ministerie-vws", "Ministerie van Volksgezondheid, Welzijn en Sport", "VWS", "ministry"),
    ("ministerie-ocw", "Ministerie van Onderwijs, Cultuur en Wetenschap", "OCW", "ministry"),
    ("ministerie-ezk", "Ministerie van Economische Zaken", "EZK", "ministry"),
    ("ministerie-ienw", "Ministerie van Infrastructuur en Waterstaat", "IenW", "ministry"),
    ("ministerie-fin", "Ministerie van Financiën", "Fin", "ministry"),
    ("ministerie-jenv", "Ministerie van Justitie en Veiligheid", "JenV", "ministry"),
    ("tweede-kamer", "Tweede Kamer der Staten-Generaal", "TK", "parliament"),
    ("vng", "Vereniging van Nederlandse Gemeenten", "VNG", "network"),
    ("g4", "G4", "G4", "network"),
    ("m50", "M50", "M50", "network"),
    ("p10", "P10", "P10", "network"),
    ("platform31", "Platform31", "", "knowledge"),
    ("aedes", "Aedes", "", "association"),
    ("uwv", "Uitvoeringsinstituut Werknemersverzekeringen", "UWV", "agency"),
)


@cache
def words() -> tuple[str, ...]:
    lines = (DATA / "woorden.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _cumulative_weights() -> tuple[float, ...]:
    return tuple(itertools.accumulate(1 / rank for rank in range(1, len(words()) + 1)))


@cache
def _content_words() -> tuple[str, ...]:
    # Titles read better without the small words that lead the frequency list.
    return tuple(word for word in words()[60:] if len(word) > 3)


class Writer:
    """Dutch-looking text from one seeded random source: same seed, same text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._words = words()
        self._weights = _cumulative_weights()
        self._content = _content_words()

    def lognormal_int(self, median: float, sigma: float, low: int = 1, high: int = 10**6) -> int:
        return max(low, min(high, round(self.rng.lognormvariate(math.log(median), sigma))))

    def sentence(self, length: int | None = None) -> str:
        n = length or self.rng.randint(7, 20)
        chosen = self.rng.choices(self._words, cum_weights=self._weights, k=n)
        text = " ".join(chosen)
        return text[:1].upper() + text[1:] + "."

    def paragraph(self, words: int) -> str:
        sentences = []
        left = words
        while left > 0:
            n = min(left, self.rng.randint(7, 20))
            sentences.append(self.sentence(n))
            left -= n
        return " ".join(sentences)

    def title(self, low: int = 2, high: int = 6) -> str:
        chosen = self.rng.sample(self._content, self.rng.randint(low, high))
        text = " ".join(chosen)
        return text[:1].upper() + text[1:]

    def person_name(self) -> tuple[str, str]:
        """The name as shown and as sorted ("Vries, Anne de")."""
        first = self.rng.choice(FIRST_NAMES)
        surname = self.rng.choice(SURNAMES)
        parts = surname.split(" ")
        particle, core = " ".join(parts[:-1]), parts[-1]
        sort_name = f"{core}, {first} {particle}".strip()
        return f"{first} {surname}", sort_name

    def place_name(self) -> str:
        return self.rng.choice(PLACE_STEMS) + self.rng.choice(PLACE_ENDS)


# The generated network's own terms: the kinds of body and meeting and the functions the
# generator uses, as (code, Dutch label, English label, meaning, Dutch plural).
TERMS: dict[str, list[tuple[str, str, str, str, str]]] = {
    "body_kind": [
        ("board", "bestuur", "board", "board", "besturen"),
        ("pillar", "pijler", "pillar", "", "pijlers"),
        ("theme_group", "themagroep", "theme group", "", "themagroepen"),
        ("taskforce", "taskforce", "taskforce", "", "taskforces"),
        ("city_deal", "city deal", "city deal", "", "city deals"),
        ("programme", "programma", "programme", "", "programma's"),
        ("learning_network", "leerkring", "learning network", "", "leerkringen"),
        ("working_group", "werkgroep", "working group", "", "werkgroepen"),
        ("other", "overig", "other", "", ""),
    ],
    "meeting_kind": [
        ("pijleroverleg", "pijleroverleg", "pillar meeting", "", ""),
        ("themasessie", "themasessie", "theme group session", "", ""),
        ("ambtelijk_overleg", "ambtelijk overleg", "officials' meeting", "", ""),
        ("leerkring", "leerkring", "learning circle", "", "leerkringen"),
    ],
    "function": [
        ("voorzitter", "voorzitter", "chair", "chair", "voorzitters"),
        (
            "ambtelijk_secretaris",
            "ambtelijk secretaris",
            "secretary",
            "secretary",
            "ambtelijk secretarissen",
        ),
        ("lid", "lid", "member", "member", "leden"),
    ],
    "participation_function": [("deelnemer", "deelnemer", "participant", "member", "deelnemers")],
}
