"""Objects shared by all sessions of the app, created once per configuration (models and
stores are thread-safe), and the signed-in user of this session."""

from __future__ import annotations

import streamlit as st

from ingest.pipeline import ensure_ingested
from kb.answer.knowledge import KnowledgeBase
from kb.core.settings import Settings
from kb.store.access import ANONYMOUS, Principal
from kb.store.users import AuthError, LockedOut


def get_kb() -> KnowledgeBase:
    # Settings are read at the edge, on each run (cheap); the store opens once per settings.
    # The cache key is a digest: secrets never become part of a cached argument's text.
    settings = Settings()
    return _open(settings.digest_key(), settings)


@st.cache_resource(show_spinner="正在加载知识库……")
def _open(key: str, _settings: Settings) -> KnowledgeBase:
    ensure_ingested(_settings, quiet=True)
    return KnowledgeBase.open(_settings)


def current_user(kb: KnowledgeBase) -> Principal:
    """Who this session is. With no user defined the app is open (one anonymous user who
    sees everything); otherwise a session that has not signed in gets the sign-in form and
    nothing else. Groups are re-read on every run, so a change applies at once."""
    if not kb.users.exist():
        return ANONYMOUS
    name = st.session_state.get("user_name")
    user = kb.users.get(name) if name else None
    if user is not None:
        return user.principal()
    if name:  # the user was removed while signed in
        sign_out()
    _sign_in_form(kb)
    st.stop()
    raise AssertionError  # st.stop() does not return


def user() -> Principal:
    """The signed-in user, for pages (app/main.py has checked it on this run)."""
    return st.session_state.get("principal", ANONYMOUS)


def sign_out() -> None:
    st.session_state.clear()  # each user's conversation is their own: nothing carries over


def _sign_in_form(kb: KnowledgeBase) -> None:
    st.title("长三角政策知识库")
    st.caption("请先登录。账户由管理员用 `kb users add` 或“管理”页创建。")
    with st.form("sign-in"):
        name = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        return
    address = st.context.ip_address or ""
    try:
        who = kb.users.authenticate(name.strip(), password, address)
    except LockedOut as e:
        kb.audit.append(name.strip() or "-", "sign_in_locked", address=address)
        st.error(str(e))
        return
    except AuthError as e:
        kb.audit.append(name.strip() or "-", "sign_in_failed", address=address)
        st.error(str(e))
        return
    sign_out()
    st.session_state.user_name = who.name
    kb.audit.append(who.name, "sign_in", address=address)
    st.rerun()
