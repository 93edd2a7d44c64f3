#!/usr/bin/env python3
"""End-to-end test of the Copper Pot web page (lessons/site/restaurant) in a real headless Chromium.

README: run `python3 Tests/browser/restaurant_site_test.py [path/to/kitchen]` from the repository root
after `swift build` and `apt-get install chromium` (Debian's package; no chromium-driver needed).
The kitchen binary defaults to $KITCHEN_BIN, else .build/debug/kitchen; Chromium to $CHROMIUM, else
`chromium` on the PATH. It takes about 5 seconds and prints `N passed, N failed`.

What it does: writes the capstone lesson's reference routes (the `solution` of each `kind: route`
step of lessons/21-capstone.yaml) into $KITCHEN_HOME/routes/capstone.routes, where Kitchen keeps a
learner's routes, starts `kitchen serve --lesson capstone`, opens the page in Chromium driven over
the DevTools protocol (`--remote-debugging-pipe`, Python standard library only), and checks that
the menu renders the database's dishes, that an order placed through the form lands in the
lesson's database (read afterwards with sqlite3), that a 422 marks the failing field without
touching the database, and that logging in greets the user.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time

from browser_support import (LESSONS, database_rows, find_chromium, find_kitchen, finish, open_page, read_url, report,
                             start_chromium, stop_browser, stop_server)

CAPSTONE = os.path.join(LESSONS, "21-capstone.yaml")


def reference_routes(path):
    """The solutions of the lesson's `kind: route` steps (a small reader for this file's layout)."""
    text = open(path, encoding="utf-8").read()
    routes = []
    for chunk in re.split(r"\n  - id: ", text)[1:]:
        if not re.search(r"\n      kind: route\n", chunk):
            continue
        lines = chunk.split("\n")
        for index, line in enumerate(lines):
            if line.startswith("    solution: |"):
                body = []
                for inner in lines[index + 1:]:
                    if inner.startswith("      ") or inner.strip() == "":
                        body.append(inner[6:])
                    else:
                        break
                routes.append("\n".join(body).strip())
                break
            if line.startswith("    solution: "):
                routes.append(line[len("    solution: "):].strip())
                break
    return routes




def main():
    started = time.monotonic()
    kitchen = find_kitchen()
    chromium = find_chromium()
    home = tempfile.mkdtemp(prefix="kitchen-browser-")
    profile = tempfile.mkdtemp(prefix="kitchen-chromium-")
    server = browser = devtools = None
    try:
        routes = reference_routes(CAPSTONE)
        report(len(routes) >= 4, "the capstone has reference routes", f"found {len(routes)}")
        os.makedirs(os.path.join(home, "routes"))
        with open(os.path.join(home, "routes", "capstone.routes"), "w", encoding="utf-8") as file:
            file.write("\n\n".join(routes) + "\n")

        environment = dict(os.environ, KITCHEN_HOME=home)
        server = subprocess.Popen([kitchen, "serve", "--lesson", "capstone", "--lessons", LESSONS, "--port", "0"],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  env=environment)
        url = read_url(server)
        database = os.path.join(home, "lessons", "capstone.db")

        browser, devtools = start_chromium(chromium, profile)
        page = open_page(devtools)
        page.navigate(url + "/")

        # 1. The menu renders the dishes the database offers.
        expected = database_rows(database, "SELECT id, name, price FROM menu_items WHERE discontinued = 0 ORDER BY id")
        count = page.wait_for(f"document.querySelectorAll('#menu li').length >= {len(expected)} && "
                              "document.querySelectorAll('#menu li').length")
        shown = page.evaluate("""[...document.querySelectorAll('#menu li')].map(li =>
            [Number(li.dataset.id), li.querySelector('.dish-name').textContent, li.querySelector('.dish-price').textContent])""") or []
        report(count == len(expected), "the menu lists every dish on offer", f"{count} items, expected {len(expected)}")
        wanted = [[row[0], row[1], f"{row[2]:.2f}"] for row in expected]
        report(shown == wanted, "each dish shows its name and price from the database",
               f"first differences: {[pair for pair in zip(shown, wanted) if pair[0] != pair[1]][:3]}")
        report("Hawaiian" not in page.evaluate("document.getElementById('menu').textContent"),
               "a discontinued dish is not listed")
        options = page.evaluate("document.querySelectorAll('#item-id option[value]:not([value=\"\"])').length")
        report(options == len(expected), "the order form offers every dish", f"{options} options")

        # 2. An order placed through the form lands in the database.
        before = database_rows(database, "SELECT count(*) FROM web_orders")[0][0]
        page.fill("#table-no", "4")
        page.fill("#item-id", "12")
        page.fill("#qty", "2")
        page.click("#order-form button[type=submit]")
        result = page.wait_for("/^Order \\d+ placed/.test(document.getElementById('order-result').textContent) && "
                               "document.getElementById('order-result').textContent")
        report(bool(result) and "Margherita" in result and "table 4" in result,
               "the page confirms the order with the server's answer", repr(result))
        rows = database_rows(database, "SELECT table_no, item_id, qty, status FROM web_orders ORDER BY id")
        report(len(rows) == before + 1 and rows[-1] == (4, 12, 2, "new"),
               "the order is in the lesson's database (web_orders)", repr(rows))
        order_id = re.search(r"Order (\d+)", result or "")
        report(bool(order_id) and database_rows(database, f"SELECT count(*) FROM web_orders WHERE id = {int(order_id.group(1))}")[0][0] == 1,
               "the order number shown is the row's id")

        # 3. A 422 marks the failing field and leaves the database untouched.
        page.fill("#table-no", "13")
        page.click("#order-form button[type=submit]")
        error = page.wait_for("document.getElementById('error-table_no').textContent")
        report(bool(error) and "between 1 and 12" in error, "a 422 shows the table_no error next to the field", repr(error))
        invalid = page.evaluate("document.getElementById('table-no').getAttribute('aria-invalid')")
        report(invalid == "true", "the failing field is marked aria-invalid")
        report(database_rows(database, "SELECT count(*) FROM web_orders")[0][0] == before + 1,
               "the invalid order did not reach the database")

        # 4. Logging in greets the user; a wrong password does not.
        page.fill("#email", "ana.souza@example.com")
        page.fill("#password", "not-her-password")
        page.click("#login-form button[type=submit]")
        wrong = page.wait_for("document.getElementById('login-result').textContent.startsWith('Wrong') && "
                              "document.getElementById('login-result').textContent")
        report(wrong == "Wrong email or password.", "a wrong password is refused", repr(wrong))
        report(page.evaluate("document.getElementById('greeting').textContent") == "",
               "nobody is greeted after a failed login")
        page.fill("#password", "tomato-basil-42")
        page.click("#login-form button[type=submit]")
        greeting = page.wait_for("document.getElementById('greeting').textContent")
        report(greeting == "Hello, Ana Souza!", "logging in greets the user from GET /me", repr(greeting))

        if devtools.console:
            print("browser console:", *devtools.console[:5], sep="\n  ")
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
