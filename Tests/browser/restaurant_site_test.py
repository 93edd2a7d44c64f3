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

import fcntl
import json
import os
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LESSONS = os.path.join(ROOT, "lessons")
CAPSTONE = os.path.join(LESSONS, "21-capstone.yaml")

passed = 0
failed = 0


def report(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


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


class DevTools:
    """The Chrome DevTools protocol over --remote-debugging-pipe: JSON messages ended by NUL."""

    def __init__(self, process, write_fd, read_fd):
        self.process = process
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.next_id = 0
        self.responses = {}
        self.console = []
        self.lock = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self.read_fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self.lock:
                    self.lock.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self.lock:
                    if "id" in message:
                        self.responses[message["id"]] = message
                        self.lock.notify_all()
                    elif message.get("method") == "Runtime.exceptionThrown":
                        self.console.append(json.dumps(message["params"]["exceptionDetails"])[:300])
                    elif message.get("method") == "Runtime.consoleAPICalled":
                        args = message["params"].get("args", [])
                        self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args)[:300])

    def send(self, method, params=None, session=None, timeout=10):
        with self.lock:
            self.next_id += 1
            message_id = self.next_id
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self.lock:
            while message_id not in self.responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise RuntimeError(f"no answer from Chromium to {method}")
                self.lock.wait(remaining)
            response = self.responses.pop(message_id)
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response.get("result", {})


class Page:
    def __init__(self, devtools, session):
        self.devtools = devtools
        self.session = session

    def evaluate(self, expression):
        result = self.devtools.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                         "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=10):
        """Polls a JavaScript expression until it is truthy; returns its last value."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        return value

    def fill(self, selector, value):
        self.evaluate(f"""(() => {{
            const field = document.querySelector({json.dumps(selector)})
            field.focus()
            field.value = {json.dumps(value)}
            field.dispatchEvent(new Event('input', {{bubbles: true}}))
            field.dispatchEvent(new Event('change', {{bubbles: true}}))
        }})()""")

    def click(self, selector):
        """A real mouse click at the element's centre, as a person would click."""
        box = self.evaluate(f"""(() => {{
            const element = document.querySelector({json.dumps(selector)})
            element.scrollIntoView({{block: 'center'}})
            const r = element.getBoundingClientRect()
            return [r.x + r.width / 2, r.y + r.height / 2]
        }})()""")
        for kind in ("mousePressed", "mouseReleased"):
            self.devtools.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                            "button": "left", "clickCount": 1}, self.session)


def find_kitchen():
    candidates = [sys.argv[1]] if len(sys.argv) > 1 else []
    candidates += [os.environ.get("KITCHEN_BIN", "")]
    candidates += [os.path.join(ROOT, p) for p in (".build/debug/kitchen", ".build/release/kitchen")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("kitchen binary not found: run `swift build` first, or pass its path as the first argument")


def find_chromium():
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("chromium not found: install Debian's package with `apt-get install chromium`")


def read_url(process, timeout=20):
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline and not line.endswith(b"\n"):
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            byte = os.read(process.stdout.fileno(), 1)
            if not byte:
                break
            line += byte
    url = line.decode().strip()
    if not url.startswith("http://"):
        raise RuntimeError(f"kitchen serve did not print its address (got {url!r})")
    return url


def start_chromium(binary, profile):
    # Chromium reads commands from fd 3 and writes answers to fd 4.
    to_chromium_read, to_chromium_write = os.pipe()
    from_chromium_read, from_chromium_write = os.pipe()

    def wire_pipes():
        # Move both ends above 10 first, so that dup2 onto 3 and 4 neither clobbers the other nor
        # is a no-op (a no-op would keep close-on-exec set and Chromium would find no pipe).
        commands = fcntl.fcntl(to_chromium_read, fcntl.F_DUPFD, 10)
        answers = fcntl.fcntl(from_chromium_write, fcntl.F_DUPFD, 10)
        os.dup2(commands, 3)
        os.dup2(answers, 4)
        os.setsid()   # its own process group, so the test can stop Chromium and all its helpers

    arguments = [binary, "--headless=new", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
                 "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                 "--disable-sync", "--disable-dev-shm-usage", "--window-size=1024,900",
                 f"--user-data-dir={profile}", "about:blank"]
    if os.geteuid() == 0:
        arguments.insert(1, "--no-sandbox")   # Chromium refuses to run as root with its sandbox
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, preexec_fn=wire_pipes, close_fds=False)
    os.close(to_chromium_read)
    os.close(from_chromium_write)
    return process, DevTools(process, to_chromium_write, from_chromium_read)


def database_rows(path, sql):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


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
        target = devtools.send("Target.createTarget", {"url": "about:blank"}, timeout=20)["targetId"]
        session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(devtools, session)
        devtools.send("Runtime.enable", {}, session)
        devtools.send("Page.enable", {}, session)
        devtools.send("Page.navigate", {"url": url + "/"}, session)

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
                os.killpg(browser.pid, 15)   # our Chromium's own process group (see wire_pipes)
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
