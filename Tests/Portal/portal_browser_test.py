#!/usr/bin/env python3
"""The portal in a real browser: headless Chromium driven by Selenium through Debian's
chromedriver, against a real `gugus serve` (scripts/portal-test.sh starts it, on a
throwaway cluster, and seeds it with the CLI).

Usage: portal_browser_test.py BASE_URL SERVER_LOG GUGUS_BINARY SCREENSHOT_DIR
Environment: GUGUS_HOME and the rest as the runner set them, so `gugus` commands reach the
same database as the server.

Each check prints one line; the first failure stops the run with exit status 1.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.print_page_options import PrintOptions
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, LOG, GUGUS, SHOTS = sys.argv[1:5]
ADMIN = "admin@gtn.example.go.id"
COORDINATOR = "kanwil@malut.example.go.id"
REVIEWER = "peninjau@gtn.example.go.id"
REPORT = "/regions/82/reports/Laporan%20Tahunan%202026"
GORONTALO = "biro@gorontalo.example.go.id"


def check(condition, what):
    if not condition:
        print(f"FAIL: {what}", flush=True)
        sys.exit(1)
    print(f"ok: {what}", flush=True)


def gugus(*arguments):
    result = subprocess.run([GUGUS, *arguments], capture_output=True, text=True)
    check(result.returncode == 0, f"gugus {' '.join(arguments)} (stderr: {result.stderr.strip()})")
    return result.stdout


def browser():
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=id-ID",
                     "--window-size=1366,900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def link_from_log(email, after):
    """The sign-in link the server logged for `email` (no SMTP here), newer than `after` lines."""
    pattern = re.compile(r"sign-in link for " + re.escape(email) + r": (\S+)")
    for _ in range(100):
        with open(LOG, encoding="utf-8") as file:
            lines = file.readlines()[after:]
        found = [match.group(1) for line in lines if (match := pattern.search(line))]
        if found:
            return found[-1]
        time.sleep(0.1)
    check(False, f"a sign-in link for {email} in the server's log")


def wait_for(driver, condition, what):
    """Clicks and submits return before the next page has loaded: wait for it (10 s at most).
    While the old page is replaced, a lookup may meet an element of the page that is going
    ("Node with given id does not belong to the document"): that is the wait, not a failure."""
    try:
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(lambda d: condition(d))
    except TimeoutException:
        pass
    check(condition(driver), f"{what} ({driver.current_url}: {driver.find_element(By.TAG_NAME, 'main').text[:300]!r})")


def log_length():
    with open(LOG, encoding="utf-8") as file:
        return len(file.readlines())


def sign_in(driver, email):
    driver.get(BASE + "/sign-in")
    field = driver.find_element(By.ID, "email")
    field.send_keys(email)
    before = log_length()
    field.submit()
    wait_for(driver, lambda d: "Periksa surel Anda" in d.page_source, f"{email}: the page says to check the mail")
    driver.get(link_from_log(email, before))
    check(driver.current_url.rstrip("/") == BASE, f"{email}: the link signs in and goes to the map")


def no_console_errors(driver, where):
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    check(errors == [], f"no console errors on {where}: {errors}")


def screenshot(driver, path, name):
    for width in (360, 1366):
        for language in ("id", "en"):
            driver.set_window_size(width, 900)
            driver.get(f"{BASE}{path}{'&' if '?' in path else '?'}lang={language}")
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(height + 20, 6000))
            file = os.path.join(SHOTS, f"{name}-{width}-{language}.png")
            driver.save_screenshot(file)
            # Nothing wider than the window, except inside a box that scrolls sideways on its
            # own (a table's wrapper, the tile map).
            wide = driver.execute_script("""
                const limit = document.documentElement.clientWidth;
                const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) {
                    if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true; } return false; };
                const over = [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > limit + 1 && !scrolls(e))
                    .slice(0, 3).map(e => e.tagName + ' ' + (e.getAttribute('class') || '') + ' ' + (e.id || ''));
                const page = document.documentElement.scrollWidth;
                return page > limit ? over.concat(['the page is ' + page + ' px wide']) : over;
            """)
            check(not wide, f"{path} at {width} px ({language}) fits the window ({wide})")
    driver.get(f"{BASE}/?lang=id")
    driver.set_window_size(1366, 900)
    print(f"ok: screenshots of {path} at 360 and 1366 px, in Indonesian and English, in {SHOTS}", flush=True)


def tile_state(driver, code):
    tile = driver.find_element(By.CSS_SELECTOR, f'a.tile[href="/regions/{code}"]')
    return tile.get_attribute("class").split("tile--")[-1]


def main():
    os.makedirs(SHOTS, exist_ok=True)
    driver = browser()
    try:
        # Sign in with the link from the log; sign out; the old session no longer works.
        sign_in(driver, ADMIN)
        check("Admin GTN" in driver.find_element(By.CSS_SELECTOR, ".header__who").text, "signed in as the admin")
        no_console_errors(driver, "the map")
        old_session = driver.get_cookie("gugus_session")
        check(old_session is not None and old_session["httpOnly"], "the session cookie is HttpOnly")
        driver.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
        wait_for(driver, lambda d: "/sign-in" in d.current_url and "Anda sudah keluar" in d.page_source, "signed out")
        driver.add_cookie({"name": "gugus_session", "value": old_session["value"], "path": "/"})
        driver.get(BASE + "/")
        check("/sign-in" in driver.current_url, "the old session no longer opens the map")

        # A coordinator of 82 sees 82's e-mail addresses, and not 81's.
        driver.delete_all_cookies()
        sign_in(driver, COORDINATOR)
        driver.get(BASE + "/regions/82")
        table = driver.find_element(By.ID, "member-table").text
        check("siti@malut.example.go.id" in table, "region 82's members with e-mail, for 82's coordinator")
        driver.get(BASE + "/regions/81")
        table = driver.find_element(By.ID, "member-table").text
        check("Yohanes Maluku" in table and "yohanes@maluku.example.go.id" not in table, "region 81's members without e-mail")
        check("yohanes@" not in driver.page_source, "no trace of 81's addresses in the page")
        no_console_errors(driver, "a region page")

        # A province registered through the CLI turns its tile from not formed to established.
        driver.get(BASE + "/")
        check(tile_state(driver, "31") == "not_formed", "Jakarta's tile says not formed")
        gugus("taskforce", "create", "--region", "31")
        gugus("decree", "add", "--taskforce", "31", "--number", "e-0001/2026", "--title", "tentang Pembentukan GTD BHAM",
              "--signed-on", "2026-02-01", "--effective-until", "2029-12-31", "--signer", "Gubernur DKI Jakarta")
        driver.refresh()
        check(tile_state(driver, "31") == "established", "after a reload, Jakarta's tile says established")

        # The map at an earlier date shows the earlier status.
        check(tile_state(driver, "82") == "established", "Maluku Utara is established today")
        field = driver.find_element(By.ID, "at")
        driver.execute_script("arguments[0].value = '2025-06-01'", field)
        field.submit()
        wait_for(driver, lambda d: "at=2025-06-01" in d.current_url, "the date field redraws the map")
        check(tile_state(driver, "82") == "not_formed", "on 2025-06-01 Maluku Utara had no decree yet")
        check("1 Juni 2025" in driver.page_source, "the map says which date it shows")

        # By keyboard alone: tab to a tile, Enter opens its region.
        driver.get(BASE + "/")
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        reached = None
        for _ in range(60):
            active = driver.switch_to.active_element
            # getAttribute: on SVG the href and class properties are not strings.
            href, classes = driver.execute_script(
                "const e = document.activeElement; return [e.getAttribute('href'), e.getAttribute('class')]")
            if href and href.startswith("/regions/") and "tile" in (classes or ""):
                reached = BASE + href
                break
            active.send_keys(Keys.TAB)
        check(reached is not None, f"Tab reaches a tile ({reached})")
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: d.current_url == reached)
        check(driver.current_url == reached and "<h1>" in driver.page_source, "Enter on a tile opens its region page")

        # Gorontalo's coordinator registers its first decree with a PDF: the tile turns to
        # established, and the PDF downloads with the same SHA-256.
        driver.delete_all_cookies()
        sign_in(driver, GORONTALO)
        check(tile_state(driver, "75") == "not_formed", "Gorontalo's tile says not formed")
        driver.get(BASE + "/regions/75")
        driver.find_element(By.LINK_TEXT, "Daftarkan SK").click()
        wait_for(driver, lambda d: d.current_url.endswith("/regions/75/decrees/new"), "the region page opens the decree form")
        pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        with tempfile.NamedTemporaryFile(suffix=".pdf", prefix="SK-GTD-Gorontalo-", delete=False) as file:
            file.write(pdf)
        values = {"number": "188.45/75/2026", "title": "tentang Pembentukan GTD BHAM Provinsi Gorontalo",
                  "signed_on": "2026-02-02", "signer": "Gubernur Gorontalo", "effective_until": "2028-12-31"}
        for name, value in values.items():
            driver.find_element(By.ID, name).send_keys(value)
        driver.find_element(By.ID, "document").send_keys(file.name)
        driver.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data'] button[type=submit]").click()
        wait_for(driver, lambda d: "SK terdaftar" in d.page_source, "the decree is registered")
        os.unlink(file.name)
        digest = hashlib.sha256(pdf).hexdigest()
        check(digest in driver.page_source, "the decree page shows the PDF's SHA-256")
        decree_path = driver.current_url.split("?")[0].replace(BASE, "")
        href = driver.find_element(By.LINK_TEXT, "Unduh berkas SK (PDF)").get_attribute("href")
        request = urllib.request.Request(href, headers={"Cookie": f"gugus_session={driver.get_cookie('gugus_session')['value']}"})
        with urllib.request.urlopen(request) as response:
            check(hashlib.sha256(response.read()).hexdigest() == digest, "the PDF downloads with the same SHA-256")
        driver.get(BASE + "/")
        check(tile_state(driver, "75") == "established", "Gorontalo's tile now says established")
        no_console_errors(driver, "the decree form and page")
        screenshot(driver, "/regions/75/decrees/new", "decree-form")
        screenshot(driver, decree_path, "decree")

        # Maluku Utara's coordinator schedules a session at 09.00: the page, the reminder list
        # and the ICS say 09.00 WIT (the server runs in New York time). Rescheduled, the
        # reminder moves; cancelled, it is skipped.
        driver.delete_all_cookies()
        sign_in(driver, COORDINATOR)
        driver.get(BASE + "/regions/82")
        driver.find_element(By.LINK_TEXT, "Jadwalkan kegiatan").click()
        wait_for(driver, lambda d: d.current_url.endswith("/regions/82/sessions/new"), "the region page opens the session form")
        check("Zona waktu provinsi ini: WIT." in driver.page_source, "the zone is named beside the time")
        day = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 40 * 86400))
        for name, value in {"title": "Bimtek Bisnis dan HAM", "date": day, "time": "09.00", "venue": "Aula Kantor Gubernur, Sofifi"}.items():
            driver.find_element(By.ID, name).send_keys(value)
        driver.find_element(By.CSS_SELECTOR, "form[action='/regions/82/sessions'] button[type=submit]").click()
        wait_for(driver, lambda d: "Kegiatan dijadwalkan." in d.page_source, "the session is scheduled")
        summary = driver.find_element(By.CSS_SELECTOR, "dl.summary").text
        check("pukul 09.00 WIT – 12.00 WIT" in summary, f"the session page says 09.00 WIT ({summary!r})")
        reminders = driver.find_element(By.ID, "reminders").find_element(By.XPATH, "following-sibling::div").text
        check("09.00 WIT" in reminders and "menunggu" in reminders, f"the reminder list says 09.00 WIT ({reminders!r})")
        session_url = driver.current_url.split("?")[0]
        request = urllib.request.Request(session_url + "/calendar.ics",
                                         headers={"Cookie": f"gugus_session={driver.get_cookie('gugus_session')['value']}"})
        with urllib.request.urlopen(request) as response:
            ics = response.read().decode()
        check(f"DTSTART;TZID=Asia/Jayapura:{day.replace('-', '')}T090000" in ics, "the ICS says 09.00 in Asia/Jayapura (WIT)")
        field = driver.find_element(By.CSS_SELECTOR, "form[action$='/reschedule'] #time")
        field.clear()
        field.send_keys("10.30")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/reschedule'] button[type=submit]").click()
        # Both members of 82 were to be reminded a day before.
        wait_for(driver, lambda d: "2 pengingat yang menunggu ikut dipindahkan" in d.page_source, "rescheduled: both reminders moved")
        reminders = driver.find_element(By.ID, "reminders").find_element(By.XPATH, "following-sibling::div").text
        check(reminders.count("10.30 WIT") == 2 and "09.00 WIT" not in reminders, f"the reminders are now due at 10.30 WIT ({reminders!r})")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/cancel'] #reason").send_keys("Rapat gubernur")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/cancel'] button[type=submit]").click()
        wait_for(driver, lambda d: "2 pengingat yang menunggu tidak akan dikirim" in d.page_source, "cancelled: the reminders are skipped")
        check("tidak dikirim" in driver.find_element(By.ID, "reminders").find_element(By.XPATH, "following-sibling::div").text,
              "the reminder list says they will not be sent")

        # Another session at the same venue and time: the form warns first and saves nothing;
        # with the box ticked, it is scheduled.
        def schedule(title, start):
            driver.get(BASE + "/regions/82/sessions/new")
            for name, value in {"title": title, "date": day, "time": start, "venue": "Aula Kantor Gubernur, Sofifi"}.items():
                driver.find_element(By.ID, name).send_keys(value)
            driver.find_element(By.CSS_SELECTOR, "form[action='/regions/82/sessions'] button[type=submit]").click()

        schedule("Rakor GTD", "09.00")
        wait_for(driver, lambda d: "Kegiatan dijadwalkan." in d.page_source, "a session at the venue is scheduled")
        schedule("Sosialisasi UMKM", "10.00")
        wait_for(driver, lambda d: "Bentrok: pada waktu ini" in d.page_source, "a clash is warned of before anything is saved")
        check("Rakor GTD" in driver.find_element(By.ID, "clash").text, "the warning names the other session")
        check(driver.find_element(By.ID, "title").get_attribute("value") == "Sosialisasi UMKM", "what was typed stays")
        driver.get_log("browser")  # the warning comes as 409 (nothing was done), which Chromium logs as a failed load
        driver.set_window_size(360, 900)
        driver.set_window_size(360, min(driver.execute_script("return document.documentElement.scrollHeight") + 20, 6000))
        driver.save_screenshot(os.path.join(SHOTS, "session-clash-360-id.png"))
        driver.set_window_size(1366, 900)
        driver.find_element(By.ID, "accept_clash").click()
        driver.find_element(By.CSS_SELECTOR, "form[action='/regions/82/sessions'] button[type=submit]").click()
        wait_for(driver, lambda d: "Kegiatan dijadwalkan." in d.page_source and "Sosialisasi UMKM" in d.page_source,
                 "ticked, the clashing session is scheduled")
        check("Perhatian: kegiatan lain di tempat yang sama" in driver.page_source, "and its page notes the clash")
        no_console_errors(driver, "the session forms")
        screenshot(driver, "/regions/82/sessions/new", "session-form")

        # Import a roster with two bad rows: the preview names both lines; the fixed file
        # previews again and is confirmed; the roster shows the members.
        bad = ("nama,peran,jabatan,instansi,email\n"
               "Budi Santoso,anggota,Kepala Dinas Tenaga Kerja,Pemerintah Provinsi Maluku Utara,budi@malut.example.go.id\n"
               "Maria Ulfa,bendahara,Kepala Dinas Lingkungan Hidup,Pemerintah Provinsi Maluku Utara,maria@malut.example.go.id\n"
               "Rina Lestari,anggota,Direktur LBH,LBH Ternate,rina-at-lbh\n")
        fixed = bad.replace("bendahara", "anggota").replace("rina-at-lbh", "rina@lbh.example.id")

        # With the page's script, the forms go by XMLHttpRequest and the answer replaces the
        # page; the test records what the progress box says as it changes.
        def record_progress():
            driver.execute_script("""
                window.progressSeen = [];
                new MutationObserver(function () {
                    var box = document.getElementById('import-progress');
                    var text = box && !box.hidden ? box.querySelector('p').textContent : '';
                    if (text && window.progressSeen[window.progressSeen.length - 1] !== text) { window.progressSeen.push(text); }
                }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
            """)

        def progress_seen():
            return driver.execute_script("return window.progressSeen || []")

        def send_and_wait(button, condition, what):
            old = driver.find_element(By.TAG_NAME, "h1")
            record_progress()
            button.click()
            WebDriverWait(driver, 60).until(lambda d: old not in d.find_elements(By.TAG_NAME, "h1"))
            wait_for(driver, condition, what)

        def upload(text):
            with tempfile.NamedTemporaryFile("w", suffix=".csv", prefix="anggota-", delete=False, encoding="utf-8") as file:
                file.write(text)
            driver.find_element(By.ID, "roster").send_keys(file.name)
            send_and_wait(driver.find_element(By.CSS_SELECTOR, "form[action='/regions/82/members/import'] button[type=submit]"),
                          lambda d: "Pratinjau" in d.page_source, "the file is previewed")
            os.unlink(file.name)

        driver.get(BASE + "/regions/82")
        driver.find_element(By.LINK_TEXT, "Impor daftar anggota").click()
        upload(bad)
        seen = progress_seen()
        check(any(text.startswith("Berkas terkirim. Memeriksa 3 baris") for text in seen),
              f"while the server checks, the page says how many rows ({seen!r})")
        problems = driver.find_element(By.ID, "problems-title").find_element(By.XPATH, "..").text
        check("Baris 3" in problems and "Baris 4" in problems, f"the preview names lines 3 and 4 ({problems!r})")
        check(not driver.find_elements(By.XPATH, "//button[normalize-space()='Simpan seperti pratinjau ini']"),
              "nothing can be saved while rows are bad")
        upload(fixed)
        check("3 akan ditambahkan" in driver.page_source, "the fixed file adds 3 members")
        send_and_wait(driver.find_element(By.XPATH, "//button[normalize-space()='Simpan seperti pratinjau ini']"),
                      lambda d: "Impor selesai: 3 anggota ditambahkan" in d.page_source, "the import is saved")
        seen = progress_seen()
        check(any(text.startswith("Menyimpan 3 baris") for text in seen), f"while saving, the page says so ({seen!r})")
        check("/regions/82?imported=" in driver.current_url, f"the address is the region page's ({driver.current_url})")
        table = driver.find_element(By.ID, "member-table").text
        check(all(name in table for name in ["Budi Santoso", "Maria Ulfa", "Rina Lestari"]), "the roster shows the 3 members")

        # A 5,000-row file previews, and the progress names its rows as Indonesians write them.
        big = "nama,peran,jabatan,instansi,email\n" + "".join(
            f"Anggota Uji {n},anggota,Staf,Pemerintah Provinsi Maluku Utara,uji{n}@malut.example.go.id\n" for n in range(1, 5001))
        driver.get(BASE + "/regions/82/members/import")
        # Sent as over a slow office line (about 1 Mbit/s up), so that the bar shows the upload
        # going, and a screenshot catches it on a phone's width.
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 50, "downloadThroughput": 1_000_000, "uploadThroughput": 128_000})
        driver.set_window_size(360, 900)
        with tempfile.NamedTemporaryFile("w", suffix=".csv", prefix="anggota-", delete=False, encoding="utf-8") as file:
            file.write(big)
        driver.find_element(By.ID, "roster").send_keys(file.name)
        old = driver.find_element(By.TAG_NAME, "h1")
        record_progress()
        driver.find_element(By.CSS_SELECTOR, "form[action='/regions/82/members/import'] button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "Mengunggah:" in d.find_element(By.ID, "import-progress").text)
        box = driver.find_element(By.ID, "import-progress")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        driver.save_screenshot(os.path.join(SHOTS, "import-progress-360-id.png"))
        WebDriverWait(driver, 60).until(lambda d: old not in d.find_elements(By.TAG_NAME, "h1"))
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        driver.set_window_size(1366, 900)
        os.unlink(file.name)
        wait_for(driver, lambda d: "5000 akan ditambahkan" in d.page_source, "the 5,000-row file previews")
        seen = progress_seen()
        uploading = [text for text in seen if text.startswith("Mengunggah:")]
        check(len(uploading) >= 2 and any(not re.match(r"Mengunggah: (\S+) dari \1 KB", text) for text in uploading),
              f"the bar went through the upload ({uploading!r})")
        check(any(text.startswith("Berkas terkirim. Memeriksa 5.000 baris") for text in seen), f"then the rows being checked ({seen!r})")
        no_console_errors(driver, "the import with its progress")
        screenshot(driver, "/regions/82/members/import", "import-form")
        screenshot(driver, "/regions/82/reminder-rules", "rules")
        # Another province's forms are not this coordinator's: a 403 page, in words.
        for path in ["/regions/75/decrees/new", "/regions/81/sessions/new", "/regions/81/members/import"]:
            driver.get(BASE + path)
            check("Anda tidak berhak membuka halaman ini" in driver.page_source, f"{path} is refused to 82's coordinator")
        driver.get_log("browser")  # the 403s above are logged as failed loads: they were the point

        # Check in 3 participants from two browser windows at once: all 3 are recorded.
        driver.get(BASE + "/regions/82")
        driver.find_element(By.LINK_TEXT, "Sosialisasi Stranas BHAM").click()
        wait_for(driver, lambda d: "/sessions/" in d.current_url, "the seeded session's page")
        session_url = driver.current_url.split("?")[0].split("#")[0]
        driver.find_element(By.XPATH, "//button[normalize-space()='Undang semua anggota']").click()
        wait_for(driver, lambda d: "5 peserta diundang." in d.page_source, "the 5 members invited")
        for name, value in {"guest_name": "Rina Tamu", "guest_email": "rina@apindo.example.id", "guest_organisation": "APINDO"}.items():
            driver.find_element(By.ID, name).send_keys(value)
        driver.find_element(By.XPATH, "//button[normalize-space()='Undang tamu']").click()
        wait_for(driver, lambda d: "1 peserta diundang." in d.page_source, "a guest invited")
        second = browser()
        try:
            sign_in(second, ADMIN)
            windows = [driver, second]
            for window in windows:
                window.set_window_size(360, 800)
                window.get(session_url + "/check-in")
            buttons = [button.text.split("\n")[0] for button in driver.find_elements(By.CSS_SELECTOR, "button.check-in__button")]
            check(len(buttons) == 6, f"six people to check in ({buttons})")
            taps = [(driver, buttons[0]), (second, buttons[1])]

            def tap(window, name):
                window.find_element(By.XPATH, f"//button[contains(@class, 'check-in__button')][.//span[normalize-space()='{name}']]").click()
                WebDriverWait(window, 10).until(lambda d: "Tercatat hadir" in d.page_source)

            threads = [threading.Thread(target=tap, args=pair) for pair in taps]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            # The first window taps the third person on the page it has, without reloading first.
            tap(driver, buttons[2])
            for window in windows:
                window.refresh()
                check("Hadir: 3 / 6" in window.page_source, "both windows show the 3 present")
            screenshot(second, session_url.replace(BASE, "") + "/check-in", "check-in")
        finally:
            second.quit()
        shown = gugus("session", "show", session_url.rsplit("/", 1)[-1], "--json")
        check(shown.count('"attended" : true') + shown.count('"attended": true') == 3, "the database has all 3 as attended")
        driver.get(session_url + "/attendance-list")
        check("Rina Tamu" in driver.page_source and "Tanda tangan" in driver.page_source, "the daftar hadir lists them for signing")
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7  # A4, in centimetres
        pdf = __import__("base64").b64decode(driver.print_page(options))
        with open(os.path.join(SHOTS, "attendance-list-a4.pdf"), "wb") as file:
            file.write(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        check(pdf.startswith(b"%PDF") and pages == 1, f"the daftar hadir prints on one A4 page ({pages} pages, attendance-list-a4.pdf)")
        screenshot(driver, session_url.replace(BASE, "") + "/attendance-list", "attendance-list")
        screenshot(driver, session_url.replace(BASE, ""), "session")
        no_console_errors(driver, "check-in and the attendance list")

        # The opt-out link of a real reminder: the 1d reminders of 82's session are made due
        # in the database, `gugus scheduler run --once` writes them to a log, and the link in
        # Siti's payload is opened, as a person would from the mail, without signing in.
        cluster = json.loads(gugus("db", "local", "status", "--json"))["url"]
        subprocess.run(["psql", cluster, "-qc", "UPDATE reminder SET not_before = now() WHERE status = 'pending'"], check=True)
        with tempfile.TemporaryDirectory() as folder:
            sent = os.path.join(folder, "reminders.log")
            run = subprocess.run([GUGUS, "scheduler", "run", "--once"], capture_output=True, text=True,
                                 env={**os.environ, "GUGUS_PUBLIC_URL": BASE, "GUGUS_REMINDER_LOG": sent})
            check(run.returncode == 0, f"gugus scheduler run --once ({run.stderr.strip()})")
            with open(sent, encoding="utf-8") as file:
                payloads = [json.loads(line) for line in file if line.strip()]
        siti = [p for p in payloads if p["recipient"]["name"] == "Siti Rahma"]
        check(siti and all("unsubscribe" in p["links"] for p in siti),
              f"Siti's {len(siti)} reminders each carry an opt-out link ({len(payloads)} sent in all)")
        link = siti[0]["links"]["unsubscribe"]
        check(siti[0]["text"].rstrip().endswith("Berhenti berlangganan: " + link), "the text ends with the same link")
        driver.delete_all_cookies()
        driver.set_window_size(360, 900)
        driver.get(link)
        check(driver.find_element(By.TAG_NAME, "h1").text == "Berhenti berlangganan pengingat", "the link asks first, in Indonesian")
        check("pengingat kegiatan" in driver.page_source, "and says which reminders")
        driver.find_element(By.CSS_SELECTOR, "main form button").click()
        wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Anda sudah berhenti berlangganan", "one press unsubscribes")
        check("Pilihan Anda tersimpan." in driver.page_source, "and says it is saved")
        driver.save_screenshot(os.path.join(SHOTS, "opt-out-saved-360-id.png"))
        screenshot(driver, link.replace(BASE, ""), "opt-out")
        no_console_errors(driver, "the opt-out pages")
        driver.get(link[:-1] + ("1" if link.endswith("0") else "0"))
        check(driver.find_element(By.TAG_NAME, "h1").text == "Tautan berhenti berlangganan tidak berlaku", "a changed link is refused")
        refusals = driver.get_log("browser")
        check(len(refusals) == 1 and "404" in refusals[0]["message"], f"with a 404 ({refusals})")
        driver.set_window_size(1366, 900)
        sign_in(driver, COORDINATOR)
        driver.get(BASE + "/regions/82")
        check("Tidak menerima pengingat kegiatan" in driver.page_source, "the coordinator sees that Siti opted out")
        no_console_errors(driver, "the region page after the opt-out")

        # Aksi BHAM: the coordinator writes the report, adds a file, accepts the proposed
        # session and submits; a reviewer returns it; the report prints on A4.
        driver.get(BASE + "/regions/82")
        driver.find_element(By.LINK_TEXT, "Laporan Tahunan 2026").click()
        wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "Laporan Tahunan 2026", "the region links to its report")
        check("pukul 23.59 WIT" in driver.page_source, "the report says when it closes, in WIT")
        achievement = driver.find_element(By.ID, "aksi-A1.1-achievement")
        achievement.send_keys("Empat sosialisasi bagi 120 pelaku usaha")
        driver.find_element(By.ID, "aksi-A1.1-value").send_keys("4")
        Select(driver.find_element(By.ID, "aksi-A1.1-progress")).select_by_value("done")
        driver.find_element(By.ID, "aksi-A1.1").find_element(By.CSS_SELECTOR, "details.inputs summary").click()
        driver.find_element(By.ID, "aksi-A1.1-in-82.71").click()
        achievement.submit()
        wait_for(driver, lambda d: "Capaian disimpan." in d.page_source, "the achievement is saved")
        check(driver.find_element(By.ID, "aksi-A1.1-in-82.71").is_selected(), "with Kota Ternate's input ticked")
        with tempfile.NamedTemporaryFile("wb", suffix=".pdf", prefix="notulen-", delete=False) as pdf_file:
            pdf_file.write(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        digest = hashlib.sha256(open(pdf_file.name, "rb").read()).hexdigest()
        card = driver.find_element(By.ID, "aksi-A1.1")
        card.find_element(By.CSS_SELECTOR, "details.add-evidence summary").click()
        card.find_element(By.ID, "aksi-A1.1-file").send_keys(pdf_file.name)
        card.find_element(By.CSS_SELECTOR, "details.add-evidence button").click()
        wait_for(driver, lambda d: "Bukti dukung ditambahkan." in d.page_source, "a PDF is added as evidence")
        check(digest in driver.page_source, "with its SHA-256")
        os.unlink(pdf_file.name)
        check("Sosialisasi BHAM bagi UMKM" in driver.page_source, "the session held is proposed as evidence")
        driver.find_element(By.ID, "aksi-A1.1").find_element(By.XPATH, ".//button[text()='Terima']").click()
        wait_for(driver, lambda d: "Kegiatan diterima sebagai bukti." in d.page_source, "the proposed session is accepted")
        screenshot(driver, REPORT, "report-draft")
        driver.get(BASE + REPORT)
        driver.find_element(By.ID, "submit-note").send_keys("Mohon ditinjau")
        driver.find_element(By.ID, "submit-note").submit()
        wait_for(driver, lambda d: "Laporan dikirim dan terkunci." in d.page_source, "the report is submitted")
        check(not driver.find_elements(By.ID, "aksi-A1.1-achievement"), "and can no longer be edited")
        no_console_errors(driver, "the report")
        driver.get(BASE + REPORT + "/print")
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7
        pdf = __import__("base64").b64decode(driver.print_page(options))
        with open(os.path.join(SHOTS, "report-a4.pdf"), "wb") as file:
            file.write(pdf)
        check(pdf.startswith(b"%PDF") and digest in driver.page_source, "the report prints on A4, with the file's SHA-256 (report-a4.pdf)")
        screenshot(driver, REPORT + "/print", "report-print")
        driver.delete_all_cookies()
        sign_in(driver, REVIEWER)
        driver.get(BASE + REPORT)
        driver.find_element(By.ID, "aksi-A1.1-score").send_keys("70")
        driver.find_element(By.ID, "aksi-A1.1-score").submit()
        wait_for(driver, lambda d: "Tinjauan disimpan." in d.page_source, "the reviewer scores an entry")
        driver.find_element(By.ID, "return-note").send_keys("Lampirkan daftar hadir kedua")
        driver.find_element(By.ID, "return-note").submit()
        wait_for(driver, lambda d: "Laporan dikembalikan untuk diperbaiki; pelapor diberi tahu." in d.page_source, "and returns the report")
        screenshot(driver, REPORT, "report-returned")
        screenshot(driver, "/reports", "reports")
        driver.get(BASE + "/reports")
        check("Maluku Utara: Dikembalikan" in driver.page_source, "the map of reports shows 82 returned")
        no_console_errors(driver, "the review")
        driver.delete_all_cookies()
        sign_in(driver, COORDINATOR)

        # Screenshots, for people to look at.
        driver.delete_all_cookies()
        screenshot(driver, "/sign-in", "sign-in")
        sign_in(driver, ADMIN)
        screenshot(driver, "/", "map")
        screenshot(driver, "/regions/82", "region-82")
        screenshot(driver, "/admin/people", "people")
        screenshot(driver, "/admin/tokens", "tokens")
        screenshot(driver, "/admin/audit?entity=decree", "audit")
        screenshot(driver, "/admin/personal-data", "personal-data")
        # A person's data, found by address, on a phone.
        driver.set_window_size(360, 900)
        driver.get(BASE + "/admin/personal-data")
        driver.find_element(By.ID, "email").send_keys("yohanes@maluku.example.go.id")
        driver.find_element(By.CSS_SELECTOR, "main form button").click()
        wait_for(driver, lambda d: "Yang disimpan Gugus" in d.page_source, "the secretariat finds what is held about a person")
        check("Kepala Biro Hukum" in driver.page_source and "Hapus data kontak" in driver.page_source,
              "with the membership, and the erasure form")
        for width in (360, 1366):
            for language in ("id", "en"):
                driver.set_window_size(width, 900)
                driver.get(f"{BASE}/admin/personal-data?lang={language}")
                driver.find_element(By.ID, "email").send_keys("yohanes@maluku.example.go.id")
                driver.find_element(By.CSS_SELECTOR, "main form button").click()
                held = "Yang disimpan Gugus" if language == "id" else "What Gugus holds"
                wait_for(driver, lambda d: held in d.page_source, f"the person's data at {width} px ({language})")
                height = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(width, min(height + 20, 6000))
                driver.save_screenshot(os.path.join(SHOTS, f"personal-data-found-{width}-{language}.png"))
        driver.get(f"{BASE}/?lang=id")
        driver.set_window_size(1366, 900)
        no_console_errors(driver, "the screenshots")
    except WebDriverException as error:
        check(False, f"the browser: {error.msg}")
    finally:
        driver.quit()
    print("portal_browser_test.py: every check passed", flush=True)


if __name__ == "__main__":
    main()
