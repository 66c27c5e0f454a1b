"""Entry point: `streamlit run app/main.py`. Pages live in their own thin modules."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="长三角政策知识库", page_icon="📚", layout="wide")
st.navigation(
    [
        st.Page("chat.py", title="问答", icon=":material/forum:", default=True),
        st.Page(
            "views/1_文档库.py", title="文档库", icon=":material/description:", url_path="文档库"
        ),
        st.Page("views/2_评测.py", title="评测", icon=":material/analytics:", url_path="评测"),
        st.Page("views/4_时间线.py", title="时间线", icon=":material/timeline:", url_path="时间线"),
        st.Page("views/3_上传.py", title="上传", icon=":material/upload_file:", url_path="上传"),
    ]
).run()
