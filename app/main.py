"""Entry point: `streamlit run app/main.py`. Pages live in their own thin modules; every page
is reached through here, so nobody sees one before signing in (once users exist)."""

from __future__ import annotations

import streamlit as st

from app.state import current_user, get_kb, sign_out

st.set_page_config(page_title="长三角政策知识库", page_icon="📚", layout="wide")
kb = get_kb()
who = current_user(kb)  # the sign-in form, and a stop, when users exist and none signed in
st.session_state.principal = who
pages = [
    st.Page("chat.py", title="问答", icon=":material/forum:", default=True),
    st.Page("views/1_文档库.py", title="文档库", icon=":material/description:", url_path="文档库"),
    st.Page("views/2_评测.py", title="评测", icon=":material/analytics:", url_path="评测"),
    st.Page("views/4_时间线.py", title="时间线", icon=":material/timeline:", url_path="时间线"),
]
if who.can_upload:
    pages.append(
        st.Page("views/3_上传.py", title="上传", icon=":material/upload_file:", url_path="上传")
    )
signed_in = kb.users.exist()
if signed_in and who.admin:
    pages.append(
        st.Page(
            "views/5_管理.py", title="管理", icon=":material/admin_panel_settings:", url_path="管理"
        )
    )
if signed_in:
    with st.sidebar:
        st.caption(f"已登录：**{who.name}**" + ("（管理员）" if who.admin else ""))
        st.button("退出登录", on_click=sign_out)
st.navigation(pages).run()
