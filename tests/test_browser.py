"""A real browser: Debian's headless Chromium drives the app served on a loopback port."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT, free_port, wait_until_serving

ARTIFACTS = ROOT / "artifacts" / "browser"


@pytest.fixture
def app_url(corpus_settings):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_HOME=str(corpus_settings.home), KB_CORPUS_DIR=str(corpus_settings.corpus_dir),
        KB_PROJECT_ROOT=str(corpus_settings.project_root), KB_PROGRESS="false",
    )  # fmt: skip
    exe = Path(sys.executable).parent / "streamlit"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "streamlit.log", "w")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [str(exe), "run", str(ROOT / "app" / "main.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(proc, f"{url}/_stcore/health", 90, "streamlit")
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture
def browser(tmp_path):
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
    driver.quit()


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
    answer = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[1]
    assert "[1]" in answer.text
    # the answer text streams in before the sources are drawn: wait for them
    sources = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[
            1
        ].find_elements(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
    )
    answer = browser.find_elements(By.CSS_SELECTOR, "[data-testid='stChatMessage']")[1]
    assert "[1] 吴江区融入长三角区域协同创新的实践策略" in sources[0].text
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
