"""Query expansion for the lexical side: English domain words to the Chinese terms the corpus
uses (e5 handles English→Chinese on the dense side; BM25 and the answerer need words), and
Chinese question words to the words policy texts answer them with ("治理" is answered by
"联席会议制度", "组织协调机制")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from kb.core.places import places

_DATA = Path(__file__).parents[1] / "data"


def _load_yaml(name: str) -> Any:
    return yaml.safe_load((_DATA / name).read_text(encoding="utf-8"))


def _word_lists(table: Any, name: str) -> dict[str, list[str]]:
    """A word -> [words] mapping, checked: unquoted YAML (on, no, 2024) would load as a
    non-string and silently never match."""
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
        for k, v in table.items()
    ):
        raise ValueError(f"{name}: expected a mapping of strings to lists of strings")
    return table


def _with_places(glossary: dict[str, list[str]]) -> dict[str, list[str]]:
    """The glossary and the English names of the region's places (kb/data/places.yaml)."""
    out = {k: list(v) for k, v in glossary.items()}
    for en, zh in places().english.items():
        out[en] = list(dict.fromkeys([*out.get(en, []), *zh]))
    return out


# The vocabulary is data (kb/data/*, each file says where it came from); see those files.
EN_ZH: dict[str, list[str]] = _with_places(
    _word_lists(_load_yaml("glossary_en_zh.yaml"), "glossary_en_zh.yaml")
)
ZH_EXPAND: dict[str, list[str]] = _word_lists(
    _load_yaml("query_expansions.yaml"), "query_expansions.yaml"
)

# The noun a list question asks for, and what counts as an instance of it.
_LIST = _load_yaml("list_nouns.yaml")
LIST_NOUNS: dict[str, list[str]] = _word_lists(_LIST["zh"], "list_nouns.yaml: zh")
EN_LIST_NOUNS: dict[str, str] = _LIST["en"]
if not all(isinstance(k, str) and v in LIST_NOUNS for k, v in EN_LIST_NOUNS.items()):
    raise ValueError("list_nouns.yaml: en must map English words to nouns listed under zh")
del _LIST

_PINYIN = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ai|ei|ao|ou|an|en|in|un|er|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|v))+$"
)


def is_pinyin(word: str) -> bool:
    """Romanised Chinese (Jia, Kunshan, Wujiang) cannot be matched against Chinese text."""
    return all(_PINYIN.match(part) for part in re.split(r"[-'’]", word.lower()) if part)
