"""The field's abbreviations, matched to their long forms both ways: a question about "ASB"
finds paragraphs that say "anti-social behaviour", and one about "domestic homicide reviews"
finds "DHRs": the common ones of local government and community safety."""

from __future__ import annotations

import re
from collections.abc import Mapping

FIELD = {
    "asb": "anti-social behaviour", "csp": "community safety partnership",
    "pspo": "public spaces protection order", "da": "domestic abuse",
    "vawg": "violence against women and girls", "send": "special educational needs and "
    "disabilities", "mtfp": "medium term financial plan", "mtfs": "medium term financial "
    "strategy", "cctv": "closed circuit television", "dhr": "domestic homicide review",
    "dhrs": "domestic homicide reviews", "pcc": "police and crime commissioner",
    "pcp": "police and crime panel", "yot": "youth offending team", "yjs": "youth justice "
    "service", "marac": "multi agency risk assessment conference", "mappa": "multi agency "
    "public protection arrangements", "ocg": "organised crime group", "svd": "serious "
    "violence duty", "nte": "night time economy", "cpn": "community protection notice",
    "cpw": "community protection warning", "cbo": "criminal behaviour order",
    "ctr": "community trigger", "idva": "independent domestic violence advisor",
    "isva": "independent sexual violence advisor", "ofsted": "office for standards in "
    "education", "sen": "special educational needs", "ehcp": "education health and care "
    "plan", "lga": "local government association", "dluhc": "department for levelling up "
    "housing and communities", "mhclg": "ministry of housing communities and local "
    "government", "osc": "overview and scrutiny committee", "hosc": "health overview and "
    "scrutiny committee", "ics": "integrated care system", "icb": "integrated care board",
    "nhs": "national health service", "hmo": "house in multiple occupation",
    "ct": "council tax", "hra": "housing revenue account", "capex": "capital expenditure",
    "fte": "full time equivalent", "kpi": "key performance indicator", "sla": "service "
    "level agreement", "eqia": "equality impact assessment", "gdpr": "general data "
    "protection regulation", "foi": "freedom of information", "ripa": "regulation of "
    "investigatory powers act", "tpo": "tree preservation order", "s106": "section 106",
    "cil": "community infrastructure levy", "lsp": "local strategic partnership",
    "scr": "serious case review", "cse": "child sexual exploitation", "cce": "child "
    "criminal exploitation", "fgm": "female genital mutilation", "ncc": "neighbourhood "
    "crime", "pcso": "police community support officer", "snt": "safer neighbourhood team",
}
def expansions(question: str, known: Mapping[str, str] = FIELD) -> list[str]:
    """The other form of every abbreviation or long form the question uses."""
    lowered = " " + re.sub(r"[^a-z0-9]+", " ", question.lower()) + " "
    extra = []
    for short, long in known.items():
        spaced = " " + re.sub(r"[^a-z0-9]+", " ", long) + " "
        if f" {short} " in lowered or f" {short}s " in lowered:
            extra.append(long)
        elif spaced in lowered:
            extra.append(short)
    return extra
