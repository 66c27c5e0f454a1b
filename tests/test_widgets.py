"""Streamlit's own English texts are shown in Chinese (app/widgets.py): the placeholders of
every multiselect on the pages, and, in a real browser, the texts Streamlit has no parameter
for (the file uploader, "Press Enter to apply", "Stop", "Select all", "No results")."""

from __future__ import annotations

import ast
import os
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.widgets import NOTHING, PICK, TEXTS, stylesheet
from tests.conftest import ROOT, free_port, serving, settings_env

PAGES = ROOT / "app"


def test_the_stylesheet_is_built_from_our_constants_only():
    css = stylesheet()
    assert "<" not in css and ">" in css  # child selectors; no markup can close the <style>
    for selector, text, _ in TEXTS:
        assert f'{selector}::after{{content:"{text}";' in css
        assert '"' not in text and "\\" not in text and not any(c.isascii() and c.isalpha()
                                                                 for c in text.replace("Ctrl", ""))  # fmt: skip


def test_every_multiselect_on_our_pages_has_a_chinese_placeholder():
    """Streamlit's default reads "Choose options" (or "No options to select")."""
    mine = [PAGES / "evalview.py", PAGES / "compare.py",
            *(PAGES / "views" / f"{p}.py" for p in ("1_文档库", "2_评测", "3_上传", "4_时间线"))]  # fmt: skip
    seen = 0
    for path in mine:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("multiselect"):
                seen += 1
                assert "placeholder" in {k.arg for k in node.keywords}, (path.name, node.lineno)
    assert seen >= 2


def test_pages_show_chinese_placeholders(corpus_settings, monkeypatch):
    settings_env(monkeypatch, corpus_settings)
    at = AppTest.from_file(str(PAGES / "views" / "4_时间线.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert at.multiselect[0].proto.placeholder == "全部类型"
    up = AppTest.from_file(str(PAGES / "views" / "3_上传.py"), default_timeout=120)
    up.run()
    assert not up.exception
    groups = up.multiselect[0]
    assert groups.proto.placeholder == NOTHING and groups.proto.disabled  # no group yet


# ---------------------------------------------------------------- in a real browser
PROBE = """
import time
import streamlit as st
from app.widgets import chinese_widgets, multiselect_placeholder
chinese_widgets()
st.multiselect("地区", ["上海", "江苏", "浙江"], placeholder=multiselect_placeholder([1]))
st.multiselect("组", [], placeholder=multiselect_placeholder([]))
st.file_uploader("文件", type=["txt", "pdf"], accept_multiple_files=True)
st.text_input("标题", key="plain")
with st.form("f"):
    st.text_input("用户名", key="in_form")
    st.form_submit_button("提交")
if st.button("慢"):
    time.sleep(6)
"""


def _after(driver, css: str) -> tuple[str, str]:
    """(font size of the element ``css`` finds, the content of its ::after)."""
    from selenium.webdriver.common.by import By

    e = driver.find_element(By.CSS_SELECTOR, css)
    return tuple(
        driver.execute_script(
            "return [getComputedStyle(arguments[0]).fontSize,"
            " getComputedStyle(arguments[0], '::after').content]",
            e,
        )
    )


@pytest.mark.skipif(not Path("/usr/bin/chromedriver").exists(), reason="no Chromium")
def test_streamlit_texts_are_chinese_in_the_browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = tmp_path / "probe.py"
    page.write_text(PROBE, encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [str(Path(sys.executable).parent / "streamlit"), "run", str(page),
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1400", f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        opts.add_argument(flag)
    log = ROOT / "artifacts" / "browser" / "widgets.log"
    with serving(cmd, env, f"{url}/_stcore/health", log, "streamlit"):
        d = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
        try:
            _check_page(d, url, WebDriverWait(d, 60), By)
        finally:
            d.quit()


def _check_page(d, url: str, wait, By) -> None:  # noqa: N803 - selenium's By, passed in
    d.get(url)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stFileUploader']"))
    up = '[data-testid="stFileUploaderDropzone"]'
    assert _after(d, f'{up} [data-testid="stBaseButton-secondary"] p') == ("0px", '"选择文件"')
    hint = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    assert _after(d, hint) == ("0px", '"或将文件拖放到此处"')
    inputs = d.find_elements(By.CSS_SELECTOR, "[data-testid='stMultiSelect'] input")
    assert [i.get_attribute("placeholder") for i in inputs] == [PICK, NOTHING]
    # a file dragged over the uploader
    d.execute_script(
        "const dt = new DataTransfer(); dt.items.add(new File(['x'], 'a.txt'));"
        "arguments[0].dispatchEvent(new DragEvent('dragenter', {dataTransfer: dt, bubbles: true}))",
        d.find_element(By.CSS_SELECTOR, up),
    )
    overlay = f"{up} > div:not([data-testid]) > span"
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, overlay))
    assert _after(d, overlay) == ("0px", '"松开鼠标即可添加文件"')
    # typing in a text input, alone and in a form
    for key, words in (("plain", "按回车键确认"), ("in_form", "按回车键提交")):
        box = d.find_element(By.CSS_SELECTOR, f".st-key-{key} input")
        box.click()
        box.send_keys("abc")
        hint = f'.st-key-{key} [data-testid="InputInstructions"] > span:first-child'
        wait.until(lambda d, h=hint: d.find_elements(By.CSS_SELECTOR, h))
        assert _after(d, hint) == ("0px", f'"{words}"')
    # a multiselect's dropdown: "Select all", then "No results"
    inputs[0].click()
    select_all = '[data-key="__select_all__"] [data-item-hl]'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, select_all))
    assert _after(d, select_all) == ("0px", '"全选"')
    inputs[0].send_keys("没有这个地区")
    empty = '[data-empty="true"] > [role="option"] > span'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, empty))
    assert _after(d, empty) == ("0px", '"没有匹配的选项"')
    d.execute_script("document.activeElement.blur()")
    # the running indicator while the page runs
    d.find_element(By.XPATH, "//button[.//p[text()='慢']]").click()
    stop = '[data-testid="stStatusWidget"] button'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, stop))
    time.sleep(0.2)
    assert _after(d, stop) == ("0px", '"停止"')
