"""Names of two to four capitalised words in an English question ("Soviet Union", "World Trade
Organization"), and terms of two or three words ("carbon dioxide emissions", "raw coal"), read
as a whole from CC-CEDICT: their words apart name other things (Soviet: 苏维埃, Union: 联盟;
carbon: 一模一样 of "carbon copy"). A phrase of the hand-written glossary that holds one goes
first ("Hong Kong and Macao": 港澳, kb.core.english.english_groups)."""

from __future__ import annotations

from kb.core.english import _NAME_PHRASE, PHRASE_KEY, STOPWORDS, TERM_KEY, _index, plain_words
from kb.core.english_forms import forms


def name_phrases(question: str, known=None, freq=None):
    """[(the name as matched in the plain question, its Chinese names: those the corpus uses
    (``known``), then the most common (``freq``), first)], the longest name within each run of
    capitalised words ("What United States" holds United States)."""
    runs = [m.group(0).lower().split() for m in _NAME_PHRASE.finditer(plain_words(question, True))]
    out, taken = [], set()
    for words in runs:
        for n in range(len(words), 1, -1):
            for i in range(len(words) - n + 1):
                phrase = " ".join(words[i : i + n])
                zh = _index().get(PHRASE_KEY + phrase)
                if not zh or taken & set(range(i, i + n)):
                    continue
                taken |= set(range(i, i + n))
                rank = {z: (not (known and known(z)), -(freq(z) if freq else 0)) for _, z in zh}
                out.append((phrase, sorted(rank, key=rank.get)))
        taken = set()
    return out


def term_phrases(question: str, known=None, freq=None):
    """[(the term as written in the plain question, its Chinese words: those the corpus uses
    first)], the longest first, for runs of two or three words without a function word whose
    last word's base form makes a term of the dictionary ("carbon dioxide emissions": 碳排放).
    With ``known``, only terms the corpus writes in one of their words: a term's rarer words
    ("older people": 太爷) would stand in for its words' plain ones."""
    words = plain_words(question).split()
    out, taken = [], set()
    for n in (3, 2):
        for i in range(len(words) - n + 1):
            run = words[i : i + n]
            if taken & set(range(i, i + n)) or any(w in STOPWORDS for w in run):
                continue
            heads = [" ".join([*run[:-1], f]) for f in dict.fromkeys(forms(run[-1]))]
            zh = next((z for h in heads if (z := _index().get(TERM_KEY + h))), None)
            if not zh or (known is not None and not any(known(z) for _, z in zh)):
                continue
            taken |= set(range(i, i + n))
            rank = {z: (not (known and known(z)), -(freq(z) if freq else 0)) for _, z in zh}
            out.append((" ".join(run), sorted(rank, key=rank.get)))
    return out
