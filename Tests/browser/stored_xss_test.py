#!/usr/bin/env python3
"""Stored XSS through a route's HTML template, in a real headless Chromium (docs/routes.md, `html`).

README: run `python3 Tests/browser/stored_xss_test.py [path/to/kitchen]` from the repository root
after `swift build` and `apt-get install chromium`. It prints `N passed, N failed`.

What it does: starts `kitchen serve --lesson web-security` (lessons/18-security.yaml) with three
learner routes saved in $KITCHEN_HOME/routes/web-security.routes — the same page written with an
escaped `{{body}}`, with a raw `{{{body}}}`, and raw behind a Content-Security-Policy header —
stores a review whose body is a <script> through the lesson's careless POST /reviews route (as the
lesson's first step does, with urllib), then opens the pages in Chromium: the raw page runs the
script, the escaped one shows it as text and runs nothing, and the policy stops the raw one's
inline script.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from restaurant_site_test import LESSONS, Page, find_chromium, find_kitchen, read_url, start_chromium  # noqa: E402

passed = 0
failed = 0

SCRIPT = "<script>window.xssRan = true; document.title = 'owned'</script>"

ROUTES = """
route GET /escaped-page
  html <!doctype html><title>Reviews</title><ul>{{#rows}}<li class="review">{{author}}: {{body}}</li>{{/rows}}</ul>
  sql SELECT author, body FROM reviews WHERE approved = 1 ORDER BY id
end

route GET /raw-page
  html <!doctype html><title>Reviews</title><ul>{{#rows}}<li class="review">{{author}}: {{{body}}}</li>{{/rows}}</ul>
  sql SELECT author, body FROM reviews WHERE approved = 1 ORDER BY id
end

route GET /csp-raw-page
  header Content-Security-Policy: default-src 'self'
  html <!doctype html><title>Reviews</title><ul>{{#rows}}<li class="review">{{author}}: {{{body}}}</li>{{/rows}}</ul>
  sql SELECT author, body FROM reviews WHERE approved = 1 ORDER BY id
end
"""


def report(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def visit(devtools, session, page, url):
    """Navigates and waits until the document has loaded (scripts in it have run by then)."""
    devtools.send("Page.navigate", {"url": url}, session)
    page.wait_for("document.readyState === 'complete' && location.href === " + json.dumps(url))


def main():
    started = time.monotonic()
    kitchen = find_kitchen()
    chromium = find_chromium()
    home = tempfile.mkdtemp(prefix="kitchen-xss-")
    profile = tempfile.mkdtemp(prefix="kitchen-chromium-")
    server = browser = devtools = None
    try:
        os.makedirs(os.path.join(home, "routes"))
        with open(os.path.join(home, "routes", "web-security.routes"), "w", encoding="utf-8") as file:
            file.write(ROUTES.strip() + "\n")
        server = subprocess.Popen([kitchen, "serve", "--lesson", "web-security", "--lessons", LESSONS, "--port", "0"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  env=dict(os.environ, KITCHEN_HOME=home))
        url = read_url(server)

        status, created = post_json(url + "/reviews", {"item_id": 1, "author": "Mallory", "body": SCRIPT, "approved": 1})
        report(status == 201 and created.get("approved") == 1,
               "the careless POST /reviews stores a self-approved script", f"{status} {created}")
        with urllib.request.urlopen(url + "/escaped-page", timeout=10) as response:
            escaped_html = response.read().decode()
            content_type = response.headers.get("Content-Type")
        report(content_type == "text/html; charset=utf-8", "the page is text/html", repr(content_type))
        report("&lt;script&gt;window.xssRan" in escaped_html and "<script>window" not in escaped_html,
               "the escaped page carries the script as text", escaped_html[-300:])

        browser, devtools = start_chromium(chromium, profile)
        target = devtools.send("Target.createTarget", {"url": "about:blank"}, timeout=20)["targetId"]
        session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(devtools, session)
        devtools.send("Runtime.enable", {}, session)
        devtools.send("Page.enable", {}, session)

        visit(devtools, session, page, url + "/escaped-page")
        report(page.evaluate("window.xssRan === true") is False, "the escaped page runs no script")
        shown = page.evaluate("[...document.querySelectorAll('li.review')].map(li => li.textContent)") or []
        report(any(SCRIPT in text for text in shown), "the escaped page shows the script as the review's text", repr(shown))
        report(page.evaluate("document.title") == "Reviews", "the escaped page keeps its title")

        visit(devtools, session, page, url + "/raw-page")
        ran = page.wait_for("window.xssRan === true", timeout=5)
        report(ran is True, "the raw page runs the stored script")
        report(page.evaluate("document.title") == "owned", "the script changed the page", page.evaluate("document.title"))

        # The same raw page with a Content-Security-Policy: the browser refuses the inline script.
        visit(devtools, session, page, url + "/csp-raw-page")
        report(page.evaluate("window.xssRan === true") is False, "with Content-Security-Policy: default-src 'self' the raw page runs no inline script")
        report(page.evaluate("document.title") == "Reviews", "the policy kept the page as it was")
    except Exception as error:  # a broken setup is one failure, with its reason
        report(False, "the test ran to the end", str(error))
    finally:
        if browser and browser.poll() is None:
            try:
                devtools.send("Browser.close", timeout=3)
            except Exception:
                pass
        if browser:
            try:
                browser.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(browser.pid, 15)   # our Chromium's own process group
            except ProcessLookupError:
                pass
            browser.wait()
        if server:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)
    print(f"{passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
