#!/usr/bin/python3
"""Drives the manager's web console in headless Chromium (chromedriver + Selenium) and
prints TAP. Started by test-console, which runs the manager and seeds it; see there.

Environment: TONGBAN_CONSOLE_URL, TONGBAN_CONSOLE_PASSWORD; TONGBAN_CONSOLE_SHOTS=DIR also
saves a 1280x800 screenshot of every page in both languages.
"""

import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

BASE = os.environ["TONGBAN_CONSOLE_URL"]
PASSWORD = os.environ["TONGBAN_CONSOLE_PASSWORD"]
SHOTS = os.environ.get("TONGBAN_CONSOLE_SHOTS")
CJK = re.compile(r"[\u3400-\u9fff]")

results = []


def skip_all(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    skip_all("chromium or chromium-driver is not installed")
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    skip_all("python3-selenium is not installed")


def check(name):
    """Runs the decorated function as one TAP test point."""
    def wrap(fn):
        try:
            fn()
            results.append((True, name, None))
            print(f"ok {len(results)} - {name}", flush=True)
        except Exception:  # any failure is this test point's
            results.append((False, name, traceback.format_exc()))
            print(f"not ok {len(results)} - {name}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
        return fn
    return wrap


def http(method, path, token=None, body=None):
    req = urllib.request.Request(BASE + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def api_login(user):
    status, _, body = http("POST", "/api/v1/login", body={"username": user, "password": PASSWORD})
    assert status == 200, body
    return json.loads(body)["data"]["token"]


def audit_entries(token):
    out, after = [], 0
    while True:
        _, _, body = http("GET", f"/api/v1/audit?after={after}", token)
        page = json.loads(body)["data"]
        out += page
        if len(page) < 200:
            return out
        after = page[-1]["seq"]


# ---- Static files and their headers, before any browser ----

@check("console files: CSP without inline script, nosniff, no framing, revalidation")
def _():
    status, h, body = http("GET", "/console/")
    assert status == 200 and h["Content-Type"] == "text/html; charset=utf-8", (status, h)
    csp = h["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'", csp
    assert directives["script-src"] == "'self'", csp
    assert directives["style-src"] == "'self'", csp
    assert directives["frame-ancestors"] == "'none'", csp
    assert "unsafe" not in csp, csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Cache-Control"] == "no-cache"
    assert b"<script>" not in body and b"onclick" not in body and b"style=" not in body
    status, h2, body2 = http("GET", "/console/js/main.js")
    assert status == 200 and h2["Content-Type"] == "text/javascript; charset=utf-8"
    assert http("GET", "/console/console.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    req = urllib.request.Request(BASE + "/console/js/main.js", headers={"If-None-Match": h2["ETag"]})
    try:
        urllib.request.urlopen(req)
        raise AssertionError("no 304 for an unchanged file")
    except urllib.error.HTTPError as e:
        assert e.code == 304, e.code


@check("/ redirects to /console/; no traversal, hidden files, listing or other methods")
def _():
    status, h, _ = http("GET", "/")
    assert status == 302 and h["Location"] == "/console/", (status, h)
    for path in ["/console/%2e%2e/%2e%2e/etc/passwd", "/console/..%2fopenapi.json",
                 "/console/js/", "/console/js", "/console/.hidden.js", "/console/js//main.js",
                 "/console/js/%2e%2e%2findex.html", "/console/main.c", "/console/web/index.html"]:
        status, h, body = http("GET", path)
        assert status == 404, (path, status, body[:200])
        assert h.get("X-Content-Type-Options") == "nosniff", path
    status, h, _ = http("POST", "/console/", body={})
    assert status == 405 and h["Allow"] == "GET, HEAD", (status, h)
    status, h, body = http("HEAD", "/console/js/api.js")
    assert status == 200 and body == b"" and h["Content-Type"] == "text/javascript; charset=utf-8"
    assert int(h["Content-Length"]) == len(http("GET", "/console/js/api.js")[2]) > 1000, h


# ---- The browser ----

downloads = tempfile.mkdtemp(prefix="tongban-console-dl-")
options = webdriver.ChromeOptions()
options.binary_location = CHROMIUM
for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--window-size=1280,800", "--lang=zh-CN", "--no-first-run",
            "--disable-features=Translate,MediaRouter", "--password-store=basic"]:
    options.add_argument(arg)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                          "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
# 1280x800 is the page's viewport, not the window's outer size.
driver.get("about:blank")
outer = driver.get_window_size()
inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
driver.set_window_size(1280 + outer["width"] - inner[0], 800 + outer["height"] - inner[1])
WINDOW = driver.get_window_size()
driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
# The page re-renders what changed on each live refresh: an element found a moment ago may
# be gone, so waits retry, and reads of re-rendered parts go through one script call.
wait = WebDriverWait(driver, 15, ignored_exceptions=(NoSuchElementException,
                                                     StaleElementReferenceException))


def until(fn, what):
    return wait.until(lambda d: fn(), message=what)


def q(css):
    return driver.find_element(By.CSS_SELECTOR, css)


def qa(css):
    return driver.find_elements(By.CSS_SELECTOR, css)


def text(css):
    els = qa(css)
    return els[0].text if els else ""


def shot(name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        lang = driver.execute_script("return document.documentElement.lang")
        time.sleep(0.3)
        driver.save_screenshot(os.path.join(SHOTS, f"console-{name}-{lang}.png"))


def strings(lang):
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"import('./js/strings-{lang}.js').then((m) => done(m.default));")


def login(user, password=PASSWORD):
    until(lambda: qa("#login-user"), "login form")
    q("#login-user").clear()
    q("#login-user").send_keys(user)
    q("#login-password").clear()
    q("#login-password").send_keys(password)
    q("#login-submit").click()


def sign_out():
    q("#signout").click()
    until(lambda: qa("#login-form"), "login form after sign-out")


def browser_errors():
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def tree_item(code):
    return q(f'#region-tree li[data-code="{code}"]')


def tree_text(code, part):
    return driver.execute_script(
        "const li = document.querySelector(`#region-tree li[data-code=\"${arguments[0]}\"]`);"
        "const el = li && li.querySelector(`:scope > .node ${arguments[1]}`);"
        "return el ? el.textContent : null;", code, part)


def tree_count(code):
    return tree_text(code, ".node-count")


def expand(code):
    """By keyboard: focus the expander, press Enter."""
    def press():
        button = tree_item(code).find_element(By.CSS_SELECTOR, ":scope > .node .expander")
        if button.get_attribute("aria-expanded") == "false":
            driver.execute_script("arguments[0].focus()", button)
            button.send_keys(Keys.ENTER)
        return True
    until(press, f"expander of {code}")
    until(lambda: tree_item(code).find_elements(By.CSS_SELECTOR, ":scope > ul li"), f"children of {code}")


def row(number):
    rows = qa(f'table.terminals tr[data-number="{number}"]')
    return rows[0] if rows else None


def row_cells(css):
    return driver.execute_script(
        "const r = document.querySelector(arguments[0]);"
        "return r ? [...r.querySelectorAll('th, td')].map((c) => c.innerText) : null;", css)


def click(css):
    def go():
        q(css).click()
        return True
    until(go, f"click {css}")


zh = en = None
try:
    driver.get(BASE + "/")

    @check("/ opens the console in Simplified Chinese with the same strings in both tables")
    def _():
        global zh, en
        until(lambda: qa("#login-form"), "login form")
        assert driver.current_url == BASE + "/console/", driver.current_url
        assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
        zh, en = strings("zh-CN"), strings("en")
        assert set(zh) == set(en), set(zh) ^ set(en)
        assert q("#login-title").text == zh["login.title"]
        assert q("label[for=login-user]").text == zh["login.username"]
        shot("login")
        q("#lang-switch").click()
        until(lambda: q("#login-title").text == en["login.title"], "login in English")
        assert q("label[for=login-user]").text == en["login.username"]
        assert q("#lang-switch").text == "中文" and q("#lang-switch").get_attribute("lang") == "zh-CN"
        shot("login")
        q("#lang-switch").click()
        until(lambda: q("#login-title").text == zh["login.title"], "login in Chinese again")

    @check("a wrong password is refused in plain words; the right one opens terminals")
    def _():
        login("admin", "not-the-password")
        until(lambda: text("#login-error"), "login error")
        assert text("#login-error") == zh["login.wrong"], text("#login-error")
        assert q("#login-password").get_attribute("value") == ""
        shot("login-error")
        login("admin")
        until(lambda: qa("#region-tree"), "terminals page")
        assert driver.current_url.endswith("/console/#/terminals"), driver.current_url
        stored = driver.execute_script("return sessionStorage.getItem('tongban.console.session')")
        token = json.loads(stored)["token"]
        assert token not in driver.current_url
        assert driver.execute_script("return JSON.stringify(localStorage)").find(token) < 0
        nav = [a.text for a in qa("#navlist a")]
        assert nav == [zh["nav.terminals"], zh["nav.alarms"]], nav
        until(lambda: "广东省" in text("#who"), "the account's region by name")
        assert text("#who") == "admin（系统管理员，广东省）", text("#who")

    @check("the region tree counts terminals at every level, town included")
    def _():
        until(lambda: qa('#region-tree li[data-code="440000"]'), "Guangdong in the tree")
        assert q('#region-tree [data-code=""]').find_element(By.CSS_SELECTOR, ".node-count").text == "7 台"
        assert tree_count("440000") == "7 台"
        until(lambda: qa('#region-tree li[data-code="440100"]'), "cities under Guangdong")
        assert tree_count("440100") == "5 台", tree_count("440100")
        assert tree_count("440300") == "1 台"
        assert tree_count("441900") == "1 台"
        assert not qa('#region-tree li[data-code="440600"]'), "a city with no terminals is listed"
        expand("440100")
        assert tree_count("440106") == "4 台"
        assert tree_count("440104") == "1 台"
        expand("441900")
        town = tree_item("441900003")
        assert town.get_attribute("data-level") == "town"
        assert tree_count("441900003") == "1 台"
        assert tree_text("441900003", ".node-name") == "东城街道"
        shot("terminals")

    @check("choosing a district lists its terminals with status, version, site and heartbeat")
    def _():
        click('#region-tree li[data-code="440106"] > .node .node-select')
        until(lambda: len(qa("table.terminals tbody tr")) == 4, "four Tianhe terminals")
        cells = row_cells('table.terminals tr[data-number="GZ-TH-0001"][data-status="active"]')
        assert cells[1] == zh["status.active"] and cells[2] == zh["online.yes"], cells
        assert cells[3] == "0.2.0" and cells[4] == "政务服务中心" and cells[5] == "天河区", cells
        assert re.fullmatch(time.strftime("%Y-%m-%d") + r" \d\d:\d\d:\d\d", cells[6]), cells[6]
        assert qa('tr[data-number="GZ-TH-0009"][data-status="pending"] button[data-action=approve]')
        assert not qa('tr[data-number="GZ-TH-0009"] button[data-action=lock]')

    @check("lock behind a confirmation: cancel does nothing, confirm locks, the list shows it")
    def _():
        click('tr[data-number="GZ-TH-0002"] button[data-action=lock]')
        until(lambda: q("#confirm").get_attribute("open") is not None, "confirmation")
        assert "GZ-TH-0002" in q("#confirm-title").text
        shot("confirm-lock")
        q("#confirm-cancel").click()
        time.sleep(1)
        assert qa('tr[data-number="GZ-TH-0002"][data-status="active"]')
        click('tr[data-number="GZ-TH-0002"] button[data-action=lock]')
        until(lambda: q("#confirm").get_attribute("open") is not None, "confirmation")
        q("#confirm-ok").click()
        until(lambda: qa('tr[data-number="GZ-TH-0002"][data-status="locked"]'), "locked status")
        assert row_cells('tr[data-number="GZ-TH-0002"]')[1] == zh["status.locked"]
        assert qa('tr[data-number="GZ-TH-0002"] button[data-action=unlock]')
        assert zh["done.lock"].replace("{number}", "GZ-TH-0002") == text("#toast")

    @check("approve a pending terminal; send a command chosen in the dialog")
    def _():
        click('tr[data-number="GZ-TH-0009"] button[data-action=approve]')
        until(lambda: q("#confirm").get_attribute("open") is not None, "confirmation")
        q("#confirm-ok").click()
        until(lambda: qa('tr[data-number="GZ-TH-0009"][data-status="active"]'), "approved")
        click('tr[data-number="GZ-TH-0001"] button[data-action=command]')
        until(lambda: q("#confirm").get_attribute("open") is not None, "command dialog")
        # Keyboard only: the command list has focus; pick "reboot", confirm with the button.
        options = [o.get_attribute("value") for o in qa("#command-kind option")]
        assert options == ["self-test", "reboot", "sync-time"], options
        assert driver.switch_to.active_element.get_attribute("id") == "command-kind"
        driver.switch_to.active_element.send_keys(Keys.DOWN)
        assert q("#command-kind").get_attribute("value") == "reboot"
        q("#confirm-ok").click()
        until(lambda: "GZ-TH-0001" in text("#toast"), "command toast")
        assert text("#toast") == zh["done.command"].replace("{command}", zh["command.reboot"]).replace("{number}", "GZ-TH-0001")
        entries = audit_entries(api_login("auditor"))
        assert [e["detail"] for e in entries if e["action"] == "POST /api/v1/terminals/GZ-TH-0001/commands"] == ["code=0"]
        assert [e["detail"] for e in entries if e["action"] == "POST /api/v1/terminals/GZ-TH-0009/approve"] == ["code=0"]

    @check("the lock is the manager's state and is in the audit log")
    def _():
        admin = api_login("admin")
        _, _, body = http("GET", "/api/v1/terminals?region=440106&status=locked", admin)
        assert [t["number"] for t in json.loads(body)["data"]] == ["GZ-TH-0002"]
        entries = audit_entries(api_login("auditor"))
        locks = [e for e in entries if e["action"] == "POST /api/v1/terminals/GZ-TH-0002/lock"]
        assert len(locks) == 1, locks
        assert locks[0]["actor"] == "admin" and locks[0]["detail"] == "code=0", locks[0]

    @check("alarms: the part fault is listed and can be acknowledged")
    def _():
        q('#navlist a[href="#/alarms"]').click()
        until(lambda: qa("table.alarms tbody tr"), "alarm rows")
        assert len(qa("table.alarms tbody tr")) == 1
        cells = row_cells("table.alarms tbody tr")
        assert cells[0] == zh["severity.major"] and cells[1] == "GZ-TH-0002", cells
        assert cells[2] == zh["kind.component-fault"] and cells[3] == "laser", cells
        assert cells[6] == zh["alarm.new"], cells
        shot("alarms")
        click("table.alarms button[data-action=ack]")
        until(lambda: zh["alarm.acked"].replace("{who}", "admin") in text("table.alarms tbody tr"), "acknowledged")
        assert not qa("table.alarms button[data-action=ack]")

    @check("English throughout after the switch, and back")
    def _():
        q("#lang-switch").click()
        until(lambda: driver.execute_script("return document.documentElement.lang") == "en", "lang=en")
        assert q("h1").text == en["alarms.title"]
        # The switch back names its language in that language (lang="zh-CN"): not mixed.
        chrome = " ".join(e.text for e in qa("#topbar .brand, #navlist, #who, #signout, h1, h2,"
                                             " thead, label, button:not(#lang-switch)"))
        assert not CJK.search(chrome), chrome
        shot("alarms")
        q('#navlist a[href="#/terminals"]').click()
        until(lambda: qa('#region-tree li[data-code="440000"]'), "tree")
        assert "Guangdong" in tree_item("440000").text and tree_count("440000") == "7"
        chrome = " ".join(e.text for e in qa("#topbar .brand, #navlist, #who, #signout, h1, h2,"
                                             " thead, label, button:not(#lang-switch), .badge"))
        assert not CJK.search(chrome), chrome
        shot("terminals")
        q("#lang-switch").click()
        until(lambda: driver.execute_script("return document.documentElement.lang") == "zh-CN", "lang=zh-CN")
        assert q("h1").text == zh["terminals.title"]

    @check("at 1280x800 and at tablet width (768 px) nothing overflows the page sideways")
    def _():
        for page in ["terminals", "alarms"]:
            click(f'#navlist a[href="#/{page}"]')
            until(lambda: qa("table"), f"{page} table")
            wide = driver.execute_script("return document.documentElement.scrollWidth")
            assert wide <= 1280, (page, wide)
        click('#navlist a[href="#/terminals"]')
        until(lambda: qa("table.terminals"), "terminals table")
        driver.set_window_size(WINDOW["width"] - 1280 + 768, WINDOW["height"] - 800 + 1024)
        time.sleep(0.5)
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return document.documentElement.clientWidth")
        shot("terminals-tablet")
        driver.set_window_size(WINDOW["width"], WINDOW["height"])
        assert wide <= inner, (wide, inner)

    @check("sign out ends the session in the tab")
    def _():
        sign_out()
        assert driver.execute_script("return sessionStorage.getItem('tongban.console.session')") is None
        assert text("#login-notice") == zh["login.signedout"]

    @check("an auditor sees the audit log only: no terminals, no lock buttons")
    def _():
        login("auditor")
        until(lambda: qa("table.audit tbody tr"), "audit rows")
        nav = [a.text for a in qa("#navlist a")]
        assert nav == [zh["nav.audit"]], nav
        assert not qa("button[data-action=lock]") and not qa("#region-tree")
        assert any("GZ-TH-0002/lock" in r.text for r in qa("table.audit tbody tr"))
        driver.get(BASE + "/console/#/terminals")
        until(lambda: driver.current_url.endswith("#/audit"), "sent back to the audit log")
        until(lambda: qa("table.audit tbody tr"), "audit rows")
        assert not qa("button[data-action=lock]")
        q("#audit-verify").click()
        until(lambda: text("#audit-verdict"), "verdict")
        assert q("#audit-verdict").get_attribute("class") == "verdict ok", text("#audit-verdict")
        shot("audit")
        q("#lang-switch").click()
        until(lambda: q("h1").text == en["audit.title"] and qa("table.audit tbody tr"), "audit log in English")
        shot("audit")
        q("#lang-switch").click()
        until(lambda: q("h1").text == zh["audit.title"], "audit log in Chinese again")
        sign_out()

    @check("a business admin sees terminals without lock or approve buttons")
    def _():
        login("biz")
        until(lambda: qa('#navlist a[href="#/terminals"]'), "nav")
        q('#navlist a[href="#/terminals"]').click()
        until(lambda: qa("table.terminals tbody tr"), "terminal rows")
        until(lambda: len(qa("table.terminals tbody tr")) == 7, "all seven terminals")
        assert not qa("table.terminals button"), [b.text for b in qa("table.terminals button")]
        assert not qa("th.actions")

    @check("usage: summary of the last 30 days, CSV and XLSX downloads with the same rows")
    def _():
        q('#navlist a[href="#/usage"]').click()
        until(lambda: qa("table.summary tbody tr"), "summary rows")
        rows = [[c.text for c in r.find_elements(By.CSS_SELECTOR, "th, td")] for r in qa("table.summary tbody tr")]
        assert rows[0][:2] == ["gd-si-certificate", "2"], rows
        assert rows[1][:2] == ["gz-hf-balance", "1"], rows
        assert rows[2][:3] == [zh["usage.total"], "3", "0:01:40"], rows
        shot("usage")
        q("#export-csv").click()
        until(lambda: [f for f in os.listdir(downloads) if f.endswith(".csv")], "CSV download")
        name = [f for f in os.listdir(downloads) if f.endswith(".csv")][0]
        assert re.fullmatch(r"usage-\d{8}-\d{8}\.csv", name), name
        with open(os.path.join(downloads, name), encoding="utf-8") as f:
            table = list(csv.reader(io.StringIO(f.read())))
        assert table[0][:3] == ["id", "occurred_at", "terminal"], table[0]
        body = sorted((r[table[0].index("service")], r[table[0].index("terminal")]) for r in table[1:])
        assert body == [("gd-si-certificate", "GZ-TH-0001"), ("gd-si-certificate", "GZ-TH-0001"),
                        ("gz-hf-balance", "GZ-TH-0001")], body
        q("#export-xlsx").click()
        until(lambda: [f for f in os.listdir(downloads) if f.endswith(".xlsx")], "XLSX download")
        name = [f for f in os.listdir(downloads) if f.endswith(".xlsx")][0]
        with open(os.path.join(downloads, name), "rb") as f:
            assert f.read(2) == b"PK"

    @check("usage filters: one service, and a start date after the end is refused in words")
    def _():
        box = q("#f-service")
        box.clear()
        box.send_keys("gz-hf-balance")
        q("#usage-submit").click()
        until(lambda: len(qa("table.summary tbody tr")) == 2, "one service and the total")
        assert text("table.summary tbody tr").startswith("gz-hf-balance")
        q("#lang-switch").click()
        until(lambda: qa("table.summary") and driver.execute_script("return document.documentElement.lang") == "en",
              "summary in English")
        shot("usage")
        driver.execute_script("document.getElementById('f-from').value = '2030-01-02';"
                              "document.getElementById('f-to').value = '2030-01-01';")
        q("#usage-submit").click()
        until(lambda: text("#usage-error"), "range error")
        assert text("#usage-error") == en["usage.bad.range"]
        q("#lang-switch").click()
        until(lambda: text("#usage-error") == zh["usage.bad.range"], "range error in Chinese")
        sign_out()

    @check("a session the manager no longer knows ends in the login page, said in words")
    def _():
        login("admin")
        until(lambda: qa("#region-tree"), "terminals page")
        # What a manager restart with another key, or an expired token, looks like to the page.
        driver.execute_script(
            "const k = 'tongban.console.session';"
            "const s = JSON.parse(sessionStorage.getItem(k)); s.token = '0'.repeat(64);"
            "sessionStorage.setItem(k, JSON.stringify(s));")
        until(lambda: text("#login-notice") == zh["login.expired"], "expired notice")
        assert driver.execute_script("return sessionStorage.getItem('tongban.console.session')") is None

    @check("figures: console size and time to a filled terminals page (printed, not judged)")
    def _():
        size = sum(int(http("HEAD", "/console/" + f)[1]["Content-Length"])
                   for f in ["", "console.css", "icon.svg"] +
                   ["js/" + m for m in ["main.js", "api.js", "dom.js", "i18n.js", "live.js",
                                        "strings-zh-CN.js", "strings-en.js", "page-terminals.js",
                                        "page-alarms.js", "page-usage.js", "page-audit.js"]])
        login("admin")
        until(lambda: qa("#region-tree"), "terminals page")
        start = time.monotonic()
        driver.refresh()
        until(lambda: qa('#region-tree li[data-code="440000"]') and qa("table.terminals tbody tr"), "filled page")
        filled = time.monotonic() - start
        admin = api_login("admin")
        before = len(audit_entries(api_login("auditor")))
        time.sleep(20)
        after = len(audit_entries(api_login("auditor")))
        print(f"# figure: console files {size} bytes uncompressed (14 files)")
        print(f"# figure: reload to a filled terminals page {filled * 1000:.0f} ms (headless, loopback)")
        print(f"# figure: one open terminals page adds {(after - before - 2) * 3} audit entries a minute"
              " from its list polling (20 s sampled), plus 5 a minute for the region counts")
        assert admin and size > 0
        sign_out()

    @check("five wrong passwords lock the account, said in plain words")
    def _():
        for _ in range(5):
            login("careless", "wrong-password")
            until(lambda: text("#login-error"), "login error")
        assert text("#login-error") == zh["login.locked"], text("#login-error")
        login("careless")
        until(lambda: text("#login-error") == zh["login.locked"], "still locked")
        shot("login-locked")

    @check("no script errors or CSP violations in the browser log")
    def _():
        # The deliberate refusals above are the API's answers, which Chromium logs: 401 for
        # wrong passwords and the forgotten session, 403 for the locked account's logins.
        # Anything else is a fault.
        def deliberate(e):
            return e["source"] == "network" and (
                "status of 401" in e["message"]
                or ("/api/v1/login " in e["message"] and "status of 403" in e["message"]))
        errors = [e for e in browser_errors() if not deliberate(e)]
        assert not errors, errors
finally:
    driver.quit()
    shutil.rmtree(downloads, ignore_errors=True)

print(f"1..{len(results)}")
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
