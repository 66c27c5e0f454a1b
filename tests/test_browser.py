"""A real browser: Debian's headless Chromium drives the app served on a loopback port."""

from __future__ import annotations

import io
import os
import re
import sys
import time
from pathlib import Path

import docx
import pytest
from embedders import HASH
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT, free_port, serving

ARTIFACTS = ROOT / "artifacts" / "browser"


def _streamlit(s, log_name: str, **extra: str):
    """The app as `make run` serves it, on a free loopback port, on the store of settings ``s``
    (plus ``extra`` KB_* variables)."""
    port = free_port()
    env_kb = {"KB_HOME": str(s.home), "KB_CORPUS_DIR": str(s.corpus_dir),
              "KB_PROJECT_ROOT": str(s.project_root), "KB_PROGRESS": "false", **extra}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | env_kb
    # This checkout's packages, not those of whichever checkout the venv was installed from.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    exe = Path(sys.executable).parent / "streamlit"
    cmd = [str(exe), "run", str(ROOT / "app" / "main.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    return url, serving(cmd, env, f"{url}/_stcore/health", ARTIFACTS / log_name, "streamlit")


@pytest.fixture
def app_url(corpus_settings):
    url, server = _streamlit(corpus_settings, "streamlit.log")
    with server:
        yield url


@pytest.fixture
def browser(tmp_path, request):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1800", f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        opts.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(options=opts, service=Service("/usr/bin/chromedriver"))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.downloads = downloads
    yield driver
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        _save_failure(driver, request.node.name)
    driver.quit()


def _save_failure(driver, name: str) -> None:
    """What the page showed when a test failed: a screenshot and the page in artifacts/, and
    the page's text, its chat inputs and the browser console in the test's output."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}-failed.png"))
    (ARTIFACTS / f"{name}-failed.html").write_text(driver.page_source, encoding="utf-8")
    inputs = [
        (e.get_attribute("disabled"), e.is_displayed())
        for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']")
    ]
    running = [
        e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")
    ]
    print(f"chat inputs (disabled, displayed): {inputs}; status widget: {running}")
    print("page text:", _body(driver)[:1500])
    print("console:", driver.get_log("browser")[-20:])
    for log in sorted(ARTIFACTS.glob("streamlit*.log"), key=lambda p: p.stat().st_mtime)[-1:]:
        print(
            f"{log.name}, last lines:",
            *log.read_text(errors="replace").splitlines()[-30:],
            sep="\n",
        )


def test_ask_expand_citation_and_export_word(app_url, browser):
    wait = WebDriverWait(browser, 120)
    browser.get(app_url)
    box = wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))
    )
    box.send_keys("G60科创走廊是如何治理的？")
    box.send_keys(Keys.ENTER)
    wait.until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")) >= 2
    )
    wait.until(
        lambda d: (
            "联席会议" in d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[1].text
        )
    )
    # the answer is drawn again once stored (with its actions): wait for the page's run to end
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"))
    answer = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[1]
    assert "[1]" in answer.text
    # the answer text streams in before the sources are drawn: wait for them
    sources = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[
            1
        ].find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
    )
    answer = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[1]
    # a passage cited twice is one source with both numbers
    assert re.search(r"\[1\](\[\d+\])* 吴江区融入长三角区域协同创新的实践策略", sources[0].text)
    assert sources[0].is_displayed()
    sources[0].click()
    wait.until(
        lambda d: (
            "联席会议制度为主"
            in answer.find_element(By.CSS_SELECTOR, "[data-testid='stExpanderDetails']").text
        )
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "chat.png"))

    # the page has finished its run (no "running" status) before we export
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"))
    export = wait.until(
        EC.element_to_be_clickable((By.XPATH, "//button[contains(., 'Word 简报')]"))
    )
    browser.execute_script("arguments[0].scrollIntoView();", export)
    export.click()
    deadline = time.time() + 60
    files: list[Path] = []
    while time.time() < deadline:
        files = [f for f in browser.downloads.iterdir() if f.suffix == ".docx"]
        if files:
            break
        time.sleep(0.5)
    assert files, "the Word brief was not downloaded"
    d = docx.Document(io.BytesIO(files[0].read_bytes()))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "G60科创走廊是如何治理的" in text and "注释" in text and "联席会议" in text
    browser.save_screenshot(str(ARTIFACTS / "after-export.png"))


def test_timeline_page_draws_records(app_url, browser):
    wait = WebDriverWait(browser, 120)
    browser.get(app_url + "/时间线")
    chart = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, "[data-testid='stVegaLiteChart'] canvas, "
                                        "[data-testid='stVegaLiteChart'] svg"))
    )  # fmt: skip
    assert chart.size["width"] > 300 and chart.size["height"] > 100
    wait.until(lambda d: "条记录" in d.find_element(By.TAG_NAME, "body").text)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "timeline.png"))


@pytest.fixture
def eval_app_url(corpus_settings, tmp_path):
    """The app on a copy of the store holding two saved eval runs of a tiny dataset, edited
    between them so one question goes pass → fail and another fail → pass."""
    from evals.history import APP_RUNS, run_into
    from evals.runner import evaluate
    from tests.evalruns import private_home, tiny_dataset

    s = private_home(corpus_settings, tmp_path / "kb")
    for flipped in (False, True):
        ds = tiny_dataset(tmp_path / "tiny.yaml", flipped)
        run_into(s.home / APP_RUNS, ds, "default", lambda d, ds=ds: evaluate(ds, s, out_dir=d)[0])
    url, server = _streamlit(s, "streamlit-eval.log")
    with server:
        yield url


def test_eval_page_history_and_comparison(eval_app_url, browser):
    wait = WebDriverWait(browser, 120)
    browser.get(eval_app_url + "/评测")
    wait.until(lambda d: "历史记录（" in _body(d) and "完全正确率" in _body(d))
    # both saved runs are listed (a developer's own evals/runs may add more), the newest open
    assert int(re.search(r"历史记录（(\d+) 次）", _body(browser)).group(1)) >= 2
    assert "结果：3 题" in _body(browser)
    assert "指标变化" not in _body(browser)  # the comparison sits in the other tab
    _click(wait, "//*[@data-testid='stTab'][contains(., '对比两次运行')]")
    wait.until(lambda d: "指标变化" in _body(d))
    body = _body(browser)
    assert "通过 → 未通过（1）" in body and "未通过 → 通过（1）" in body
    assert "A（基准）" in body and "B（对比）" in body
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "eval-compare.png"))


@pytest.fixture
def access_app_url(tmp_path):
    """The app on a store with users and a document only group finance may read."""
    from evals.history import APP_RUNS
    from evals.runner import evaluate
    from kb.store.store import Store
    from kb.store.users import Users
    from tests.test_access import build

    s = build(tmp_path)
    users = Users(Store(s).catalog)
    users.add("alice", "alice-password", ["office"])
    users.add("bob", "bob-password", ["finance"])
    # An eval run the operator made: it quotes the finance document, so only bob may open it.
    ds = tmp_path / "q.yaml"
    ds.write_text("- id: secret\n  question: 2024年财政专项资金预算是多少？\n", encoding="utf-8")
    evaluate(ds, s, out_dir=s.home / APP_RUNS / "operator-run")
    url, server = _streamlit(s, "streamlit-access.log", KB_EMBED_MODEL=HASH)
    with server:
        yield url


def _sign_in(browser, wait, name: str, password: str) -> None:
    # The form is drawn before its fields, and after a sign-out the page reruns and may draw it
    # again while it is being filled: start over whenever an element goes stale.
    def fill(d) -> bool:
        try:
            form = d.find_element(By.CSS_SELECTOR, "[data-testid='stForm']")
            pw_box = form.find_element(By.CSS_SELECTOR, "input[type='password']")
            if not (pw_box.is_displayed() and pw_box.is_enabled()):
                return False
            user_box = form.find_element(By.CSS_SELECTOR, "input[type='text']")
            user_box.clear()
            user_box.send_keys(name)
            pw_box.clear()
            pw_box.send_keys(password)
            form.find_element(By.XPATH, ".//button[contains(., '登录')]").click()
            return True
        except StaleElementReferenceException:
            return False

    wait.until(fill)


def _click(wait, xpath: str) -> None:
    # a rerun may redraw the button between finding and clicking it: find it again then
    def click(d) -> bool:
        try:
            button = EC.element_to_be_clickable((By.XPATH, xpath))(d)
            if button:
                button.click()
            return bool(button)
        except StaleElementReferenceException:
            return False

    wait.until(click)


def _body(browser) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def _title(browser) -> str:
    """The page's main heading."""
    return " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, "h1"))


def _open_page(browser, wait, title: str) -> None:
    # Through the sidebar: a new page load would start a new conversation.
    _click(wait, f"//*[@data-testid='stSidebarNav']//a[contains(., '{title}')]")


def _ask(browser, wait, question: str) -> str:
    box = wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']"))
    )
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait.until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")) >= 2
    )
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"))

    def answered(d) -> str | None:
        # the answer is drawn again once stored (with its actions): wait for its text
        messages = d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")
        text = messages[1].text if len(messages) > 1 else ""
        shown = text.replace("smart_toy", "").strip()
        return text if shown and "检索中……" not in shown else None  # not the spinner

    return wait.until(answered)


def _library_titles(browser, wait) -> list[str]:
    """The documents the 文档库 page offers to read (its table is drawn on a canvas)."""
    _open_page(browser, wait, "文档库")
    box = wait.until(
        EC.element_to_be_clickable(
            (By.XPATH, "//*[@data-testid='stSelectbox'][.//label[contains(., '阅读文档')]]//input")
        )
    )
    box.click()
    options = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role='option']"))
    titles = [o.text for o in options]
    box.send_keys(Keys.ESCAPE)
    return titles


def _timeline_search(browser, wait, text: str) -> str:
    _open_page(browser, wait, "时间线")
    box = wait.until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, "input[placeholder='如：G60、联盟']"))
    )
    box.send_keys(text)
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: "条记录" in _body(d) or "没有符合条件的记录" in _body(d))
    return _body(browser)


def test_sign_in_and_what_each_user_sees(access_app_url, browser):
    wait = WebDriverWait(browser, 120)
    browser.get(access_app_url)
    _sign_in(browser, wait, "alice", "not her password")
    wait.until(lambda d: "用户名或密码错误" in _body(d))
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatInputTextArea']")
    for title in ("文档库", "时间线"):  # no page is reachable before signing in
        browser.get(f"{access_app_url}/{title}")
        wait.until(lambda d: "请先登录" in _body(d))
        assert "临江" not in _body(browser)
        assert not browser.find_elements(By.CSS_SELECTOR, "[role='dialog']")  # no "not found"
    # a link to a page opens it once signed in
    _sign_in(browser, wait, "bob", "bob-password")
    wait.until(lambda d: "已登录：bob" in _body(d) and "时间线" in _title(d))
    # Issue 20: a reload, and a page opened by its address (as a link in a new tab does),
    # stay signed in: the session's cookie.
    browser.get(access_app_url)
    wait.until(lambda d: "已登录：bob" in _body(d))
    browser.switch_to.new_window("tab")
    browser.get(f"{access_app_url}/文档库")
    wait.until(lambda d: "已登录：bob" in _body(d) and "文档库" in _title(d))
    browser.close()
    browser.switch_to.window(browser.window_handles[0])
    _click(wait, "//button[contains(., '退出登录')]")
    wait.until(lambda d: "请先登录" in _body(d))
    browser.get(access_app_url)  # signed out stays signed out after a reload
    wait.until(lambda d: "请先登录" in _body(d))
    assert "已登录" not in _body(browser)

    _sign_in(browser, wait, "alice", "alice-password")
    answer = _ask(browser, wait, "2024年财政专项资金预算是多少？")
    assert "3.7亿" not in answer
    titles = _library_titles(browser, wait)
    assert "临江智能制造产业园简介" in titles and len(titles) == 2, titles
    assert "没有符合条件的记录" in _timeline_search(browser, wait, "合作协议")
    assert "管理" not in browser.find_element(By.CSS_SELECTOR, "[data-testid='stSidebarNav']").text
    _open_page(browser, wait, "评测")
    wait.until(lambda d: "还没有评测记录" in _body(d))  # the operator's run is not hers to see
    assert "3.7亿" not in _body(browser)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "signed-in-alice.png"))
    _click(wait, "//button[contains(., '退出登录')]")

    # Signed out, the last user's pages leave the sidebar; the next one signs in where it was.
    wait.until(lambda d: "请先登录" in _body(d))
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav']")
    _sign_in(browser, wait, "bob", "bob-password")
    wait.until(lambda d: "已登录：bob" in _body(d) and "评测" in _title(d))
    _open_page(browser, wait, "问答")
    answer = _ask(browser, wait, "2024年财政专项资金预算是多少？")
    assert "3.7亿元" in answer
    assert "财政专项资金使用情况内部纪要" in _library_titles(browser, wait)
    assert "共 1 条记录" in _timeline_search(browser, wait, "合作协议")
    _open_page(browser, wait, "评测")
    wait.until(lambda d: "历史记录（1 次）" in _body(d))  # bob may read what it quotes
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")


@pytest.fixture
def versions_app_url(tmp_path):
    """The app on a store holding a 2020 办法 and the 2024 version that repeals it."""
    from test_lifecycle import V1, V2

    from ingest.pipeline import ingest
    from tests.conftest import make_settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "v2020.txt").write_text(V1, encoding="utf-8")
    (docs / "v2024.txt").write_text(V2, encoding="utf-8")
    s = make_settings(tmp_path / "kb", corpus_dir=docs, project_root=tmp_path, embed_model=HASH)
    assert not ingest(None, s).failed
    url, server = _streamlit(s, "streamlit-versions.log", KB_EMBED_MODEL=HASH)
    with server:
        yield url


def test_library_shows_status_and_compares_versions(versions_app_url, browser):
    wait = WebDriverWait(browser, 120)
    browser.get(versions_app_url + "/文档库?doc=v2024")
    # the 对比 is offered with the version it replaces, without asking
    wait.until(lambda d: "条款增加 1，删除 1，修改 2" in _body(d))
    body = _body(browser)
    assert "效力（" in body and "现行有效" in body
    assert "【重新编号】第三条 → 第四条" in body and "【新增】第三条" in body
    # deleted words struck through in red, inserted ones in green
    struck = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stMarkdownContainer'] del")
    assert any(e.text == "三" for e in struck)
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "compare.png"))
    browser.get(versions_app_url + "/文档库?doc=v2020")
    wait.until(lambda d: "已废止" in _body(d))
    assert "被《上海市示范区促进办法》（沪示规〔2024〕7号）废止" in _body(browser)
