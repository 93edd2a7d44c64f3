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
import tempfile
import time
import urllib.request

from browser_support import (LESSONS, find_chromium, find_kitchen, finish, open_page, read_url, report, start_chromium,
                             stop_browser, stop_server)

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


def post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def visit(page, url):
    """Navigates and waits until the document has loaded (scripts in it have run by then)."""
    page.navigate(url)
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
        page = open_page(devtools)

        visit(page, url + "/escaped-page")
        report(page.evaluate("window.xssRan === true") is False, "the escaped page runs no script")
        shown = page.evaluate("[...document.querySelectorAll('li.review')].map(li => li.textContent)") or []
        report(any(SCRIPT in text for text in shown), "the escaped page shows the script as the review's text", repr(shown))
        report(page.evaluate("document.title") == "Reviews", "the escaped page keeps its title")

        visit(page, url + "/raw-page")
        ran = page.wait_for("window.xssRan === true", timeout=5)
        report(ran is True, "the raw page runs the stored script")
        report(page.evaluate("document.title") == "owned", "the script changed the page", page.evaluate("document.title"))

        # The same raw page with a Content-Security-Policy: the browser refuses the inline script.
        visit(page, url + "/csp-raw-page")
        report(page.evaluate("window.xssRan === true") is False, "with Content-Security-Policy: default-src 'self' the raw page runs no inline script")
        report(page.evaluate("document.title") == "Reviews", "the policy kept the page as it was")
    except Exception as error:  # a broken setup is one failure, with its reason
        report(False, "the test ran to the end", str(error))
    finally:
        stop_browser(browser, devtools)
        stop_server(server)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)
    finish(started)


if __name__ == "__main__":
    main()
