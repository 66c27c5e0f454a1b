"""Entry point: `streamlit run app/main.py`. Pages live in their own thin modules; every page
is reached through here, so nobody sees one before signing in (once users exist)."""

from __future__ import annotations

import streamlit as st

from app.state import current_user, get_kb, sign_out
from app.widgets import chinese_widgets
from kb.store.access import ANONYMOUS

st.set_page_config(page_title="长三角政策知识库", page_icon="📚", layout="wide")
chinese_widgets()  # Streamlit's own texts in Chinese, on every page and the sign-in form
# (page, title, icon, address): the first is the default page; 上传 and 管理 need rights.
PAGES = [
    ("chat.py", "问答", ":material/forum:", ""),
    ("views/1_文档库.py", "文档库", ":material/description:", "文档库"),
    ("views/2_评测.py", "评测", ":material/analytics:", "评测"),
    ("views/6_检索测试.py", "检索测试", ":material/manage_search:", "检索测试"),
    ("views/4_时间线.py", "时间线", ":material/timeline:", "时间线"),
    ("views/3_上传.py", "上传", ":material/upload_file:", "上传"),
    ("views/5_管理.py", "管理", ":material/admin_panel_settings:", "管理"),
]
kb = get_kb()
# the sign-in form, and a stop, when users exist and none signed in
who = current_user(kb, [path for *_, path in PAGES])
st.session_state.principal = who
signed_in = who is not ANONYMOUS  # current_user gives it only when no user exists
allowed = {"上传": who.can_upload, "管理": signed_in and who.admin}
pages = [
    st.Page(page, title=title, icon=icon, default=not path, **({"url_path": path} if path else {}))
    for page, title, icon, path in PAGES
    if allowed.get(path, True)
]
if signed_in:
    with st.sidebar:
        st.caption(f"已登录：**{who.name}**" + ("（管理员）" if who.admin else ""))
        st.button("退出登录", on_click=sign_out)
st.navigation(pages).run()
