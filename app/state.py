"""Objects shared by all sessions of the app, created once."""

from __future__ import annotations

import streamlit as st

from kb.cli import ensure_ingested
from kb.knowledge import KnowledgeBase
from kb.settings import Settings


@st.cache_resource(show_spinner="正在加载知识库……")
def get_kb() -> KnowledgeBase:
    settings = Settings()
    ensure_ingested(settings)
    return KnowledgeBase.open(settings)
