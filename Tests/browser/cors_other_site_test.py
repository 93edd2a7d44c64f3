#!/usr/bin/env python3
"""CORS between two origins in a real headless Chromium: a page on a lesson's `other-site` calls
the API on Kitchen's main port.

Run `python3 Tests/browser/cors_other_site_test.py [path/to/kitchen]` from the repository root after
`swift build` (Chromium from Debian's `chromium` package; the DevTools helpers are in
browser_support.py). It writes a small lesson into a temporary lessons folder: a `dishes`
table, an `other-site` page, and routes with and without `cors other-site`; starts `kitchen serve`
on it; opens the other site's page (http://localhost:PORT) in Chromium; and checks what the browser
lets the page do against the API (http://127.0.0.1:PORT): read a route that lists the other site,
not read one that does not, send a PATCH with a JSON body (preflighted) to the listed route, and
have the browser refuse to send it at all to the route that does not list it (the database and
the request log show the PATCH never arrived).
"""

import os
import select
import shutil
import sqlite3
import subprocess
import tempfile
import time

import browser_support as helpers
from browser_support import report

LESSON = """format: 1
id: two-sites
title: Two sites
summary: A page on another origin calls this server.
setup:
  sql: CREATE TABLE dishes (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL); INSERT INTO dishes VALUES (1, 'Soup', 5.0), (2, 'Pie', 7.0);
server:
  inspection: false
  other-site: site/other
  routes: |
    route GET /dishes
      cors other-site
      sql SELECT id, name FROM dishes ORDER BY id
    end
    route PATCH /dishes/:id
      required price number 0.5..100
      cors other-site
      sql UPDATE dishes SET price = :price WHERE id = :id RETURNING id, price
    end
    route GET /private = SELECT id, price FROM dishes ORDER BY id
    route PATCH /private/:id
      required price number 0.5..100
      sql UPDATE dishes SET price = :price WHERE id = :id RETURNING id, price
    end
steps:
  - id: only
    title: Only
    text: One step.
    task: Say yes.
    check:
      kind: choice
      options: [yes, no]
    hints: [Yes.]
    solution: "yes"
    wrong:
      - answer: "no"
        expect: not the right answer
"""

PAGE = """<!doctype html>
<title>Elsewhere</title>
<pre id="out"></pre>
<script>
const results = window.results = {};
async function attempt(name, work) {
  try { results[name] = await work(); } catch (error) { results[name] = 'blocked: ' + error.name; }
}
(async () => {
  const origins = await (await fetch('/origins.json')).json();
  const api = origins.api;
  await attempt('read-listed', async () => (await (await fetch(api + '/dishes')).json()).map(d => d.name).join(','));
  await attempt('read-unlisted', async () => JSON.stringify(await (await fetch(api + '/private')).json()));
  const patch = {method: 'PATCH', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({price: 6.5})};
  await attempt('patch-listed', async () => (await fetch(api + '/dishes/1', patch)).status);
  await attempt('patch-unlisted', async () => (await fetch(api + '/private/2', patch)).status);
  results.done = true;
  document.getElementById('out').textContent = JSON.stringify(results);
})();
</script>
"""


def stderr_line_with(process, marker, timeout=20):
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 0.2)
        if ready:
            chunk = os.read(process.stderr.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            for line in buffer.decode(errors="replace").splitlines():
                if marker in line:
                    return line
    raise RuntimeError(f"kitchen serve did not print {marker!r} on stderr (got {buffer[:300]!r})")


def main():
    started = time.monotonic()
    kitchen = helpers.find_kitchen()
    chromium = helpers.find_chromium()
    lessons = tempfile.mkdtemp(prefix="kitchen-cors-lessons-")
    home = tempfile.mkdtemp(prefix="kitchen-cors-home-")
    profile = tempfile.mkdtemp(prefix="kitchen-cors-chromium-")
    server = browser = devtools = None
    try:
        os.makedirs(os.path.join(lessons, "site", "other"))
        with open(os.path.join(lessons, "two-sites.yaml"), "w", encoding="utf-8") as file:
            file.write(LESSON)
        with open(os.path.join(lessons, "site", "other", "index.html"), "w", encoding="utf-8") as file:
            file.write(PAGE)
        environment = dict(os.environ, KITCHEN_HOME=home)
        server = subprocess.Popen([kitchen, "serve", "--lessons", lessons, "--lesson", "two-sites", "--port", "0"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        api = helpers.read_url(server)
        line = stderr_line_with(server, "http://localhost:")
        site = line[line.index("http://localhost:"):].split()[0]
        report(site != api and site.startswith("http://localhost:"), "the other site runs on another origin", f"{site} vs {api}")

        browser, devtools = helpers.start_chromium(chromium, profile)
        page = helpers.open_page(devtools)
        page.navigate(site + "/")
        results = page.wait_for("window.results && window.results.done && window.results", timeout=20) or {}

        report(results.get("read-listed") == "Soup,Pie", "the page reads a route whose cors line lists the other site",
               repr(results.get("read-listed")))
        report(str(results.get("read-unlisted", "")).startswith("blocked"),
               "the browser keeps a route without cors from the page", repr(results.get("read-unlisted")))
        report(results.get("patch-listed") == 200, "a preflighted PATCH to the listed route goes through",
               repr(results.get("patch-listed")))
        report(str(results.get("patch-unlisted", "")).startswith("blocked"),
               "a PATCH to the unlisted route is refused by the browser", repr(results.get("patch-unlisted")))
        database = os.path.join(home, "lessons", "two-sites.db")
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
        prices = connection.execute("SELECT id, price FROM dishes ORDER BY id").fetchall()
        connection.close()
        report(prices == [(1, 6.5), (2, 7.0)], "only the listed route's PATCH reached the database", repr(prices))

        server.send_signal(2)
        log = server.stdout.read().decode(errors="replace")
        report("OPTIONS /private/2 204" in log and "PATCH /private/2" not in log,
               "the failed preflight kept the PATCH from ever being sent", log[-400:])
        if devtools.console:
            print("browser console:", *devtools.console[:5], sep="\n  ")
    except Exception as error:  # a broken setup is one failure, with its reason
        report(False, "the test ran to the end", str(error))
    finally:
        helpers.stop_browser(browser, devtools)
        helpers.stop_server(server)
        for folder in (lessons, home, profile):
            shutil.rmtree(folder, ignore_errors=True)
    helpers.finish(started)


if __name__ == "__main__":
    main()
