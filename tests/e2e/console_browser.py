#!/usr/bin/python3
"""The web console in a real browser: Debian's Chromium, headless, driven through its WebDriver by Selenium.

Run by tests/integration/console_browser_test.cpp against the real service (its Beast server on loopback, a real
SQLite file, the strict fake Graph API), which seeds members and a held post, runs this script, then checks in
the database and in what the fake Graph API received that the clicks here took effect.

    console_browser.py BASE_URL SCREENSHOT_DIR CSV_FILE

BASE_URL is http://127.0.0.1:PORT. The accounts are the ones the C++ test creates. Exit status 0 when every step
passed; otherwise the failing step is printed. Every step waits with a deadline, so a hang fails.
"""

import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ADMIN = ("Programme Admin", "admin password 1")
MODERATOR = ("Neema", "moderator password 1")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DELVEX_CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,900", "--lang=en-GB", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    service = Service(os.environ.get("DELVEX_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(20)
    driver.set_script_timeout(20)
    return driver


class Run:
    def __init__(self, base, shots, csv_file):
        self.base = base.rstrip("/")
        self.shots = shots
        self.csv_file = csv_file
        self.driver = browser()
        self.step = "start"

    @staticmethod
    def replaced(error):
        """Whether Chromium refused to read a node because its page has been replaced: a stale reference, or the
        "does not belong to the document" error it gives for a node of a document that just went away."""
        return isinstance(error, StaleElementReferenceException) or (
            isinstance(error, WebDriverException) and "does not belong to the document" in str(error))

    def gone(self, page):
        """Whether `page` (the html element of the page we were on) has been replaced by the next one."""
        try:
            page.is_enabled()
            return False
        except WebDriverException as e:
            if self.replaced(e):
                return True
            raise

    def ready(self):
        """Waits, up to 10 s, until the page has loaded."""
        WebDriverWait(self.driver, 10).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def open(self, path):
        self.driver.get(self.base + path)
        self.ready()

    def again(self, action):
        """Runs an action that may be repeated safely (find, type, choose) until the page lets it: a node read
        while the page is being replaced is refused by Chromium (stale, or "does not belong to the document")."""
        for attempt in range(50):
            try:
                return action()
            except (StaleElementReferenceException, NoSuchElementException, WebDriverException):
                if attempt == 49:
                    raise
                time.sleep(0.1)
        return None

    def text(self):
        # A click that submits a form navigates while we read: read the new page, not the one that went away.
        for _ in range(50):
            try:
                return self.driver.find_element(By.TAG_NAME, "body").text
            except NoSuchElementException:
                time.sleep(0.05)
            except WebDriverException as e:
                if not self.replaced(e):
                    raise
                time.sleep(0.05)
        return self.driver.find_element(By.TAG_NAME, "body").text

    def expect(self, needle, what):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if needle in self.text():
                return
            time.sleep(0.05)
        raise AssertionError(f"{what}: {needle!r} not on {self.driver.current_url}\n{self.text()[:1500]}")

    def press(self, find):
        """Clicks the button that `find()` returns (looked up afresh each try) and waits, up to 10 s, until the
        next page has replaced this one. Chromium refuses a click on a node that is stale or "does not belong to
        the document": such a click never reached the page, so it is tried again with a fresh lookup. Any other
        error is raised: a click that may have been made is never repeated."""
        for attempt in range(50):
            page = self.again(lambda: self.driver.find_element(By.TAG_NAME, "html"))
            element = self.again(find)
            try:
                element.click()
                break
            except WebDriverException as e:
                if not self.replaced(e) or attempt == 49:
                    raise
            time.sleep(0.1)
        # Selenium's staleness_of knows only the stale reference, not Chromium's other way of saying the same.
        WebDriverWait(self.driver, 10).until(lambda d: self.gone(page))
        self.ready()

    def shot(self, name, full_page=True):
        if not self.shots:
            return
        if full_page:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(1200, max(900, min(int(height) + 40, 4000)))
        self.driver.save_screenshot(os.path.join(self.shots, name + ".png"))
        self.driver.set_window_size(1200, 900)

    def fill(self, field_id, value):
        def type_it():
            element = self.driver.find_element(By.ID, field_id)
            element.clear()
            element.send_keys(value)
        self.again(type_it)

    def login(self, who, password=None):
        self.open("/console/login")
        self.fill("name", who[0])
        self.fill("password", password if password is not None else who[1])
        self.press(lambda: self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]"))

    def logout(self):
        self.press(lambda: self.driver.find_element(By.CSS_SELECTOR, "header form button"))
        self.expect("Log in", "logged out")

    def run(self):
        self.step = "the login page"
        self.open("/console/login")
        self.expect("Log in", self.step)
        self.shot("login")

        self.step = "a wrong password is refused"
        self.login(ADMIN, "not the password")
        self.expect("Wrong name or password.", self.step)
        self.shot("login-refused")

        self.step = "the admin logs in and lands on the overview"
        self.login(ADMIN)
        self.expect("Programme Admin", self.step)
        self.expect("Members now", self.step)
        self.shot("overview")

        self.step = "a members file with semicolons is checked, previewed and imported"
        self.open("/console/members")
        self.again(lambda: self.driver.find_element(By.ID, "m-file").send_keys(self.csv_file))
        self.press(lambda: self.driver.find_element(By.XPATH, "//button[normalize-space()='Check the file']"))
        self.expect("2 rows read (separator ;)", self.step)
        preview = self.again(lambda: self.driver.find_element(By.ID, "preview").text)
        if "+254712345678" not in preview or "Wanjiru" not in preview:
            raise AssertionError("the preview does not show the normalised number:\n" + preview)
        self.shot("members-import-preview")
        self.press(lambda: self.driver.find_element(By.XPATH, "//button[normalize-space()='Import them']"))
        self.expect("Imported: 2 new members", self.step)

        self.step = "a bad members file is refused with its line numbers"
        self.open("/console/members")
        self.again(lambda: self.driver.find_element(By.ID, "m-file").send_keys(os.environ["DELVEX_BAD_CSV"]))
        self.press(lambda: self.driver.find_element(By.XPATH, "//button[normalize-space()='Check the file']"))
        self.expect("line 3", self.step)
        self.shot("members-import-problems")

        self.step = "an imported member is found"
        self.open("/console/members")
        self.fill("m-q", "wanj")
        self.press(lambda: self.driver.find_element(By.XPATH, "//button[normalize-space()='Find']"))
        table = self.again(lambda: self.driver.find_element(By.ID, "members").text)
        if "Wanjiru" not in table or "Otieno" in table:
            raise AssertionError("searching 'wanj' did not find just Wanjiru:\n" + table)
        self.shot("members")

        self.step = "a member is removed from the room, as a moderator would in chat"
        self.open("/console/members?q=baraka")
        def remove_baraka():
            row = self.driver.find_element(By.XPATH, "//table[@id='members']//tr[td[normalize-space()='Baraka']]")
            Select(row.find_element(By.NAME, "action")).select_by_value("remove")
            return row.find_element(By.XPATH, ".//button[normalize-space()='Do']")
        self.press(remove_baraka)
        self.expect("Baraka* is removed from East Africa", self.step)

        self.step = "the Academy, delivery, rooms and reports pages open"
        self.open("/console/academy")
        self.expect("Academy", self.step)
        self.shot("academy")
        self.open("/console/delivery")
        self.expect("Templates", self.step)
        self.shot("delivery")
        self.open("/console/rooms")
        self.expect("JOIN east-africa", self.step)
        self.shot("rooms")
        self.open("/console/reports")
        self.expect("Programme report", self.step)
        self.shot("reports")
        self.open("/console/accounts")
        self.expect("API tokens", self.step)
        self.shot("accounts")

        self.step = "a held post is approved"
        self.open("/console/moderation")
        self.expect("Where to buy a retort?", self.step)
        self.shot("moderation")
        self.press(lambda: self.driver.find_element(
            By.XPATH, "//tr[td[contains(., 'Where to buy a retort?')]]//button[normalize-space()='Approve']"))
        self.expect("is approved and shared", self.step)
        if "Where to buy a retort?" in self.text().split("Recent moderation")[0]:
            raise AssertionError("the approved post is still in the queue")

        self.step = "a form without its CSRF token is refused"
        self.open("/console/moderation")
        self.expect("Gold for sale", self.step)
        self.driver.execute_script(
            "document.querySelectorAll('input[name=csrf]').forEach(function (e) { e.remove(); });")
        self.press(lambda: self.driver.find_element(
            By.XPATH, "//tr[td[contains(., 'Gold for sale')]]//button[normalize-space()='Reject']"))
        self.expect("Form refused", self.step)
        self.shot("csrf-refused")
        self.open("/console/moderation")
        self.expect("Gold for sale", "the post refused without a token still waits")

        self.step = "a forum is scheduled and shows in the calendar"
        self.open("/console/forums")
        self.again(lambda: Select(self.driver.find_element(By.ID, "f-room")).select_by_value("east-africa"))
        self.fill("f-title", "Mercury-free gold")
        self.fill("f-agenda", "Retorts and borax: what works")
        # Chromium's date and time inputs take the digits as typed in the page's locale order.
        self.driver.execute_script(
            "document.getElementById('f-date').value = arguments[0];"
            "document.getElementById('f-time').value = '15:00';", os.environ["DELVEX_FORUM_DATE"])
        Select(self.driver.find_element(By.ID, "f-repeat")).select_by_value("monthly")
        self.fill("f-join", "https://meet.example.org/mercury")
        self.press(lambda: self.driver.find_element(By.XPATH, "//button[normalize-space()='Schedule']"))
        self.expect("The forum is scheduled", self.step)
        calendar = self.again(lambda: self.driver.find_element(By.ID, "calendar").text)
        if "Mercury-free gold" not in calendar or os.environ["DELVEX_FORUM_DATE"] + " 15:00" not in calendar:
            raise AssertionError("the new forum is not in the calendar:\n" + calendar)
        self.shot("forums")

        self.step = "the audit log names who did what"
        self.open("/console/audit")
        self.expect("moderation.approve", self.step)
        self.expect("forums.create", self.step)
        self.shot("audit")
        self.logout()

        self.step = "a moderator sees their room only"
        self.login(MODERATOR)
        self.expect("Neema", self.step)
        self.open("/console/moderation?room=east-africa")
        self.expect("Not allowed", "a moderator opening another room's queue")
        self.shot("moderator-refused")
        self.open("/console/moderation")
        if "Gold for sale" in self.text():
            raise AssertionError("a moderator of west-africa sees an east-africa post")
        self.expect("Nothing waits for a decision.", "the moderator's own queue")
        self.open("/console/overview")
        self.expect("Not allowed", "a moderator opening the overview")
        self.logout()

    def close(self):
        try:
            self.driver.quit()
        except WebDriverException:
            pass


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    run = Run(sys.argv[1], sys.argv[2], sys.argv[3])
    try:
        run.run()
    except Exception as error:  # the step and what went wrong, for the C++ test's failure message
        print(f"FAILED at {run.step}: {error}", file=sys.stderr)
        return 1
    finally:
        run.close()
    print("console browser test: every step passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
