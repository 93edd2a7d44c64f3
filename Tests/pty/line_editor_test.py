#!/usr/bin/env python3
"""Drive Kitchen's line editor in a real pty.

Usage: line_editor_test.py /path/to/kitchen [extra args...]

Checks: Up-arrow history recall after a restart (history kept in $KITCHEN_HOME), TAB
completion of a word, Ctrl-C cancelling a half-typed line, Ctrl-D exiting cleanly.

Expectations to adapt for the real binary (edit the constants below):
  PROMPT      the primary prompt, "kitchen> "
  ECHO_PREFIX what the program prints for a line it ran; the demo prints "got: <line>".
              For the real REPL, use a statement whose output is recognisable instead.
  COMPLETE    text to type, TAB, and the word TAB must produce (".ta" -> ".tables").
"""
import os
import sys
import tempfile

import pexpect

PROMPT = "kitchen> "
ECHO_PREFIX = "got: "
COMPLETE = (".ta", ".tables")
TIMEOUT = 5

UP = "\x1b[A"
CTRL_C = "\x03"
CTRL_D = "\x04"


def start(binary, args, home):
    env = dict(os.environ, KITCHEN_HOME=home, TERM="xterm", LANG="C.UTF-8")
    child = pexpect.spawn(binary, args, env=env, encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(30, 100))
    child.logfile_read = sys.stdout if os.environ.get("VERBOSE") else None
    child.expect_exact(PROMPT)
    return child


def quit(child):
    child.send(CTRL_D)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, f"exit status {child.exitstatus}"


def main():
    binary, args = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as home:
        # Session 1: enter a line so it lands in the history file.
        child = start(binary, args, home)
        child.sendline(".tables")
        child.expect_exact(ECHO_PREFIX + ".tables")
        child.expect_exact(PROMPT)
        quit(child)
        print("ok: first session wrote history", flush=True)

        # Session 2: Up recalls it; Enter runs it again.
        child = start(binary, args, home)
        child.send(UP)
        child.send("\r")
        child.expect_exact(ECHO_PREFIX + ".tables")
        child.expect_exact(PROMPT)
        print("ok: Up arrow recalls history after restart", flush=True)

        # TAB completes a unique word.
        typed, expected = COMPLETE
        child.send(typed + "\t")
        child.send("\r")
        child.expect_exact(ECHO_PREFIX + expected)
        child.expect_exact(PROMPT)
        print(f"ok: TAB completes {typed!r} to {expected!r}", flush=True)

        # Ctrl-C drops a half-typed line on the first press; the next line is clean.
        child.send("half typed")
        child.expect_exact("half typed")
        child.send(CTRL_C)
        child.expect_exact("^C")
        child.expect_exact(PROMPT)
        child.sendline(".tables")
        index = child.expect_exact([ECHO_PREFIX + ".tables", "half typed"])
        assert index == 0, "the cancelled text leaked into the next line"
        child.expect_exact(PROMPT)
        print("ok: Ctrl-C cancels a half-typed line", flush=True)

        quit(child)
        print("ok: Ctrl-D on an empty line exits with status 0", flush=True)

        with open(os.path.join(home, "history"), encoding="utf-8") as f:
            assert f.readline().strip() == "_HiStOrY_V2_", "unexpected history format"
    print("PASS")


if __name__ == "__main__":
    main()
