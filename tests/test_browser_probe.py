"""The 检索测试 page in a real browser (headless Chromium, as tests/test_browser.py drives it):
a question the corpus cannot answer shows its ranked passages and why it was refused."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from kb.probe import probe
from tests.test_browser import ARTIFACTS, _body, app_url, browser  # noqa: F401  (fixtures)

REFUSED = "2025年上海的GDP是多少？"  # yrd.yaml q84: must refuse


def test_probe_page_explains_a_refusal(app_url, browser, corpus_kb):  # noqa: F811
    first = probe(corpus_kb, REFUSED, audit=False)["passages"][0]
    wait = WebDriverWait(browser, 120)
    browser.get(app_url + "/检索测试")
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label='问题']")))
    box.send_keys(REFUSED)
    box.send_keys(Keys.ENTER)  # submits the form
    wait.until(lambda d: "因此拒答" in _body(d))
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"))
    # the metrics and the analysis table are drawn a moment after the text around them
    wait.until(lambda d: "拒答阈值" in _body(d) and "问题类型" in _body(d))
    body = _body(browser)
    assert "0.31" in body and "因此拒答：检索到的段落都没有给出上海2025年的“GDP”。" in body
    assert "主题词" in body and "gdp" in body and "检索到的段落（" in body
    # one expander per passage, each opening on the passage and its sentences' scores
    heads = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
    passage = next(h for h in heads if "[1] " in h.text)
    browser.execute_script("arguments[0].scrollIntoView();", passage)
    passage.click()
    details = passage.find_element(By.XPATH, "./ancestor::*[@data-testid='stExpander']")
    wait.until(lambda d: details.find_element(By.CSS_SELECTOR, "[data-testid='stDataFrame']"))
    assert first["title"] in passage.text
    # the passage itself, above its sentences' scores
    assert first["text"].strip().splitlines()[0][:10] in details.text
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "probe.png"))
