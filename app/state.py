"""Objects shared by all sessions of the app, created once per configuration (models and
stores are thread-safe)."""

from __future__ import annotations

import streamlit as st

from kb.cli import ensure_ingested
from kb.knowledge import KnowledgeBase
from kb.settings import Settings


def get_kb() -> KnowledgeBase:
    # Settings are read at the edge, on each run (cheap); the store opens once per settings.
    return _open(Settings().model_dump_json())


@st.cache_resource(show_spinner="正在加载知识库……")
def _open(settings_json: str) -> KnowledgeBase:
    settings = Settings.model_validate_json(settings_json)
    ensure_ingested(settings, quiet=True)
    return KnowledgeBase.open(settings)
