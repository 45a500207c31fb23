#!/usr/bin/python3
"""Builds tools/demo/idlib.jsonl, the demo graph, from the curated data below.

The demo graph is hand-curated from idlib-article.txt (a copy of the seed
article). Each line of the output is one kg.v1.AssertRequest in the proto JSON
mapping, the format `kg import` streams through BulkIngest: the first line
holds every entity, the next lines the statements, grouped by topic.

Every evidence record quotes the article: its excerpt is looked up in the text
and its span [spanBegin, spanEnd) is computed here in Unicode code points (the
excerpt must occur exactly once, or name which occurrence). check_spans.py
verifies the shipped file against the article and the schema.

Usage: make_idlib.py [OUT]   (default: idlib.jsonl next to this script)
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARTICLE = open(os.path.join(HERE, "idlib-article.txt"), encoding="utf-8").read()

DOC = "doc/idlib-2019-05-11"
GAZ = "doc/demo-gazetteer"
PUB = "outlet/unattributed"
DATE = "2019-05-11"  # the article implies a Saturday; see README.md
TITLE = ARTICLE.split("\n", 1)[0]

# Admiralty grading and base confidence per claimant, as an analyst would set
# them for this article: wire services citing sources, state-run outlets of
# parties to the conflict, the UN, the article's own voice.
GRADES = {
    "outlet/reuters": ("B", 3, 0.6),
    "outlet/tass": ("C", 3, 0.5),
    "person/viktor-kupschishin": ("C", 3, 0.5),
    "outlet/aa": ("C", 3, 0.55),
    "outlet/sana": ("D", 4, 0.4),
    "outlet/memo": ("C", 2, 0.7),
    "person/rosemary-dicarlo": ("B", 2, 0.7),
    PUB: ("C", 2, 0.75),
    None: ("C", 3, 0.5),
}


def ent(id, kind, label, aliases=(), **attrs):
    e = {"id": id, "kind": kind, "label": label}
    if aliases:
        e["aliases"] = list(aliases)
    if attrs:
        e["attributes"] = attrs
    return e


def date(d):
    return {"date": d}


ENTITIES = [
    # Documents: the article, and the analyst's gazetteer for place hierarchy.
    ent(DOC, "Document", TITLE, title={"string": TITLE}, publisher={"entity": PUB},
        date=date(DATE)),
    ent(GAZ, "Document", "Demo gazetteer (analyst's geographic and organisational knowledge)",
        title={"string": "Demo gazetteer"}),
    # Outlets.
    ent(PUB, "MediaOutlet", "Unattributed outlet (publisher of the seed article)"),
    ent("outlet/reuters", "MediaOutlet", "Reuters"),
    ent("outlet/tass", "MediaOutlet", "TASS", ["TASS Russian News Agency"]),
    ent("outlet/aa", "MediaOutlet", "Anadolu Agency", ["Anadolu", "AA"]),
    ent("outlet/sana", "MediaOutlet", "SANA", ["Syrian Arab News Agency"]),
    ent("outlet/memo", "MediaOutlet", "Middle East Monitor", ["MEMO"]),
    # People.
    ent("person/viktor-kupschishin", "Person", "Viktor Kupschishin",
        ["Maj. Gen. Viktor Kupschishin", "Kupschishin"]),
    ent("person/rosemary-dicarlo", "Person", "Rosemary DiCarlo", ["DiCarlo"]),
    ent("person/bashar-al-assad", "Person", "Bashar al-Assad", ["Assad"]),
    # Actors.
    ent("actor/russia", "State", "Russia", ["Moscow", "Russian Federation"]),
    ent("actor/russian-military", "ArmedForce", "Russian military", ["Russian armed forces"]),
    ent("actor/turkey", "State", "Turkey", ["Ankara"]),
    ent("actor/syria-government", "Government", "Syrian government",
        ["Assad regime", "Syrian regime", "the regime"]),
    ent("actor/syrian-army", "ArmedForce", "Syrian army",
        ["Syrian Arab Army", "Syrian forces", "government forces"]),
    ent("actor/opposition", "ArmedGroup", "Syrian opposition forces",
        ["opposition forces", "rebels", "Turkish-backed militants"]),
    ent("actor/nusra", "ArmedGroup", "Jabhat al-Nusra",
        ["al-Nusra Front", "Nusra Front", "Nusra", "al-Nusra"]),
    ent("actor/illegal-armed-groups", "ArmedGroup", "illegal armed groups (per the Russian general)"),
    ent("actor/un", "Organization", "United Nations", ["UN"]),
    # Places.
    ent("loc/syria", "Country", "Syria"),
    ent("loc/turkey", "Country", "Turkey (country)", ["Türkiye"]),
    ent("loc/idlib", "Region", "Idlib governorate", ["Idlib", "Idlib province"]),
    ent("loc/hama", "Region", "Hama governorate", ["Hama"]),
    ent("loc/northern-hama", "District", "northern Hama countryside",
        ["northern outskirts of Hama governorate"]),
    ent("loc/hatay", "Region", "Hatay province", ["Hatay"]),
    ent("loc/idlib-zone", "Zone", "Idlib de-escalation zone"),
    ent("loc/khan-sheikhoun", "Town", "Khan Sheikhoun", ["Khan Shaykhun"]),
    ent("loc/habibat", "Village", "Habibat"),
    ent("loc/ahrash", "Village", "Ahrash"),
    ent("loc/abidin", "Village", "Abidin"),
    ent("loc/muhayat-khas", "Village", "Muhayat Khas"),
    ent("loc/kafr-nabeel", "Town", "Kafr Nabeel", ["Kafranbel", "Kafr Nabl"]),
    ent("loc/aleppo", "Town", "Aleppo"),
    ent("loc/eastern-ghouta", "District", "Eastern Ghouta"),
    ent("loc/raqqa", "Town", "Raqqa"),
    # Incidents (dates derived from the publication date, 2019-05-11).
    ent("inc/turkish-resupply", "Supply",
        "Turkish resupply of opposition forces ahead of an expected offensive",
        date=date("2019-05"), end_date=date(DATE)),
    ent("inc/nusra-buildup", "BuildUp",
        "Build-up of ~1,000 Jabhat al-Nusra fighters in the Idlib de-escalation zone",
        date=date("2019-05-09"), end_date=date(DATE)),
    ent("inc/idlib-air-attacks", "Airstrike", "Air attacks in Idlib throughout the past week",
        date=date("2019-05-04"), end_date=date("2019-05-10")),
    ent("inc/idlib-clashes", "Clash", "Clashes in Idlib between government-backed and al-Nusra fighters",
        date=date(DATE)),
    ent("inc/weaponry-destroyed", "Destruction", "Rocket launchers and arms destroyed in the operations",
        date=date(DATE)),
    ent("inc/hama-villages-attack", "Attack",
        "RPG attacks on civilian houses in two villages of northern Hama", date=date(DATE)),
    ent("inc/dwellings-destroyed", "Destruction",
        "Dwellings of Nusra Front militants destroyed in six southern Idlib localities",
        date=date("2019-05-10")),
    ent("inc/un-aid-convoy", "AidDelivery", "UN humanitarian convoy of 31 trucks into Idlib",
        date=date("2019-05-09")),
    ent("inc/false-flag-warning", "Warning",
        "Warning of possible false-flag attacks with chemical weapons", date=date(DATE)),
    ent("inc/possible-chemical-attack", "ChemicalAttack",
        "Possible false-flag chemical attack (warned of, not reported to have happened)"),
    ent("inc/dicarlo-warning", "Warning", "UN warning of a humanitarian calamity in Idlib",
        date=date("2019-05")),
    ent("inc/idlib-displacement", "Displacement", "Secondary displacement of ~180,000 IDPs",
        date=date("2019-05")),
    ent("inc/idlib-civilian-deaths", "Casualties", "More than 100 civilians killed in the escalation",
        date=date("2019-05")),
    ent("inc/syrian-war-deaths", "Casualties", "Deaths in the Syrian conflict since 2011",
        date=date("2011"), end_date=date(DATE)),
    ent("inc/working-meetings", "Meeting",
        "Working meetings sponsored by Russia and Turkey to de-escalate the situation",
        date=date("2019-05")),
]


def span_of(excerpt, nth=0):
    starts = []
    i = ARTICLE.find(excerpt)
    while i >= 0:
        starts.append(i)
        i = ARTICLE.find(excerpt, i + 1)
    if not starts:
        sys.exit("excerpt not in the article: %r" % excerpt)
    if len(starts) > 1 and nth == 0:
        sys.exit("excerpt occurs %d times, name the occurrence: %r" % (len(starts), excerpt))
    begin = starts[max(nth - 1, 0)]
    return begin, begin + len(excerpt)  # Python str indices are code points


def ev(excerpt, claimant=None, who=None, stance="ASSERTS", conf=None, nth=0, grade=None):
    """One evidence record quoting the article."""
    rel, cred, base = GRADES.get(claimant, GRADES[None]) if grade is None else grade
    b, e = span_of(excerpt, nth)
    rec = {"document": DOC, "publisher": PUB, "excerpt": excerpt, "spanBegin": b, "spanEnd": e,
           "stance": stance, "confidence": conf if conf is not None else base,
           "reliability": rel, "credibility": cred, "extractor": "analyst:demo",
           "reportedOn": DATE}
    if claimant:
        rec["claimant"] = claimant
    if who:
        rec["claimantDescription"] = who
    return rec


def gaz():
    """Evidence from the analyst's gazetteer: not in the article, no excerpt."""
    return {"document": GAZ, "stance": "ASSERTS", "confidence": 0.99, "reliability": "A",
            "credibility": 1, "extractor": "analyst:demo"}


def st(s, p, o, *evidence):
    if isinstance(o, dict):
        obj = o
    else:
        obj = {"entity": o}
    return {"subject": s, "predicate": p, "object": obj, "evidence": list(evidence)}


ARTICLE_VOICE = PUB
REBEL_SOURCES = "senior opposition and rebel sources"

GROUPS = [
    # Place hierarchy and organisations (the gazetteer).
    [st("loc/idlib", "located_in", "loc/syria", gaz()),
     st("loc/hama", "located_in", "loc/syria", gaz()),
     st("loc/northern-hama", "located_in", "loc/hama", gaz()),
     st("loc/hatay", "located_in", "loc/turkey", gaz()),
     st("loc/idlib-zone", "located_in", "loc/syria", gaz()),
     st("loc/khan-sheikhoun", "located_in", "loc/idlib", gaz()),
     st("loc/habibat", "located_in", "loc/idlib", gaz()),
     st("loc/ahrash", "located_in", "loc/idlib", gaz()),
     st("loc/abidin", "located_in", "loc/idlib", gaz()),
     st("loc/muhayat-khas", "located_in", "loc/idlib", gaz()),
     st("loc/kafr-nabeel", "located_in", "loc/idlib", gaz()),
     st("loc/aleppo", "located_in", "loc/syria", gaz()),
     st("loc/eastern-ghouta", "located_in", "loc/syria", gaz()),
     st("loc/raqqa", "located_in", "loc/syria", gaz()),
     st("actor/russian-military", "part_of", "actor/russia", gaz()),
     st("actor/syrian-army", "part_of", "actor/syria-government", gaz())],
    # Who backs whom; who is who.
    [st("actor/russia", "backs", "actor/syria-government",
        ev("the Russian-backed regime in Syria", ARTICLE_VOICE)),
     st("actor/opposition", "opposes", "actor/syria-government",
        ev("Parties opposed to the Russian-backed regime in Syria", ARTICLE_VOICE)),
     st("actor/turkey", "backs", "actor/opposition",
        ev("staged by Turkish-backed militants", "outlet/sana", stance="CLAIMS")),
     st("person/bashar-al-assad", "member_of", "actor/syria-government",
        ev("the regime of Syrian President Bashar al-Assad", ARTICLE_VOICE)),
     st("person/viktor-kupschishin", "member_of", "actor/russian-military",
        ev("Russian Maj. Gen. Viktor Kupschishin", ARTICLE_VOICE)),
     st("person/rosemary-dicarlo", "member_of", "actor/un",
        ev("UN head of Political and Peacebuilding Affairs Rosemary DiCarlo", ARTICLE_VOICE)),
     st("outlet/tass", "part_of", "actor/russia", ev("TASS state-run news", ARTICLE_VOICE)),
     st("outlet/aa", "part_of", "actor/turkey",
        ev("Turkey’s state-run Anadolu Agency", ARTICLE_VOICE)),
     st("outlet/sana", "part_of", "actor/syria-government",
        ev("Syria’s state-run SANA news agency", ARTICLE_VOICE))],
    # The resupply by Ankara (Reuters, citing opposition sources).
    [st("actor/turkey", "supplies", "actor/opposition",
        ev("Ankara has sent fresh supplies ahead of an expected Russian-backed offensive in western Idlib",
           "outlet/reuters", REBEL_SOURCES),
        ev("Parties opposed to the Russian-backed regime in Syria have been re-enforced by Turkey in recent days",
           None, "two senior opposition forces and officials from Moscow", conf=0.6)),
     st("inc/turkish-resupply", "perpetrated_by", "actor/turkey",
        ev("Ankara has sent fresh supplies", "outlet/reuters", REBEL_SOURCES)),
     st("inc/turkish-resupply", "participant", "actor/opposition",
        ev("have been re-enforced by Turkey in recent days", None,
           "two senior opposition forces and officials from Moscow", conf=0.6)),
     st("inc/turkish-resupply", "reported_by", "outlet/reuters",
        ev("Reuters reported it was told by senior opposition and rebel sources on Saturday",
           ARTICLE_VOICE))],
    # The working meetings.
    [st("actor/russia", "sponsors", "inc/working-meetings",
        ev("Russia and Turkey have sponsored a string of working meetings", ARTICLE_VOICE)),
     st("actor/turkey", "sponsors", "inc/working-meetings",
        ev("Russia and Turkey have sponsored a string of working meetings", ARTICLE_VOICE)),
     st("inc/working-meetings", "participant", "actor/russia",
        ev("Russia and Turkey have sponsored a string of working meetings", ARTICLE_VOICE)),
     st("inc/working-meetings", "participant", "actor/turkey",
        ev("Russia and Turkey have sponsored a string of working meetings", ARTICLE_VOICE)),
     st("inc/working-meetings", "description",
        {"string": "aimed to de-escalate the situation and avoid further humanitarian crises"},
        ev("aimed to de-escalate the situation and avoid further humanitarian crises", ARTICLE_VOICE))],
    # The build-up (TASS, quoting the Russian general).
    [st("inc/nusra-buildup", "perpetrated_by", "actor/nusra",
        ev("nearly 1,000 Jabhat al-Nusra fighters were a part of the build-up in western Syria",
           "person/viktor-kupschishin")),
     st("inc/nusra-buildup", "count", {"integer": "1000"},
        ev("nearly 1,000 Jabhat al-Nusra fighters", "person/viktor-kupschishin")),
     st("inc/nusra-buildup", "occurred_in", "loc/idlib-zone",
        ev("have been pulled to the southwestern part of the Idlib de-escalation zone",
           "person/viktor-kupschishin")),
     st("inc/nusra-buildup", "targeted", "actor/syrian-army",
        ev("to stage an offensive on the Syrian army", "person/viktor-kupschishin",
           stance="CLAIMS", conf=0.4)),
     st("inc/nusra-buildup", "description",
        {"string": "more than 800 militants, at least seven tanks, three armored infantry carriers "
                   "and 15 pickup trucks with heavy machineguns over two days"},
        ev("more than 800 militants, at least seven tanks, three armored infantry carries, "
           "15 pickup trucks with heavy machineguns", "person/viktor-kupschishin")),
     st("inc/nusra-buildup", "reported_by", "outlet/tass",
        ev("Viktor Kupschishin told TASS state-run news", ARTICLE_VOICE))],
    # The air attacks (Anadolu, blaming the regime).
    [st("inc/idlib-air-attacks", "occurred_in", "loc/idlib",
        ev("Anadolu Agency reported air attacks in Idlib throughout last week", "outlet/aa")),
     st("inc/idlib-air-attacks", "reported_by", "outlet/aa",
        ev("Anadolu Agency reported air attacks in Idlib", ARTICLE_VOICE)),
     st("inc/idlib-air-attacks", "perpetrated_by", "actor/syria-government",
        ev("It claimed the regime of Syrian President Bashar al-Assad was behind them",
           "outlet/aa", stance="CLAIMS"))],
    # The false-flag warning (TASS, quoting the Russian general). The warned-of
    # chemical attack is one the general attributes in advance to "illegal
    # armed groups" staging a false flag, i.e. he denies that the side it would
    # be blamed on, the government, would be behind it.
    [st("inc/false-flag-warning", "issued_by", "person/viktor-kupschishin",
        ev("The Russian general told TASS it was possible illegal armed groups may stage "
           "false-flag attacks", ARTICLE_VOICE)),
     st("inc/false-flag-warning", "reported_by", "outlet/tass",
        ev("The Russian general told TASS", ARTICLE_VOICE)),
     st("inc/possible-chemical-attack", "perpetrated_by", "actor/illegal-armed-groups",
        ev("illegal armed groups may stage false-flag attacks, including the use of chemical weapons",
           "person/viktor-kupschishin", stance="CLAIMS", conf=0.3)),
     st("inc/possible-chemical-attack", "perpetrated_by", "actor/syria-government",
        ev("false-flag attacks, including the use of chemical weapons",
           "person/viktor-kupschishin", stance="DENIES", conf=0.3))],
    # The clashes SANA reported.
    [st("inc/idlib-clashes", "occurred_in", "loc/idlib",
        ev("SANA news agency reported clashes in Idlib on Saturday", "outlet/sana")),
     st("inc/idlib-clashes", "participant", "actor/syrian-army",
        ev("between government-backed and al-Nusra fighters", "outlet/sana", conf=0.35)),
     st("inc/idlib-clashes", "participant", "actor/nusra",
        ev("between government-backed and al-Nusra fighters", "outlet/sana")),
     st("actor/syrian-army", "clashes_with", "actor/nusra",
        ev("clashes in Idlib on Saturday between government-backed and al-Nusra fighters",
           "outlet/sana", conf=0.35)),
     st("inc/idlib-clashes", "reported_by", "outlet/sana",
        ev("SANA news agency reported clashes in Idlib", ARTICLE_VOICE)),
     st("inc/idlib-clashes", "description",
        {"string": "the operations killed and wounded a group of terrorists"},
        ev("the operations killed and wounded a group of terrorists", "outlet/sana")),
     st("inc/weaponry-destroyed", "part_of", "inc/idlib-clashes",
        ev("the operations destroyed weaponry including rocket launchers and arms", "outlet/sana")),
     st("inc/weaponry-destroyed", "perpetrated_by", "actor/syrian-army",
        ev("the operations destroyed weaponry including rocket launchers and arms", "outlet/sana",
           conf=0.35)),
     st("inc/weaponry-destroyed", "occurred_in", "loc/idlib",
        ev("clashes in Idlib on Saturday", "outlet/sana"))],
    # The attack on civilian houses in two villages of northern Hama.
    [st("inc/hama-villages-attack", "perpetrated_by", "actor/opposition",
        ev("attacks earlier on Saturday staged by Turkish-backed militants", "outlet/sana",
           stance="CLAIMS")),
     st("inc/hama-villages-attack", "occurred_in", "loc/northern-hama",
        ev("in two villages on the in northern outskirts of Hama governorate", "outlet/sana",
           stance="CLAIMS")),
     st("inc/hama-villages-attack", "description",
        {"string": "on civilian houses, and public and private properties with RPGs"},
        ev("on civilian houses, and public and private properties with RPGs", "outlet/sana",
           stance="CLAIMS")),
     st("inc/idlib-clashes", "description",
        {"string": "reportedly in response to attacks on civilian houses in northern Hama"},
        ev("The operations reportedly were in response to attacks earlier on Saturday",
           "outlet/sana", stance="CLAIMS"))],
    # The destroyed dwellings (SANA claimed).
    [st("inc/dwellings-destroyed", "perpetrated_by", "actor/syrian-army",
        ev("the Syrian forces destroyed dwellings", "outlet/sana", stance="CLAIMS")),
     st("inc/dwellings-destroyed", "targeted", "actor/nusra",
        ev("dwellings belonging to the Nusra Front militants", "outlet/sana", stance="CLAIMS")),
     st("inc/dwellings-destroyed", "occurred_in", "loc/idlib",
        ev("in Khan Sheikhoun, Habibat, Ahrash, Abidin, Muhayat Khas and Kafr Nabeel, SANA claimed",
           "outlet/sana", stance="CLAIMS"))]
    + [st("inc/dwellings-destroyed", "targeted", loc,
          ev(name, "outlet/sana", stance="CLAIMS"))
       for loc, name in [("loc/khan-sheikhoun", "Khan Sheikhoun"), ("loc/habibat", "Habibat"),
                         ("loc/ahrash", "Ahrash"), ("loc/abidin", "Abidin"),
                         ("loc/muhayat-khas", "Muhayat Khas"), ("loc/kafr-nabeel", "Kafr Nabeel")]],
    # The UN aid convoy (Middle East Monitor).
    [st("inc/un-aid-convoy", "participant", "actor/un",
        ev("The United Nations provided humanitarian assistance to Idlib on Thursday", "outlet/memo")),
     st("inc/un-aid-convoy", "occurred_in", "loc/idlib",
        ev("provided humanitarian assistance to Idlib on Thursday via a convoy of 31 trucks",
           "outlet/memo")),
     st("inc/un-aid-convoy", "count", {"integer": "31"},
        ev("a convoy of 31 trucks", "outlet/memo")),
     st("inc/un-aid-convoy", "description", {"string": "entered from Turkey's Hatay province"},
        ev("They entered from Turkey’s Hatay province", "outlet/memo")),
     st("inc/un-aid-convoy", "reported_by", "outlet/memo",
        ev("Middle East Monitor reported", ARTICLE_VOICE))],
    # The UN warning, the displacement and the casualty figures.
    [st("inc/dicarlo-warning", "issued_by", "person/rosemary-dicarlo",
        ev("Rosemary DiCarlo warned of the situation in Idlib mirroring previous calamities in "
           "Aleppo, Eastern Ghouta, and Raqqa", ARTICLE_VOICE)),
     st("inc/dicarlo-warning", "description",
        {"string": "we risk catastrophic humanitarian fallout and threats to international peace "
                   "and security"},
        ev("we risk catastrophic humanitarian fallout and threats to international peace and security",
           "person/rosemary-dicarlo")),
     st("inc/idlib-displacement", "displaced", {"integer": "180000"},
        ev("forced around 180,000 IDPs into secondary displacement", "person/rosemary-dicarlo",
           stance="CLAIMS")),
     st("inc/idlib-displacement", "occurred_in", "loc/idlib",
        ev("intensifying violence that reportedly has killed more than 100 civilians and forced "
           "around 180,000 IDPs into secondary displacement", "person/rosemary-dicarlo",
           stance="CLAIMS")),
     st("inc/idlib-civilian-deaths", "deaths", {"integer": "100"},
        ev("reportedly has killed more than 100 civilians", "person/rosemary-dicarlo",
           stance="CLAIMS")),
     st("inc/idlib-civilian-deaths", "description", {"string": "more than 100 civilians killed"},
        ev("killed more than 100 civilians", "person/rosemary-dicarlo", stance="CLAIMS")),
     st("inc/idlib-civilian-deaths", "occurred_in", "loc/idlib",
        ev("intensifying violence that reportedly has killed more than 100 civilians",
           "person/rosemary-dicarlo", stance="CLAIMS")),
     st("inc/syrian-war-deaths", "deaths", {"integer": "400000"},
        ev("Some 400,000 people have been killed because of the Syrian conflict that broke out in 2011",
           ARTICLE_VOICE)),
     st("inc/syrian-war-deaths", "occurred_in", "loc/syria",
        ev("the Syrian conflict that broke out in 2011", ARTICLE_VOICE))],
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "idlib.jsonl")
    lines = [{"entities": ENTITIES}] + [{"statements": g} for g in GROUPS]
    with open(out, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    n = sum(len(g) for g in GROUPS)
    print("wrote %s: %d entities, %d statements" % (out, len(ENTITIES), n), file=sys.stderr)


if __name__ == "__main__":
    main()
