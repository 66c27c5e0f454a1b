"""Names of two to four capitalised words in an English question ("Soviet Union", "World Trade
Organization"), read as a whole from CC-CEDICT: their words apart name other things (Soviet:
苏维埃, Union: 联盟). A phrase of the hand-written glossary that holds one goes first ("Hong Kong
and Macao": 港澳, kb.core.english.english_groups)."""

from __future__ import annotations

from kb.core.english import _NAME_PHRASE, PHRASE_KEY, _index, plain_words


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
