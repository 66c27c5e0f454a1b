"""Streamlit's own English texts, in Chinese: an official reads no English on any page.

What a widget's parameters can say is said there (``placeholder=PICK`` on every multiselect,
see ``multiselect_placeholder``). What Streamlit 1.67 offers no parameter for (the file
uploader's button, hint and drag overlay; "Press Enter to apply"; the running indicator's
"Stop"; a multiselect's "Select all" and "No results") is replaced by CSS: the English text is
set at font size 0 and the Chinese shown in its ``::after``. The stylesheet is built from the
constants below only, never from user or document text; ``chinese_widgets()`` adds it to the
page with ``st.html`` (a page of style tags only takes no room), once per page run.

The selectors follow the ``data-testid`` attributes of Streamlit 1.67's frontend; after an
upgrade, tests/test_widgets.py checks in a real browser that each still finds its text.
"""

from __future__ import annotations

import streamlit as st

PICK = "请选择"  # a multiselect's placeholder ("Choose options")
NOTHING = "没有可选项"  # ... when it has no options ("No options to select")

_UPLOADER = '[data-testid="stFileUploaderDropzone"]'
_DROPDOWN = '[data-testid$="Dropdown"]'
_HINT = '[data-testid="InputInstructions"] > span:first-child'
_INPUT, _NUMBER, _AREA = ('[data-testid="stTextInput"]', '[data-testid="stNumberInput"]',
                          '[data-testid="stTextArea"]')  # fmt: skip
_RUNNING = '[data-testid="stStatusWidget"] :has(> [data-testid="stStatusWidgetRunningIcon"])'
# (what holds the English text, its Chinese, font size of the text it replaces)
TEXTS: tuple[tuple[str, str, str], ...] = (
    # the uploader's button ("Upload") and the hint beside it ("50MB per file • PDF, …": the
    # page says the limit and the types in its own words)
    (f'{_UPLOADER} [data-testid="stBaseButton-secondary"] p', "选择文件", "0.875rem"),
    ('[data-testid="stFileUploaderDropzoneInstructions"] span', "或将文件拖放到此处", "0.875rem"),
    # while files are dragged over it ("Drag and drop files here")
    (f"{_UPLOADER} > div:not([data-testid]) > span", "松开鼠标即可添加文件", "0.875rem"),
    # below an input being typed in ("Press Enter to apply" / "… to submit form"; the count
    # of characters, when there is one, comes after it)
    (f"{_INPUT} {_HINT}", "按回车键确认", "0.75rem"),
    (f"{_NUMBER} {_HINT}", "按回车键确认", "0.75rem"),
    (f"{_AREA} {_HINT}", "按 Ctrl+回车键确认", "0.75rem"),
    (f'[data-testid="stForm"] {_INPUT} {_HINT}', "按回车键提交", "0.75rem"),
    (f'[data-testid="stForm"] {_NUMBER} {_HINT}', "按回车键提交", "0.75rem"),
    (f'[data-testid="stForm"] {_AREA} {_HINT}', "按 Ctrl+回车键提交", "0.75rem"),
    # the running indicator's button ("Stop", then "Stopping..."), not the buttons offered
    # when the app's code changed (a developer's)
    (f"{_RUNNING} button:enabled", "停止", "0.875rem"),
    (f"{_RUNNING} button:disabled", "正在停止…", "0.875rem"),
    # a multiselect's dropdown: "Select all" / "Select 3 matches", and "No results"
    (f'{_DROPDOWN} [data-key="__select_all__"] [data-item-hl]', "全选", "0.875rem"),
    (f'{_DROPDOWN} [data-empty="true"] > [role="option"] > span', "没有匹配的选项", "0.875rem"),
)


def stylesheet() -> str:
    """The CSS replacing each English text of TEXTS with its Chinese."""
    rules = []
    for selector, text, size in TEXTS:
        rules.append(f"{selector}{{font-size:0 !important;}}")
        rules.append(f'{selector}::after{{content:"{text}";font-size:{size};}}')
    return "\n".join(rules)


def chinese_widgets() -> None:
    """Streamlit's own texts on this page in Chinese (call once per page, anywhere)."""
    st.html(f"<style>{stylesheet()}</style>")


def multiselect_placeholder(options) -> str:
    """The placeholder of a multiselect with these options: PICK, or NOTHING when there are
    none (Streamlit's own would read "Choose options" / "No options to select")."""
    return PICK if len(options) else NOTHING
