"""The centre's pages against hostile sites: no cross-site form posts, no framing, no referrer leaks, no inline
script; a wrong-role page is a page a person can act on (issue 14, hardening)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from api.schemas import Role
from tests.api.conftest import PASSWORD
from tests.api.live_server import serving
from tests.api.test_pages import browser  # noqa: F401 - headless Debian Chromium

EVIL = {"Origin": "https://evil.example"}


def test_a_login_form_posted_from_another_site_is_refused(client, headers):
    form = {"username": "supervisor", "password": PASSWORD}
    cross = client.post("/ui/login", data=form, headers=EVIL, follow_redirects=False)
    assert cross.status_code == 403 and cross.json()["code"] == "cross_site_request"
    assert "checkpoint_token" not in cross.cookies  # nobody was signed in
    same = client.post("/ui/login", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert same.status_code == 303 and "checkpoint_token" in same.cookies


def test_a_browser_saying_the_form_comes_from_another_site_is_refused_even_with_no_origin(client, headers):
    form = {"username": "supervisor", "password": PASSWORD}
    cross = client.post("/ui/login", data=form, headers={"Sec-Fetch-Site": "cross-site"}, follow_redirects=False)
    assert cross.status_code == 403 and cross.json()["code"] == "cross_site_request"
    sandboxed = client.post("/ui/login", data=form, headers={"Origin": "null"}, follow_redirects=False)
    assert sandboxed.status_code == 403
    # What Chromium sends from the centre's own login page under "Referrer-Policy: no-referrer".
    own_page = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/ui/login", data=form, headers=own_page, follow_redirects=False).status_code == 303


def test_pages_and_api_answers_forbid_framing_referrers_and_inline_script(client, headers):
    answers = [
        client.get("/ui/login"),
        client.get("/health"),
        client.get("/api/audit/events", headers=headers[Role.AUDITOR]),
        client.get("/api/audit/events"),  # an error answer too
    ]
    for response in answers:
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, response.url
        assert "unsafe-inline" not in policy and "script-src" not in policy  # no script at all on these pages
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_pages_stylesheet_is_served_from_the_centre_itself(client):
    page = client.get("/ui/login").text
    assert '<link rel="stylesheet" href="/static/centre.css">' in page
    sheet = client.get("/static/centre.css")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    assert "font-family" in sheet.text


def test_the_api_docs_run_only_their_own_hashed_script(client):
    docs = client.get("/docs")
    policy = docs.headers["content-security-policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_a_wrong_role_page_says_which_role_it_needs_and_links_home(client, headers):
    client.cookies.set("checkpoint_token", headers[Role.SUPERVISOR]["Authorization"].removeprefix("Bearer "))
    page = client.get("/ui/audit", headers={"Accept-Language": "en"})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert 'id="forbidden"' in page.text and "auditor" in page.text and 'href="/ui/"' in page.text
    assert "the supervisor role may not open this page" in page.text
    api = client.get("/api/audit/events", headers=headers[Role.SUPERVISOR])
    assert api.status_code == 403 and api.json()["code"] == "forbidden"  # the API keeps its JSON


def test_in_a_browser_the_policy_blocks_nothing_the_pages_use(app, headers, browser):  # noqa: F811
    """The stylesheet applies, the login form posts and signs in, and the browser reports no policy violation."""
    with serving(app) as base:
        browser.get(f"{base}/ui/login")
        background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(246, 247, 249)"  # centre.css loaded under the policy
        browser.find_element(By.NAME, "username").send_keys("auditor")
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        browser.find_element(By.ID, "login-submit").click()
        WebDriverWait(browser, 20).until(lambda b: b.current_url.endswith("/ui/audit"))
        violations = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
        assert violations == []
