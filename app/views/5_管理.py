"""管理 (admins only): users and groups, who may read each document, the audit trail.
Thin: every rule lives in kb.store.users, kb.store.access and kb.store.audit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import feedbackview
from app.state import get_kb, user
from app.widgets import multiselect_placeholder
from kb.core import zh
from kb.core.errors import KBError
from kb.store.feedback import FeedbackLog

st.set_page_config(page_title="管理 · 长三角政策知识库", page_icon="🛡️", layout="wide")
kb = get_kb()
who = user()
if not who.admin or not kb.users.exist():  # main.py does not list the page; a typed URL ends here
    st.error("只有管理员可以打开此页。")
    st.stop()
st.title("管理")
users_tab, access_tab, audit_tab, feedback_tab = st.tabs(
    ["用户与组", "文档权限", "审计日志", "反馈"]
)


def done(msg: str) -> None:
    st.session_state.admin_msg = msg
    st.rerun()


if msg := st.session_state.pop("admin_msg", None):
    st.success(msg)

with users_tab:
    users = kb.users.list_users()
    st.dataframe(
        pd.DataFrame(
            [{"用户": u.name, "组": "、".join(u.groups), "管理员": "是" if u.admin else "",
              "创建时间": u.created_at} for u in users]
        ),
        hide_index=True,
        use_container_width=True,
    )  # fmt: skip
    with st.form("add-user", clear_on_submit=True):
        st.markdown("**添加用户**")
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("用户名")
        password = c2.text_input("初始密码（至少 8 位）", type="password")
        groups = c3.text_input("组（逗号分隔，如 finance,office；editor 可上传）")
        admin = st.checkbox("管理员")
        if st.form_submit_button("添加"):
            try:
                u = kb.users.add(name.strip(), password, groups, admin)
            except KBError as e:
                st.error(str(e))
            else:
                kb.audit.append(who.name, "user_add", u.name, groups=u.groups, admin=u.admin)
                done(f"已添加用户 {u.name}")
    names = [u.name for u in users]
    with st.form("edit-user"):
        st.markdown("**修改用户**")
        c1, c2 = st.columns(2)
        target = c1.selectbox("用户", names)
        current = next((u for u in users if u.name == target), None)
        new_groups = c2.text_input("组（逗号分隔）", ",".join(current.groups) if current else "")
        make_admin = st.checkbox("管理员", bool(current and current.admin))
        new_password = st.text_input("新密码（留空不改）", type="password")
        c3, c4 = st.columns(2)
        save = c3.form_submit_button("保存")
        remove = c4.form_submit_button("删除该用户")
    if save and target:
        try:
            u = kb.users.set_groups(target, new_groups, make_admin)
            kb.audit.append(who.name, "user_groups", target, groups=u.groups, admin=u.admin)
            if new_password:
                kb.users.passwd(target, new_password)
                kb.audit.append(who.name, "passwd", target)
        except KBError as e:
            st.error(str(e))
        else:
            done(f"已更新 {target}")
    if remove and target:
        if target == who.name:
            st.error("不能删除当前登录的自己。")
        else:
            kb.users.remove(target)
            kb.audit.append(who.name, "user_remove", target)
            done(f"已删除用户 {target}")

with access_tab:
    docs = kb.documents(who)
    st.dataframe(
        pd.DataFrame(
            [{"标题": d.title, "可读": "所有用户" if d.access is None else "、".join(d.access),
              "来源": d.source, "ID": d.doc_id} for d in docs]
        ),
        hide_index=True,
        use_container_width=True,
    )  # fmt: skip
    if docs:
        known = sorted({g for u in kb.users.list_users() for g in u.groups})
        with st.form("doc-access"):
            titles = {d.doc_id: d.title for d in docs}
            doc_id = st.selectbox("文档", list(titles), format_func=titles.get)
            picked = st.multiselect(
                "可读的组（留空：所有用户）", known, placeholder=multiselect_placeholder(known)
            )
            if st.form_submit_button("应用（无需重新向量化）"):
                try:
                    changed = kb.set_access(doc_id, picked or None, who)
                except KBError as e:
                    st.error(str(e))
                else:
                    done("已更新文档权限" if changed else "权限未变化")

with audit_tab:
    c1, c2 = st.columns(2)
    only = c1.selectbox("用户", ["（全部）", *[u.name for u in kb.users.list_users()]])
    since = c2.date_input("起始日期", value=None)
    entries = kb.audit.entries(
        None if only == "（全部）" else only, since.isoformat() if since else None, limit=500
    )
    st.caption(f"最近 {len(entries)} 条（保留 {kb.settings.audit_retention_days} 天）")
    st.dataframe(
        pd.DataFrame(
            [{"时间": zh.when(e.ts), "用户": e.user, "操作": zh.action(e.action),
              "对象": e.target or "", "详情": zh.detail(e.detail)} for e in entries]
        ),
        hide_index=True,
        use_container_width=True,
    )  # fmt: skip

with feedback_tab:
    feedbackview.show(FeedbackLog(kb.store.catalog))
