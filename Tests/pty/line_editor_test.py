#!/usr/bin/env python3
"""Drive `kitchen sql` through a real pseudo-terminal (libedit, signals, history).

Usage: line_editor_test.py /path/to/kitchen [extra args for `kitchen sql`...]

Each check starts its own `kitchen sql` with a fresh KITCHEN_HOME (the history checks share
one), so a failing check cannot spoil the next. Prints `ok: ...` or `FAIL: ...` per check, then
a last line `N passed, N failed`; exits 1 if anything failed. VERBOSE=1 echoes the terminal.
"""
import os
import re
import sys
import tempfile
import time
import traceback

import pexpect

PROMPT = "kitchen> "
CONTINUATION = "   ...> "
TIMEOUT = 10

UP = "\x1b[A"
TAB = "\t"
CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_R = "\x12"

RUNAWAY = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c;"


class Kitchen:
    """One `kitchen sql` on a pty."""

    def __init__(self, binary, args, home):
        env = dict(os.environ, KITCHEN_HOME=home, TERM="xterm", LANG="C.UTF-8", NO_COLOR="1")
        env.pop("EDITRC", None)
        self.child = pexpect.spawn(binary, ["sql"] + args, env=env, encoding="utf-8",
                                   timeout=TIMEOUT, dimensions=(30, 120))
        self.child.logfile_read = sys.stdout if os.environ.get("VERBOSE") else None
        self.prompt()

    def prompt(self):
        self.child.expect_exact(PROMPT)

    def run(self, line, expect=None):
        """Types a line, waits for `expect` in the output (if given), then for the next prompt."""
        self.child.sendline(line)
        if expect:
            self.child.expect_exact(expect)
        self.prompt()

    def quit(self):
        """Ctrl-D on an empty line; returns the exit status."""
        self.child.send(CTRL_D)
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    def kill(self):
        if self.child.isalive():
            self.child.terminate(force=True)


CHECKS = []


def check(description):
    def register(function):
        CHECKS.append((description, function))
        return function
    return register


@check("Ctrl-D on an empty line exits with status 0")
def ctrl_d_exits(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    kitchen.run("SELECT 'still' || 'here' AS word;", "stillhere")
    status = kitchen.quit()
    assert status == 0, f"exit status {status}"


@check("Up recalls the previous session's statement from the history file")
def history_after_restart(binary, args, home):
    first = Kitchen(binary, args, home)
    first.run("SELECT 'remem' || 'bered' AS marker;", "remembered")
    assert first.quit() == 0
    with open(os.path.join(home, "history"), encoding="utf-8") as f:
        assert f.readline().strip() == "_HiStOrY_V2_", "the history file is not libedit's format"

    second = Kitchen(binary, args, home)
    try:
        second.child.send(UP)
        second.child.expect_exact("SELECT 'remem' || 'bered' AS marker;")
        second.child.send("\r")
        second.child.expect_exact("remembered")
        second.prompt()
        assert second.quit() == 0
    finally:
        second.kill()


@check("Ctrl-R finds an earlier statement by a word in it")
def reverse_search(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.run("SELECT 'needle' || 'found' AS hit;", "needlefound")
        kitchen.run("SELECT 'some' || 'thing else';", "something else")
        kitchen.child.send(CTRL_R)
        kitchen.child.send("needle")
        kitchen.child.send("\r")
        kitchen.child.expect_exact("needlefound")
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("TAB completes .ta to .tables")
def tab_completes_command(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.run("CREATE TABLE menu_items(id INTEGER, name TEXT);")
        kitchen.child.send(".ta" + TAB)
        # libedit redraws only what changed: the rest of the word and a space.
        kitchen.child.expect_exact("bles ")
        kitchen.child.send("\r")
        index = kitchen.child.expect_exact(["menu_items", "unknown command"])
        assert index == 0, ".ta was run uncompleted"
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("TAB completes a table name in SQL")
def tab_completes_table(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.run("CREATE TABLE menu_items(id INTEGER, name TEXT);")
        kitchen.child.send("SELECT 'rows:' || count(*) AS n FROM menu_i" + TAB)
        kitchen.child.expect_exact("tems ")
        kitchen.child.send(";\r")
        index = kitchen.child.expect_exact(["rows:0", "no such table"])
        assert index == 0, "the table name was not completed"
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("a statement continues over lines with the continuation prompt")
def continuation_prompt(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.child.sendline("SELECT 'multi' ||")
        kitchen.child.expect_exact(CONTINUATION)
        kitchen.child.sendline("  'line' AS joined;")
        kitchen.child.expect_exact("multiline")
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("Ctrl-C cancels a half-typed line; the next line is clean")
def ctrl_c_cancels_line(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.child.send("SELECT 'half typed")
        kitchen.child.expect_exact("half typed")
        kitchen.child.send(CTRL_C)
        kitchen.child.expect_exact("^C")
        kitchen.prompt()
        kitchen.child.sendline("SELECT 'clean' || 'line';")
        index = kitchen.child.expect_exact(["cleanline", "unrecognized token", "Error"])
        assert index == 0, "the cancelled text leaked into the next line"
        kitchen.prompt()
        assert kitchen.child.isalive(), "Ctrl-C killed kitchen"
    finally:
        kitchen.kill()


@check("Ctrl-C at the continuation prompt drops the open statement")
def ctrl_c_cancels_statement(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.child.sendline("SELECT 'never' ||")
        kitchen.child.expect_exact(CONTINUATION)
        kitchen.child.send(CTRL_C)
        kitchen.prompt()
        kitchen.child.sendline("SELECT 'fresh' || 'start';")
        index = kitchen.child.expect_exact(["freshstart", "neverfresh", "Error"])
        assert index == 0, "the dropped statement was continued"
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("Ctrl-C interrupts a running runaway query; the prompt comes back and works")
def ctrl_c_interrupts_query(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.run(".timeout 30")
        kitchen.child.sendline(RUNAWAY)
        kitchen.child.expect_exact("SELECT count(*) FROM c;")  # the echo of the line
        time.sleep(0.7)
        started = time.monotonic()
        kitchen.child.send(CTRL_C)
        kitchen.child.expect(r"Error: ([^\r\n]*)", timeout=5)
        message = kitchen.child.match.group(1)
        assert "interrupted" in message, f"the error says {message!r}, not that it was interrupted"
        kitchen.prompt()
        elapsed = time.monotonic() - started
        assert elapsed < 3, f"the prompt came back {elapsed:.1f} s after Ctrl-C"
        assert kitchen.child.isalive(), "Ctrl-C killed kitchen"
        kitchen.run("SELECT 'alive' || '!' AS after;", "alive!")
        # Like sqlite3, a session in which a statement failed exits 1; what matters is that it exits.
        assert kitchen.quit() in (0, 1)
    finally:
        kitchen.kill()


@check("two Ctrl-C at an empty prompt do not end the program")
def ctrl_c_never_kills(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.child.send(CTRL_C)
        kitchen.prompt()
        kitchen.child.send(CTRL_C)
        kitchen.prompt()
        kitchen.run("SELECT 'still' || ' up';", "still up")
        assert kitchen.quit() == 0
    finally:
        kitchen.kill()


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")
LESSONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lessons")


def output_lines(child, line, prompt):
    """Types `line`, waits for the prompt (a regex), returns the lines printed in between."""
    child.sendline(line)
    child.expect(prompt)
    text = ANSI.sub("", child.before).replace("\r\n", "\n").replace("\r", "")
    lines = text.split("\n")
    return [l for l in lines[1:] if l.strip()]  # the first line is the echo of what was typed


def assert_fits(lines, width):
    too_wide = [l for l in lines if len(l) > width]
    assert not too_wide, f"wider than {width} columns (the terminal would cut words): {too_wide[0]!r}"


@check("after a resize, tables fit the new width and messages break at spaces, not inside words")
def resize_reflows_output(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.child.setwinsize(30, 40)
        lines = output_lines(kitchen.child, "SELECT 'a fairly long text' AS first, 'another long text value' AS second;", re.escape(PROMPT))
        assert_fits(lines, 40)
        assert any(l.startswith("┌") for l in lines), f"no table drawn: {lines}"
        lines = output_lines(kitchen.child, "SELECT nme FROM nowhere_at_all;", re.escape(PROMPT))
        assert_fits(lines, 40)
        advice = " ".join(l.strip() for l in lines[3:])
        assert "This database has no tables yet. Create one with CREATE TABLE." in advice, f"the advice was cut: {lines}"
        # Resized while a line is being typed: the line is kept and runs.
        kitchen.child.send("SELECT 'resized' ||")
        kitchen.child.expect_exact("resized")
        kitchen.child.setwinsize(30, 70)
        time.sleep(0.2)
        kitchen.child.sendline(" ' fine';")
        kitchen.child.expect_exact("resized fine")
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("an error's line number counts from the statement's first line, not from the session's")
def error_line_within_statement(binary, args, home):
    kitchen = Kitchen(binary, args, home)
    try:
        kitchen.run("CREATE TABLE menu_items(id INTEGER, name TEXT);")
        for number in range(3):
            kitchen.run(f"SELECT {number};")
        kitchen.child.sendline("SELECT id,")
        kitchen.child.expect_exact(CONTINUATION)
        kitchen.child.sendline("  nme FROM menu_items;")
        kitchen.child.expect(r"line (\d+):   nme FROM menu_items;")
        assert kitchen.child.match.group(1) == "2", f"says line {kitchen.child.match.group(1)}"
        kitchen.prompt()
    finally:
        kitchen.kill()


@check("lesson prose is reflowed to the width after a resize")
def lesson_prose_reflows(binary, args, home):
    env = dict(os.environ, KITCHEN_HOME=home, TERM="xterm", LANG="C.UTF-8", NO_COLOR="1")
    child = pexpect.spawn(binary, ["--no-server", "--lessons", LESSONS], env=env, encoding="utf-8",
                          timeout=TIMEOUT, dimensions=(40, 120))
    child.logfile_read = sys.stdout if os.environ.get("VERBOSE") else None
    prompt = r"kitchen[^\r\n]*> "
    try:
        child.expect(prompt)
        wide = output_lines(child, ".lesson tour", prompt)
        assert any(len(l) > 50 for l in wide), "the wide window should get long lines"
        child.setwinsize(40, 36)
        narrow = output_lines(child, ".step", prompt)
        assert len(narrow) > 5, f"no step text: {narrow}"
        assert_fits(narrow, 36)
        # Every word shown narrow was shown whole in the wide window: none was cut in two.
        wide_words = set(" ".join(wide).split())
        cut = [w for w in " ".join(narrow).split() if w not in wide_words and not set(w) <= set("─│┌┐└┘├┤")]
        assert not cut, f"words cut or changed by the reflow: {cut[:5]}"
    finally:
        if child.isalive():
            child.terminate(force=True)


@check(".wire shows bytes never word-wrapped: a space in the body is not turned into a line end")
def wire_not_word_wrapped(binary, args, home):
    env = dict(os.environ, KITCHEN_HOME=home, TERM="xterm", LANG="C.UTF-8", NO_COLOR="1")
    child = pexpect.spawn(binary, ["--lessons", LESSONS], env=env, encoding="utf-8",
                          timeout=TIMEOUT, dimensions=(40, 60))
    child.logfile_read = sys.stdout if os.environ.get("VERBOSE") else None
    prompt = r"kitchen[^\r\n]*> "
    try:
        child.expect(prompt)
        output_lines(child, "POST /echo note='a note with many words that goes past the edge of the window'", prompt)
        lines = output_lines(child, ".wire", prompt)
        raw = "\n".join(lines)
        # The terminal may wrap at its edge, but Kitchen sends no line end inside the body.
        assert "a note with many words that goes past the edge of the window" in raw, f"the body was broken: {lines}"
    finally:
        if child.isalive():
            child.terminate(force=True)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary, args = sys.argv[1], sys.argv[2:]
    if not os.access(binary, os.X_OK):
        print(f"FAIL: {binary} is not an executable; build it first", flush=True)
        print("0 passed, 1 failed", flush=True)
        return 1

    passed = failed = 0
    for description, function in CHECKS:
        with tempfile.TemporaryDirectory(prefix="kitchen-pty-") as home:
            try:
                function(binary, args, home)
            except Exception as error:  # noqa: BLE001 - every failure is reported, then the next check runs
                failed += 1
                reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                print(f"FAIL: {description}: {type(error).__name__}: {reason}", flush=True)
                if os.environ.get("VERBOSE"):
                    traceback.print_exc()
            else:
                passed += 1
                print(f"ok: {description}", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
