"""The region's places, from the one place table kb/data/places.yaml (its header says where
the entries come from): provinces with their short names, cities, counties, the groups
policy texts name as parties (三省一市, 九城市) and the words that count places (三地).

Readers: kb.store.records (a party's province), ingest/records/find.py (which words are parties),
kb.answer.record_answer (places a question names), kb.core.tokenize (group names kept whole), kb.core.glossary
(English names)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

_FILE = Path(__file__).parents[1] / "data" / "places.yaml"
# Written after a name without changing the place (上海市, 江苏省, 吴江区, 德清县).
SUFFIXES = "省市区县"
# A text this short names a province only when it is a name itself: "苏" is 江苏, "苏大" (a
# university) is not, though it holds the short name 苏. Three characters cover every name
# with its suffix ("昆山市"); longer texts are organisations named after their place
# ("嘉兴经开区"). Kept from kb/store/records.py (b96f397).
SHORT_TEXT = 3


@dataclass(frozen=True)
class Group:
    name: str
    aliases: tuple[str, ...]
    members: tuple[str, ...]
    en: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _strings(value: Any, where: str) -> list[str]:
    """A string or a list of strings (YAML would read an unquoted on/no/2024 as another type
    and the entry would silently never match)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) and x for x in items):
        raise ValueError(f"places.yaml: {where}: expected a string or a list of strings")
    return items


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"places.yaml: {where}: expected a mapping")
    return value


class Places:
    """The place table, checked when loaded."""

    def __init__(self, data: Any) -> None:
        data = _mapping(data, "top level")
        # province -> its own names, cities, counties (in file order); English name -> Chinese
        self.province_names: dict[str, list[str]] = {}
        self.short: dict[str, str] = {}
        en: dict[str, list[str]] = {}
        tiers: list[list[tuple[str, str, str]]] = [[], [], []]  # (province, name, en)
        for prov, entry in _mapping(data.get("provinces"), "provinces").items():
            entry = _mapping(entry, prov)
            self.short[prov] = _strings(entry.get("short"), f"{prov}: short")[0]
            tiers[0] += [(prov, prov, e) for e in _strings(entry.get("en"), f"{prov}: en")]
            cities = _mapping(entry.get("cities"), f"{prov}: cities")
            tiers[1] += [(prov, c, _strings(e, f"{prov}: {c}")[0]) for c, e in cities.items()]
            for city, counties in _mapping(entry.get("counties", {}), f"{prov}").items():
                if city not in cities:
                    raise ValueError(f"places.yaml: {prov}: counties of unknown city {city}")
                counties = _mapping(counties, f"{prov}: {city}")
                tiers[2] += [(prov, c, _strings(e, f"{city}: {c}")[0]) for c, e in counties.items()]
            self.province_names[prov] = [prov, self.short[prov]]
        # Provinces, then cities, then counties: an English name two places share ("suzhou")
        # reads first as the larger place.
        for tier in tiers:
            for prov, name, e in tier:
                if name not in self.province_names[prov]:
                    self.province_names[prov].append(name)
                en.setdefault(e, [])
                if name not in en[e]:
                    en[e].append(name)
        self.groups: list[Group] = []
        for name, g in _mapping(data.get("groups"), "groups").items():
            g = _mapping(g, name)
            self.groups.append(
                Group(
                    name,
                    tuple(_strings(g.get("aliases", []), f"{name}: aliases")),
                    tuple(_strings(g.get("members"), f"{name}: members")),
                    tuple(_strings(g.get("en", []), f"{name}: en")),
                )
            )
            for e in self.groups[-1].en:
                en.setdefault(e, []).extend(self.groups[-1].names)
        self.counted: list[str] = _strings(data.get("counted", []), "counted")
        self.english: dict[str, list[str]] = en
        known = {n for names in self.province_names.values() for n in names}
        for g in self.groups:
            unknown = [m for m in g.members if m not in known]
            if unknown:
                raise ValueError(f"places.yaml: {g.name}: members not in the table: {unknown}")

    @cached_property
    def names(self) -> frozenset[str]:
        """Every province, short name, city and county."""
        return frozenset(n for names in self.province_names.values() for n in names)

    @cached_property
    def group_members(self) -> dict[str, tuple[str, ...]]:
        """Group name or alias -> members."""
        return {n: g.members for g in self.groups for n in g.names}

    @cached_property
    def group_names(self) -> list[str]:
        """Every group name and alias, longest first (so 沪苏浙皖 is found before 沪苏浙)."""
        return sorted(self.group_members, key=len, reverse=True)

    @cached_property
    def group_re(self) -> re.Pattern[str]:
        """One group name, the longest that fits ("沪苏浙皖", not "沪苏浙" in it)."""
        return re.compile("|".join(re.escape(n) for n in self.group_names))

    @cached_property
    def group_run_re(self) -> re.Pattern[str]:
        """Group names written one after another as one name (a short-name group followed by a
        counted one), or one of them."""
        return re.compile(f"(?:{self.group_re.pattern})+")

    @cached_property
    def short_chars(self) -> str:
        """The provinces' one-character short names: "沪苏浙皖"."""
        return "".join(self.short.values())

    def group_in(self, text: str) -> str | None:
        """The group ``text`` names: group names written one after another (``group_run_re``), else
        a word that counts places ("三地"); None when it names none."""
        m = self.group_run_re.search(text)
        if m:
            return m.group(0)
        return next((w for w in self.counted if w in text), None)

    def is_place(self, text: str) -> bool:
        """A province, city or county of the region (with or without its 省/市/区/县), or a
        named group of them (三省一市)."""
        return (
            text in self.group_members or text in self.names or text.rstrip(SUFFIXES) in self.names
        )

    def provinces_in(self, text: str) -> list[str]:
        """The provinces whose places ``text`` names (嘉兴经开区 -> 浙江); a short ``text``
        (SHORT_TEXT) only when it is itself a name."""
        whole = text in self.names or text.rstrip(SUFFIXES) in self.names
        if len(text) <= SHORT_TEXT and not whole:
            return []
        return [
            prov for prov, names in self.province_names.items() if any(n in text for n in names)
        ]


_PLACES: Places | None = None


def places() -> Places:
    """The table, loaded once."""
    global _PLACES
    if _PLACES is None:
        _PLACES = Places(yaml.safe_load(_FILE.read_text(encoding="utf-8")))
    return _PLACES


# A place's organ named in one word ("北京市政府", "江苏省人大常委会"), as the segmenter keeps
# it whole: documents name the place once (a title's "北京市……") and the organ bare ("市人民政府").
_PLACE_ORGAN = re.compile(
    r"^(\w{2,6}?[省市县区])(\w{0,4}(?:政府|人大|常委会|委员会|党委|委|局|厅|办公室|办|院))$"
)


def place_and_organ(name: str) -> tuple[str, str] | None:
    """(the place as a text may write it, without its 省/市/县/区 when longer than two
    characters: "北京"; the organ) of a place's organ named in one word, else None."""
    m = _PLACE_ORGAN.match(name)
    if not m:
        return None
    place = m.group(1)
    return (place[:-1] if len(place) > 2 else place), m.group(2)
