"""Objects shared by all sessions of the app, created once per configuration (models and
stores are thread-safe), and the signed-in user of this session."""

from __future__ import annotations

import re

import streamlit as st

from ingest.pipeline import ensure_ingested
from kb.core.errors import KBError
from kb.core.proxies import client_address, forwarded_hops
from kb.core.settings import Settings
from kb.knowledge import KnowledgeBase
from kb.store.access import ANONYMOUS, Principal
from kb.store.users import AuthError, Users


def get_kb() -> KnowledgeBase:
    # Settings are read at the edge, on each run (cheap); the store opens once per settings.
    # The cache key is a digest: secrets never become part of a cached argument's text.
    settings = Settings()
    try:
        return _open(settings.digest_key(), settings)
    except KBError as e:  # e.g. a first ingest that was interrupted: say what to run
        st.error(f"知识库无法打开：{e}")
        st.stop()


@st.cache_resource(show_spinner="正在加载知识库……")
def _open(key: str, _settings: Settings) -> KnowledgeBase:
    ensure_ingested(_settings, quiet=True)
    kb = KnowledgeBase.open(_settings)
    _ = kb.retriever  # the model and the tokenizer load here, under the spinner, not on a question
    return kb


def current_user(kb: KnowledgeBase, url_paths: list[str]) -> Principal:
    """Who this session is. With no user defined the app is open (one anonymous user who
    sees everything); otherwise a session that has not signed in gets the sign-in form and
    nothing else, at every page's address (``url_paths``, the default page first), so a
    link to a page opens it once signed in. Groups are re-read on every run, so a change
    applies at once."""
    if not kb.users.exist():
        return ANONYMOUS
    token = _token()
    user = kb.users.session_user(token)  # read on each run: a sign-out elsewhere applies
    if user is not None:
        if st.session_state.get("user_name") != user.name:  # a reload or a new tab
            st.session_state.clear()
            st.session_state.user_name, st.session_state.session = user.name, token
        _set_cookie(token)
        return user.principal()
    if st.session_state.get("user_name"):  # expired, signed out, removed, new password
        sign_out()
    _set_cookie(None)
    # The form stands in for every page, with the page list hidden: the last user's pages
    # must not stay in the sidebar (a click there would race the sign-in's rerun).
    forms = [
        st.Page(lambda: _sign_in_form(kb), title="登录", url_path=path or "sign-in", default=not i)
        for i, path in enumerate(url_paths)
    ]
    st.navigation(forms, position="hidden").run()
    st.stop()
    raise AssertionError  # st.stop() does not return


def user() -> Principal:
    """The signed-in user, for pages (app/main.py has checked it on this run)."""
    return st.session_state.get("principal", ANONYMOUS)


# The browser keeps the session's token in a cookie, sent with the page and with every new
# tab. Streamlit reads cookies (st.context.cookies) but writes none; st.html runs the one
# line of JavaScript that sets it, rather than a cookie component from outside the project.
# The token is random and stored hashed with its expiry (kb/store/users.py), so a sign-out,
# a new password or a removed user ends it at once, on every replica.
COOKIE = "kb_session"


def _token() -> str | None:
    """This session's token: given at sign-in, else the browser's cookie."""
    token = st.session_state.get("session") or st.context.cookies.get(COOKIE)
    return token if isinstance(token, str) else None


def _set_cookie(token: str | None) -> None:
    if st.session_state.get("cookie_set") == token:
        return
    if token and not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", token):
        return  # not one of ours (secrets.token_urlsafe): never written into the page
    st.session_state.cookie_set = token
    secure = "; Secure" if str(st.context.url or "").startswith("https:") else ""
    age = int(Settings().auth.session_hours * 3600) if token else 0
    st.html(
        f"<script>document.cookie = '{COOKIE}={token or ''}; Path=/; Max-Age={age}; "
        f"SameSite=Strict{secure}';</script>",
        unsafe_allow_javascript=True,
    )


def sign_out() -> None:
    """End this browser's session (its cookie too) and forget the conversation: each
    user's is their own, nothing carries over."""
    token = _token()
    if token:
        get_kb().users.end_session(token)
    st.session_state.clear()
    st.session_state.cookie_set = "ended"  # the next run clears the cookie


def _sign_in_form(kb: KnowledgeBase) -> None:
    st.title("长三角政策知识库")
    st.caption("请先登录。还没有账户的，请向管理员申请。")
    with st.form("sign-in"):
        name = st.text_input("用户名", max_chars=kb.settings.auth.max_username_chars)
        password = st.text_input("密码", type="password")
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        return
    users = Users(kb.store.catalog, kb.settings.auth)  # the limits: kb/store/users.py
    address = client_address_here(kb.settings.auth.trusted_proxies)
    try:  # failures and sign-ins are audited there, as far as the limits let them count
        who = users.authenticate(name.strip(), password, address, audit=kb.audit)
    except AuthError as e:  # LockedOut included
        st.error(str(e))
        return
    sign_out()
    st.session_state.user_name = who.name
    st.session_state.session = kb.users.start_session(who.name)
    st.rerun()


def client_address_here(trusted: list[str]) -> str:
    """This session's client address. Streamlit gives none for a loopback peer (the
    documented deployment: counted as 127.0.0.1), and its server (uvicorn) has already put
    an X-Forwarded-For hop in place of a loopback peer; either way the peer was this
    machine, and the header counts only if KB_AUTH__TRUSTED_PROXIES lists it."""
    forwarded = st.context.headers.get_all("X-Forwarded-For")
    ip = st.context.ip_address
    if not isinstance(ip, str) or ip in forwarded_hops(forwarded):
        ip = "127.0.0.1"
    return client_address(ip, forwarded, trusted)
