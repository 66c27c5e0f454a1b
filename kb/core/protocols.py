"""The embedding backend as the rest of the library sees it: a typed interface, so a caller
can hand in any model (a local one, a remote endpoint, a test double) without subclassing."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages may be embedded
    differently (e5 prefixes them), so they are two methods."""

    #: Recorded with the store: a store refuses to mix vectors of two models.
    model_name: str

    def query_vector(self, text: str) -> np.ndarray: ...

    def passage_vectors(self, texts: list[str]) -> np.ndarray: ...
