"""Council names from the address of a council's committee site: ``cms.wiltshire.gov.uk`` is
Wiltshire, ``committees.aberdeencity.gov.uk`` Aberdeen City, ``scambs.moderngov.co.uk`` South
Cambridgeshire. Run-together words are split only where a generic rule says where (a place
type at the end, a direction before a county, "-shire" inside a word); initialisms ("npt",
"lbbd") stay initialisms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

GOV_SUFFIXES = (".gov.uk", ".gov.wales", ".gov.scot", ".llyw.cymru")  # the label before names it
HOSTED_SUFFIXES = (".moderngov.co.uk",)  # a supplier's hosting: the first label names it
NOT_COUNCILS = {"www", "gov", "service", "services", "legislation", "local", "police", "nhs",
                "parliament", "judiciary", "ons", "data", "assets"}
COUNTY_SHORT = {  # the customary abbreviations of county names
    "beds": "Bedfordshire", "berks": "Berkshire", "bucks": "Buckinghamshire",
    "cambs": "Cambridgeshire", "derbys": "Derbyshire", "glos": "Gloucestershire",
    "hants": "Hampshire", "herts": "Hertfordshire", "lancs": "Lancashire",
    "leics": "Leicestershire", "lincs": "Lincolnshire", "northants": "Northamptonshire",
    "notts": "Nottinghamshire", "oxon": "Oxfordshire", "staffs": "Staffordshire",
    "warks": "Warwickshire", "wilts": "Wiltshire", "worcs": "Worcestershire",
    "yorks": "Yorkshire", "cumb": "Cumberland", "northumb": "Northumberland",
}
DIRECTIONS = {"n": "North", "s": "South", "e": "East", "w": "West", "ne": "North East",
              "nw": "North West", "se": "South East", "sw": "South West", "north": "North",
              "south": "South", "east": "East", "west": "West", "central": "Central",
              "mid": "Mid"}
ALWAYS_PREFIXES = {"greater": "Greater", "valeof": "Vale of", "isleof": "Isle of",
                   "cityof": "City of", "forestof": "Forest of"}
TYPE_SUFFIXES = {"city": "City", "county": "County", "fire": "Fire", "council": "", "cc": "",
                 "dc": "", "bc": "", "mbc": ""}  # glued to the end of the name
TYPE_WORDS = {"ca": "Combined Authority", "cc": "", "dc": "", "bc": "", "mbc": "",
              "council": ""}  # a separate, hyphenated word
VOWELS = set("aeiouy")


@dataclass(frozen=True)
class HostName:
    """The council a web address names: a readable name and the host's own word for it."""

    name: str  # "South Cambridgeshire"
    word: str  # "scambs"

    @property
    def aliases(self) -> str:
        """The name and the host's word, "; "-joined, each once."""
        squashed = re.sub(r"[^a-z]", "", self.name.lower())
        same = squashed == re.sub(r"[^a-z]", "", self.word)
        return self.name if same or not self.word else f"{self.name}; {self.word}"


def host_word(url: str) -> str:
    """The label of a council site's host that names the council, or "" for other sites."""
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    for suffix in HOSTED_SUFFIXES:
        if host.endswith(suffix) and host.count(".") == suffix.count("."):
            return host.split(".")[0]
    for suffix in GOV_SUFFIXES:
        if host.endswith(suffix):
            labels = host[: -len(suffix)].split(".")
            word = labels[-1] if labels and labels[-1] not in NOT_COUNCILS else ""
            return word if re.fullmatch(r"[a-z][a-z\-]{1,40}", word) else ""
    return ""


def council_from_url(url: str) -> HostName | None:
    """The council named by a committee site's address, or None when it names none."""
    word = host_word(url)
    if not word:
        return None
    words = [w for token in word.split("-") if token for w in _token_words(token)]
    name = " ".join(w for w in words if w)
    return HostName(name, word) if name else None


def core(word: str) -> str:
    """The host's word without a council type glued or hyphenated on ("tendringdc")."""
    tokens = [t for t in word.split("-") if t and t not in TYPE_WORDS]
    text = "".join(tokens)
    for suffix in sorted(TYPE_SUFFIXES, key=len, reverse=True):
        if text.endswith(suffix) and len(text) - len(suffix) >= 4:
            return text[: -len(suffix)]
    return text


def _token_words(token: str) -> list[str]:
    """One hyphen-separated part of the host's word as readable words."""
    if token in TYPE_WORDS:
        return [TYPE_WORDS[token]]
    if token in DIRECTIONS and len(token) > 1:
        return [DIRECTIONS[token]]
    suffix = ""
    for end in sorted(TYPE_SUFFIXES, key=len, reverse=True):
        if token.endswith(end) and len(token) - len(end) >= 2 and token != end:
            token, suffix = token[: -len(end)], TYPE_SUFFIXES[end]
            break
    return [*_place_words(token), suffix]


def _place_words(token: str) -> list[str]:
    for prefix, shown in ALWAYS_PREFIXES.items():
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return [shown, *_place_words(token[len(prefix):])]
    for prefix in sorted(DIRECTIONS, key=len, reverse=True):
        rest = token[len(prefix):]
        if token.startswith(prefix) and _known_place(prefix, rest):
            return [DIRECTIONS[prefix], *_place_words(rest)]
    match = re.match(r"^([a-z]{3,}shire)([a-z]{4,})$", token)
    if match:
        return [*_place_words(match.group(1)), *_place_words(match.group(2))]
    if re.match(r"^st[b-df-hj-np-qs-tv-z][a-z]{3,}$", token):  # "sthelens", not "stroud"
        return ["St", token[2:].capitalize()]
    return [_readable(token)]


def _known_place(prefix: str, rest: str) -> bool:
    """A county named by its customary abbreviation ("berks"), or whole ("cambridgeshire")
    after a direction written in full."""
    whole = len(prefix) > 2 and len(rest) >= 5 and rest.endswith(("shire", "sex", "folk"))
    return rest in COUNTY_SHORT or whole


def _readable(token: str) -> str:
    if token in COUNTY_SHORT:
        return COUNTY_SHORT[token]
    if len(token) <= 3 or not VOWELS & set(token):
        return token.upper()  # an initialism: "npt", "lbbd"
    return token.capitalize()
