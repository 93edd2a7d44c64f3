"""What the browser tests share: a real headless Chromium driven over the DevTools protocol
(`--remote-debugging-pipe`, Python's standard library only), the `kitchen` binary they start, and
their `ok`/`FAIL` report.

The tests (restaurant_site_test.py, cors_other_site_test.py, stored_xss_test.py) run as scripts
from the repository root, so this module is found beside them.
"""

import fcntl
import json
import os
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


def finish(started):
    """Prints the tally and ends the test: exit status 1 when anything failed."""
    print(f"{passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)")
    sys.exit(1 if failed else 0)


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
        try:
            os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            self.process.wait()
            raise RuntimeError(f"Chromium exited (status {self.process.returncode}) before reading "
                               f"{method}{chromium_log_tail(self.process)}")
        deadline = time.monotonic() + timeout
        with self.lock:
            while message_id not in self.responses:
                remaining = deadline - time.monotonic()
                if self.process.poll() is not None:
                    raise RuntimeError(f"Chromium exited (status {self.process.returncode}) before answering "
                                       f"{method}{chromium_log_tail(self.process)}")
                if remaining <= 0:
                    raise RuntimeError(f"no answer from Chromium to {method} within {timeout} s"
                                       f"{chromium_log_tail(self.process)}")
                self.lock.wait(remaining)
            response = self.responses.pop(message_id)
        if "error" in response:
            raise RuntimeError(f"{method}: {response['error']}")
        return response.get("result", {})



class Page:
    """One tab, through its DevTools session."""

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

    def navigate(self, url):
        self.devtools.send("Page.navigate", {"url": url}, self.session)


def open_page(devtools):
    """A new tab with the Runtime and Page domains on, as a Page."""
    target = devtools.send("Target.createTarget", {"url": "about:blank"}, timeout=60)["targetId"]
    session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    devtools.send("Runtime.enable", {}, session)
    devtools.send("Page.enable", {}, session)
    return Page(devtools, session)


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


def start_chromium(binary, profile, attempts=2):
    """Chromium with DevTools on a pipe, once it answers; a start that hangs or dies is tried again.

    A first start on a fresh machine can be slow (Chromium builds its caches in the new profile,
    fontconfig its font cache) or, rarely, never answer: CI once waited 20 s for its first tab.
    So the test waits for Browser.getVersion up to START_SECONDS, and on a hang or a crash stops
    that Chromium and starts one more in a new profile, printing what the first wrote to stderr.
    """
    for attempt in range(1, attempts + 1):
        # A retry gets a new profile inside the first, so the test's cleanup of `profile` removes it.
        attempt_profile = profile if attempt == 1 else tempfile.mkdtemp(prefix="retry-", dir=profile)
        process, devtools = launch_chromium(binary, attempt_profile)
        try:
            devtools.send("Browser.getVersion", timeout=START_SECONDS)
            return process, devtools
        except RuntimeError as error:
            stop_browser(process, devtools)
            if attempt == attempts:
                raise
            print(f"note: Chromium start {attempt} failed ({error}); trying once more", file=sys.stderr)


START_SECONDS = 90


def launch_chromium(binary, profile):
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
    # Its stderr goes to a file beside the profile (kept out of the test's output unless it fails).
    log = tempfile.NamedTemporaryFile(prefix="kitchen-chromium-", suffix=".log", delete=False)
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=log, preexec_fn=wire_pipes, close_fds=False)
    log.close()
    process.log_path = log.name
    os.close(to_chromium_read)
    os.close(from_chromium_write)
    return process, DevTools(process, to_chromium_write, from_chromium_read)


def chromium_log_tail(process, lines=8):
    """The last lines Chromium wrote to stderr, as a suffix for an error message."""
    try:
        with open(process.log_path, encoding="utf-8", errors="replace") as file:
            tail = [line.rstrip() for line in file.readlines()[-lines:] if line.strip()]
    except (AttributeError, OSError):
        return ""
    return ("; Chromium's stderr ends:\n    " + "\n    ".join(tail)) if tail else ""


def database_rows(path, sql):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def stop_browser(browser, devtools):
    """Closes Chromium politely, then ends its whole process group (see wire_pipes)."""
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
        log_path = getattr(browser, "log_path", None)
        if log_path:
            try:
                os.unlink(log_path)
            except OSError:
                pass


def stop_server(server):
    """Stops `kitchen serve` (SIGTERM, then SIGKILL after 5 s) unless it has ended already."""
    if server:
        if server.poll() is None:
            server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
