"""The console in a real browser: headless Chromium (Debian's chromium and chromium-driver, installed by
scripts/browser) driven by selenium against a live argus_lite on waitress, on both databases. Each test
saves a screenshot into its pytest tmp dir (docs/screenshots/ holds copies)."""
import os
import shutil
import time

import pytest
import requests

from argus_lite.testing import serve_in_thread

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)),
                                reason="no chromium/chromedriver: run scripts/browser")
PASSWORD = "secret-pw"
WAIT_SECONDS = 20


def start_chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture(scope="session")
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def guest_browser():
    """A second Chromium with a profile of its own: no cookie of the operator's browser reaches it."""
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture
def live(wsgi_app, browser, end_user, source):
    base, stop = serve_in_thread(wsgi_app)
    browser.delete_all_cookies()        # cookies are per host, whatever the port of the last test's server
    yield base
    stop()


@pytest.fixture
def shot(browser, tmp_path):
    def save(name, driver=browser):
        path = tmp_path / f"{name}.png"
        assert driver.save_screenshot(str(path))
        if os.environ.get("ARGUS_LITE_SCREENSHOTS"):          # to refresh docs/screenshots/
            shutil.copy(path, os.environ["ARGUS_LITE_SCREENSHOTS"])
        return path
    return save


def wait_for(browser, condition):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT_SECONDS).until(condition)


def by_css(selector):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, selector


def log_in(browser, base, username="kari"):
    browser.get(f"{base}/")
    wait_for(browser, lambda driver: driver.find_elements(*by_css("#username")))
    browser.find_element(*by_css("#username")).send_keys(username)
    browser.find_element(*by_css("#password")).send_keys(PASSWORD)
    browser.find_element(*by_css("form.login button")).click()
    wait_for(browser, lambda driver: driver.find_elements(*by_css("table.incidents")))


def post_incident(base, source, description):
    answer = requests.post(f"{base}/api/v2/incidents/", headers={"Authorization": f"Token {source.token}"},
                           json={"start_time": "2026-01-01T10:00:00+01:00", "description": description,
                                 "tags": [{"tag": "host=sw1"}], "level": 2}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["pk"]


def incident_of(base, caller, pk):
    return requests.get(f"{base}/api/v2/incidents/{pk}/", headers=caller.headers, timeout=10).json()


def test_log_in_and_out(browser, live, shot):
    browser.get(f"{live}/console/")
    assert "/console/login" in browser.current_url
    shot("login")
    log_in(browser, live)
    assert browser.current_url == f"{live}/console/"
    browser.find_element(*by_css("form.logout button")).click()
    wait_for(browser, lambda driver: "You are logged out." in driver.page_source)
    shot("logged-out")
    browser.get(f"{live}/console/")
    assert "/console/login" in browser.current_url


def test_a_wrong_password_is_refused(browser, live):
    browser.get(f"{live}/console/login")
    browser.find_element(*by_css("#username")).send_keys("kari")
    browser.find_element(*by_css("#password")).send_keys("wrong")
    browser.find_element(*by_css("form.login button")).click()
    assert "Unable to log in" in wait_for(browser, lambda driver: driver.find_element(*by_css("#login-error"))).text


def test_an_incident_posted_through_the_api_appears_without_reload(browser, live, source, shot):
    from selenium.webdriver.support.ui import Select

    log_in(browser, live)
    Select(browser.find_element(*by_css("#refresh"))).select_by_value("5")
    browser.execute_script("document.body.dataset.sameDocument = 'yes'")   # a reload would drop this mark
    browser.find_element(*by_css("h1")).click()                           # no field has the focus
    pk = post_incident(live, source, "uplink down at trd-gw1")
    row = wait_for(browser, lambda driver: driver.find_elements(*by_css(f'tr[data-pk="{pk}"]')))[0]
    assert "uplink down at trd-gw1" in row.text and "host=sw1" in row.text
    assert browser.execute_script("return document.body.dataset.sameDocument") == "yes"
    shot("incident-list")


def test_the_refresh_waits_while_rows_are_selected(browser, live, source):
    from selenium.webdriver.support.ui import Select

    first = post_incident(live, source, "first")
    log_in(browser, live)
    Select(browser.find_element(*by_css("#refresh"))).select_by_value("5")
    browser.find_element(*by_css(f'tr[data-pk="{first}"] input[name="ids"]')).click()
    second = post_incident(live, source, "second")
    time.sleep(7)                       # more than one refresh interval
    assert not browser.find_elements(*by_css(f'tr[data-pk="{second}"]'))
    assert browser.find_element(*by_css(f'tr[data-pk="{first}"] input[name="ids"]')).is_selected()
    browser.find_element(*by_css(f'tr[data-pk="{first}"] input[name="ids"]')).click()
    wait_for(browser, lambda driver: driver.find_elements(*by_css(f'tr[data-pk="{second}"]')))


def test_acknowledge_and_the_api_reports_it_acked(browser, live, source, end_user, shot):
    pk = post_incident(live, source, "fan failure")
    log_in(browser, live)
    browser.find_element(*by_css(f'tr[data-pk="{pk}"] td a')).click()
    wait_for(browser, lambda driver: driver.find_elements(*by_css("#acknowledge")))
    assert browser.find_element(*by_css("#acked")).text == "no"
    browser.find_element(*by_css("#ack-description")).send_keys("replacing the fan")
    browser.find_element(*by_css("#acknowledge")).click()
    wait_for(browser, lambda driver: "Acknowledged." in driver.page_source)
    assert browser.find_element(*by_css("#acked")).text == "yes"
    assert "replacing the fan" in browser.page_source
    shot("incident-detail")
    assert incident_of(live, end_user, pk)["acked"] is True


def test_close_three_with_one_bulk_action(browser, live, source, end_user, shot):
    pks = [post_incident(live, source, f"port {number} down") for number in range(3)]
    kept = post_incident(live, source, "still open")
    log_in(browser, live)
    for pk in pks:
        browser.find_element(*by_css(f'tr[data-pk="{pk}"] input[name="ids"]')).click()
    browser.find_element(*by_css('form.bulk button[value="close"]')).click()
    wait_for(browser, lambda driver: "3 incidents closed" in driver.page_source)
    shot("bulk-closed")
    assert [incident_of(live, end_user, pk)["open"] for pk in pks] == [False, False, False]
    assert incident_of(live, end_user, kept)["open"] is True


def test_a_source_system_user_cannot_log_in(browser, live, source):
    from argus_lite.core import users

    users.set_password(source.user, PASSWORD)
    browser.get(f"{live}/console/login")
    browser.find_element(*by_css("#username")).send_keys(source.user.username)
    browser.find_element(*by_css("#password")).send_keys(PASSWORD)
    browser.find_element(*by_css("form.login button")).click()
    assert "Unable to log in" in wait_for(browser, lambda driver: driver.find_element(*by_css("#login-error"))).text


def test_the_page_runs_under_its_content_security_policy(browser, live, source):
    """The console's script loads under script-src 'self' and the browser reports no CSP violation."""
    log_in(browser, live)
    logs = browser.get_log("browser")
    assert not [entry for entry in logs if "Content Security Policy" in entry["message"]], logs
    assert browser.execute_script("return typeof fetch") == "function"


def test_an_incident_published_through_cachet_2x_shows_on_the_status_page_without_a_session(
        browser, guest_browser, live, end_user, shot):
    """Issue 14: published through a face, seen on /status/ by a browser that never logged in (FACE-7)."""
    cachet = {"X-Cachet-Token": end_user.token}
    group = requests.post(f"{live}/cachet/api/v1/components/groups", headers=cachet, timeout=10,
                          json={"name": "Network", "visible": 1}).json()["data"]["id"]
    for name in ("Core routers", "Campus Wi-Fi", "DNS"):
        requests.post(f"{live}/cachet/api/v1/components", headers=cachet, timeout=10,
                      json={"name": name, "status": 1, "group_id": group}).raise_for_status()
    answer = requests.post(f"{live}/cachet/api/v1/incidents", headers=cachet, timeout=10, json={
        "name": "Campus Wi-Fi drops connections", "message": "Some access points restart every few minutes.",
        "status": 1, "visible": 1, "component_id": 2, "component_status": 3})
    assert answer.status_code == 200, answer.text
    pk = answer.json()["data"]["id"]
    requests.post(f"{live}/cachet/api/v1/incidents/{pk}/updates", headers=cachet, timeout=10,
                  json={"status": 2, "message": "A faulty firmware update; rolling it back."}).raise_for_status()
    log_in(browser, live)                                   # the operator's browser has a session
    guest_browser.get(f"{live}/status/")
    assert guest_browser.get_cookies() == []
    article = wait_for(guest_browser, lambda driver: driver.find_elements(*by_css(f"#incident-{pk}")))[0]
    assert "Campus Wi-Fi drops connections" in article.text and "rolling it back" in article.text
    assert "Identified" in article.text
    assert "Some systems are having problems" in guest_browser.find_element(*by_css("#system-state")).text
    assert "Partial outage" in guest_browser.page_source
    logs = guest_browser.get_log("browser")
    assert not [entry for entry in logs if "Content Security Policy" in entry["message"]], logs
    shot("status", guest_browser)
    guest_browser.find_element(*by_css(f"#incident-{pk}-title a")).click()
    wait_for(guest_browser, lambda driver: driver.current_url == f"{live}/status/incidents/{pk}")
    assert "rolling it back" in guest_browser.find_element(*by_css("article")).text


def test_an_operator_publishes_an_api_incident_and_a_guest_sees_it_on_the_status_page(
        browser, guest_browser, live, source, end_user, shot):
    """Issue 14, FACE-6: an incident a source posted through the Argus API is on no status page until the
    operator publishes it in the console; then a browser that never logged in sees it (FACE-7)."""
    from selenium.webdriver.support.ui import Select

    cachet = {"X-Cachet-Token": end_user.token}
    requests.post(f"{live}/cachet/api/v1/components", headers=cachet, timeout=10,
                  json={"name": "Campus network", "status": 1}).raise_for_status()
    pk = post_incident(live, source, "Switch sw1 in building B is down")
    assert requests.get(f"{live}/status/incidents/{pk}", timeout=10).status_code == 404
    log_in(browser, live)
    browser.get(f"{live}/console/incidents/{pk}")
    form = wait_for(browser, lambda driver: driver.find_elements(*by_css("#publish-form")))[0]
    Select(browser.find_element(*by_css("#publish-phase"))).select_by_value("identified")
    browser.find_element(*by_css("#publish-body")).send_keys("A power supply failed; a spare is on its way.")
    browser.find_element(*by_css('#publish-form input[name="components"]')).click()
    Select(browser.find_element(*by_css("#publish-component-status"))).select_by_visible_text("major outage")
    browser.execute_script("arguments[0].scrollIntoView()", form)
    shot("publish")
    browser.find_element(*by_css("#publish")).click()
    wait_for(browser, lambda driver: "Published to the status page." in driver.page_source)
    assert browser.find_elements(*by_css("#published"))
    guest_browser.get(f"{live}/status/")
    assert guest_browser.get_cookies() == []
    article = wait_for(guest_browser, lambda driver: driver.find_elements(*by_css(f"#incident-{pk}")))[0]
    assert "Switch sw1 in building B is down" in article.text and "a spare is on its way" in article.text
    assert "Identified" in article.text and "Campus network" in article.text
    assert "Major outage" in guest_browser.page_source


def test_the_kiosk_follows_the_preferences_and_reloads_itself(browser, live, source, shot):
    """Issue 14's kiosk: dark theme and a 5 s refresh chosen in the preferences; an incident posted through
    the API appears on the wall screen without anyone touching it."""
    from selenium.webdriver.support.ui import Select

    post_incident(live, source, "core router trd-gw1 down")
    log_in(browser, live)
    browser.get(f"{live}/console/preferences")
    Select(browser.find_element(*by_css("#p-theme"))).select_by_value("dark")
    Select(browser.find_element(*by_css("#p-refresh_seconds"))).select_by_value("5")
    browser.find_element(*by_css("#preferences button")).click()
    wait_for(browser, lambda driver: "Preferences saved." in driver.page_source)
    browser.get(f"{live}/console/kiosk?open=true")
    assert "core router trd-gw1 down" in browser.find_element(*by_css("table.kiosk")).text
    assert not browser.find_elements(*by_css("form, button, input"))
    background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 24, 28)"                                # the dark theme's --bg
    pk = post_incident(live, source, "power feed B lost")
    wait_for(browser, lambda driver: driver.find_elements(*by_css(f'tr[data-pk="{pk}"]')))
    shot("kiosk")


def test_a_profile_with_a_timeslot_and_a_filter_previews_its_incidents(browser, live, source, end_user, shot):
    """Issue 14: a timeslot, a filter (previewed before it is saved) and a profile made with the console's forms;
    the profile's page lists the incidents the API's preview lists (N-9)."""
    from selenium.webdriver.support.ui import Select

    matching = post_incident(live, source, "uplink down at trd-gw1")          # tagged host=sw1
    log_in(browser, live)
    browser.find_element(*by_css('header nav a[href="/console/settings"]')).click()
    browser.find_element(*by_css('a[href="/console/settings/timeslots/new"]')).click()
    browser.find_element(*by_css("#name")).send_keys("weekdays")
    for day in range(1, 6):
        browser.find_element(*by_css(f'input[name="days-0"][value="{day}"]')).click()
    browser.execute_script("document.querySelector('[name=start-0]').value = '08:00';"
                           "document.querySelector('[name=end-0]').value = '16:00';")
    browser.find_element(*by_css("form.settings button")).click()
    wait_for(browser, lambda driver: "Timeslot saved." in driver.page_source)

    browser.find_element(*by_css('a[href="/console/settings/filters/new"]')).click()
    browser.find_element(*by_css("#name")).send_keys("switch sw1")
    browser.execute_script("document.body.dataset.sameDocument = 'yes'")   # a reload would drop this mark
    browser.find_element(*by_css("#tags")).send_keys("host=sw1")          # previewed after a pause in typing
    row = wait_for(browser, lambda driver: driver.find_elements(*by_css(f'#preview tr[data-pk="{matching}"]')))[0]
    assert "uplink down at trd-gw1" in row.text
    browser.find_element(*by_css("#tags")).clear()
    browser.find_element(*by_css("#tags")).send_keys("host=none")
    wait_for(browser, lambda driver: driver.find_elements(*by_css("#preview td.empty")))
    browser.find_element(*by_css("#tags")).clear()
    browser.find_element(*by_css("#tags")).send_keys("host=sw1")
    browser.find_element(*by_css("#preview-button")).click()
    wait_for(browser, lambda driver: driver.find_elements(*by_css(f'#preview tr[data-pk="{matching}"]')))
    assert browser.execute_script("return document.body.dataset.sameDocument") == "yes"
    browser.find_element(*by_css('button[value="save"]')).click()
    wait_for(browser, lambda driver: "Filter saved." in driver.page_source)

    browser.find_element(*by_css('a[href="/console/settings/profiles/new"]')).click()
    browser.find_element(*by_css("#name")).send_keys("day shift")
    Select(browser.find_element(*by_css("#timeslot"))).select_by_visible_text("weekdays")
    browser.find_element(*by_css('input[name="filters"]')).click()
    browser.find_element(*by_css("form.settings > button")).click()
    wait_for(browser, lambda driver: "Profile saved." in driver.page_source)
    previewed = [int(element.get_attribute("data-pk"))
                 for element in browser.find_elements(*by_css("#preview tr[data-pk]"))]
    shot("notification-profile")
    profiles = requests.get(f"{live}/api/v2/notificationprofiles/", headers=end_user.headers, timeout=10).json()
    assert [(p["name"], p["timeslot"]["name"], [f["name"] for f in p["filters"]]) for p in profiles] == \
        [("day shift", "weekdays", ["switch sw1"])]
    assert profiles[0]["timeslot"]["time_recurrences"] == [{"days": [1, 2, 3, 4, 5], "start": "08:00:00",
                                                            "end": "16:00:00"}]
    api_preview = requests.get(f"{live}/api/v2/notificationprofiles/{profiles[0]['pk']}/incidents/",
                               headers=end_user.headers, timeout=10).json()
    assert previewed == [incident["pk"] for incident in api_preview] == [matching]
