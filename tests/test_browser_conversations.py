"""Issue 20 in a real browser: a conversation survives a reload, and an official's 👎 reaches
the admin's 反馈 tab, where one click makes it an eval question."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_browser import (  # noqa: F401  (browser: a fixture)
    ARTIFACTS,
    _ask,
    _body,
    _click,
    _open_page,
    _sign_in,
    _streamlit,
    browser,
)

QUESTION = "临江智能制造产业园的工业产值是多少？"


@pytest.fixture
def users_app_url(tmp_path):
    from embedders import HASH

    from kb.store.store import Store
    from kb.store.users import Users
    from tests.test_access import build

    s = build(tmp_path)
    users = Users(Store(s).catalog)
    users.add("alice", "alice-password", ["office"])
    users.add("root", "root-password", [], admin=True)
    url, server = _streamlit(s, "streamlit-conversations.log", KB_EMBED_MODEL=HASH)
    with server:
        yield url


def test_a_conversation_survives_a_reload_and_feedback_reaches_the_admin(
    users_app_url,
    browser,  # noqa: F811  (the fixture imported above)
):
    wait = WebDriverWait(browser, 120)
    browser.get(users_app_url)
    _sign_in(browser, wait, "alice", "alice-password")
    _ask(browser, wait, QUESTION)
    wait.until(lambda d: "480亿元" in _body(d))
    wait.until(lambda d: "?c=" in d.current_url)  # the open conversation is in the address
    sidebar = "//*[@data-testid='stSidebar']"
    wait.until(
        EC.presence_of_element_located((By.XPATH, f"{sidebar}//button[contains(., '{QUESTION}')]"))
    )

    browser.refresh()  # a reload: still signed in, the same conversation on screen
    wait.until(lambda d: "已登录：alice" in _body(d))
    wait.until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")) == 2
    )
    # the answer's bubble is drawn before its text while the page is still running: wait for it
    wait.until(lambda d: "480亿元" in _body(d))
    # [1] in the answer is a link to its source, whose target is on the page
    link = browser.find_element(
        By.CSS_SELECTOR, "[data-testid='stChatMessage'] a[href$='#src-0-1']"
    )
    assert link.text == "[1]"
    wait.until(lambda d: d.find_elements(By.ID, "src-0-1"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "conversation-reloaded.png"))

    thumbs = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stFeedback'] button")
    )
    thumbs[-1].click()  # 👎
    box = wait.until(
        EC.element_to_be_clickable(
            (By.XPATH, "//*[@data-testid='stTextInput'][.//label[contains(., '哪里不对')]]//input")
        )
    )
    box.send_keys("没有说明是哪一年的产值")
    _click(wait, "//button[contains(., '提交反馈')]")
    wait.until(lambda d: "已记录" in _body(d))
    _click(wait, "//button[contains(., '退出登录')]")
    wait.until(lambda d: "请先登录" in _body(d))

    _sign_in(browser, wait, "root", "root-password")
    wait.until(lambda d: "已登录：root" in _body(d))
    assert QUESTION not in browser.find_element(By.XPATH, sidebar).text  # alice's, not root's
    _open_page(browser, wait, "管理")
    _click(wait, "//*[@role='tab'][contains(., '反馈')]")
    _click(wait, f"//details/summary[contains(., '{QUESTION}')]")
    wait.until(lambda d: "没有说明是哪一年的产值" in _body(d))
    _click(wait, "//button[contains(., '转为评测问题')]")
    wait.until(lambda d: "（已加入评测集）" in _body(d))
    _click(wait, f"//details/summary[contains(., '{QUESTION}')]")
    wait.until(lambda d: "wrong_answers" in _body(d))  # the question as the dataset holds it
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "feedback-tab.png"))
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
