"""English word forms as CC-CEDICT writes its head words: base forms ("jobs" -> job; "kept" ->
keep from simplemma's English dictionary, which ships in its wheel), American spellings of
British ones, and the words a word derives from ("industrial" from industry), for
kb.core.english to look up."""

from __future__ import annotations

import re

import simplemma


def lemma(word: str) -> str:
    """A rough singular/base form: enough to meet the dictionary's head words."""
    w = word.lower().strip("'-")
    for suffix, repl in (
        ("ies", "y"),
        ("sses", "ss"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
    ):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            return w[: -len(suffix)] + repl
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def forms(word: str) -> list[str]:
    """The word and the base forms it may have ("jobs" -> job; "created" -> create;
    "planned" -> plan; "issuing" -> issue), in its own and in American spelling."""
    w = word.lower()
    # British spellings as the dictionary's American ones (labour, favourable, organisation,
    # subsidised, centre)
    us = re.sub(r"is(e|ed|es|ing|ation)\b", r"iz\1", re.sub(r"tre\b", "ter", w))
    if len(w) >= 6:  # not four, hour, your
        us = re.sub(r"our(?=\b|able|ite|ed\b|ing\b|ers?\b|hood)", "or", us)
    out = []
    for v in dict.fromkeys((w, us)):
        # the dictionary's lemma besides the rough one: irregular forms ("kept": keep, "paid":
        # pay, "built": build), whose own entries are other words' senses ("kept man": 娈童)
        out += [v, lemma(v), simplemma.lemmatize(v, lang="en")]
        if v.endswith("ses") and len(v) >= 5:
            out.append(v[:-2])  # buses, gases, bonuses ("houses": "hous" meets nothing)
        if v.endswith("ed") and len(v) > 4:
            out += [v[:-1], v[:-2]]  # created, worked
            out += [v[:-3]] if v[-3] == v[-4] else []  # planned (not "sowed": so)
        if v.endswith("ing") and len(v) > 5:
            out += [v[:-3], v[:-3] + "e"]  # working, issuing
            out += [v[:-4]] if v[-4] == v[-5] else []  # planning (not "sowing": so)
    return list(dict.fromkeys(out))


# Derivational endings and the words they come from, as English spells them ("industrial" from
# industry, "revitalization" from revitalize, "enrolment" from enrol, "largest" from large,
# "seismological" from seismology), and British spellings the dictionary writes the American
# way (licence, programme, ageing).
_DERIVED = (
    (r"ization$", "ize"), (r"ation$", "ate"), (r"ation$", ""), (r"ation$", "e"),
    (r"ment$", ""), (r"ial$", "y"), (r"ial$", "e"), (r"ical$", "y"), (r"al$", ""), (r"al$", "e"),
    (r"iest$", "y"), (r"est$", ""), (r"est$", "e"), (r"ly$", ""),
    (r"ence$", "ense"), (r"mme$", "m"), (r"ogue$", "og"), (r"ageing$", "aging"),
    (r"il$", "ill"), (r"lment$", "llment"),
)  # fmt: skip


def derived(own: list[str]) -> list[str]:
    """Words a word is derived from or a British spelling of (``own``: its ``forms``), most
    specific first; only those long enough to be a word (no "ag" of "ageing")."""
    out = [re.sub(pat, repl, f) for f in own for pat, repl in _DERIVED if re.search(pat, f)]
    return [f for f in dict.fromkeys(out) if f not in own and len(f) >= 4]
