#!/usr/bin/env python3
"""ui-pty.py: drive a terminal mail reader in a pseudo-terminal and measure it.

    ui-pty.py [--cols C] [--rows R] [--runs N] [--marker ERE] -- CMD ARGS...

Prints one line of JSON:
  start_ms   list of times from spawn to the first screen matching --marker
             (the drawn index), one per run
  rss_kib    peak resident set (VmHWM) after the keystrokes below
  bytes      bytes the program wrote to the terminal for each keystroke, in
             order: down (j), page down (PgDn), open (Enter), back (q/i)

A keystroke's output is everything written until the terminal has been
quiet for --idle ms. The keys are sent as the terminal would send them for
TERM (xterm-256color unless set). This is what tmux pipe-pane would record
for the pane, without tmux's own timing in the way.
"""
import argparse
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import fcntl
import time


def spawn(cmd, cols, rows):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.setdefault("TERM", "xterm-256color")
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    return pid, fd


def read_until(fd, pred, timeout, idle=None):
    """Read until pred(buf) is true (or, with idle, quiet for idle s)."""
    buf = b""
    end = time.monotonic() + timeout
    last = time.monotonic()
    while True:
        now = time.monotonic()
        if now > end:
            return buf, False
        wait = end - now
        if idle is not None:
            wait = min(wait, max(0.0, last + idle - now))
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return buf, False
            if not chunk:
                return buf, False
            buf += chunk
            last = time.monotonic()
            if pred is not None and pred(buf):
                return buf, True
        elif idle is not None and time.monotonic() - last >= idle:
            return buf, True


def finish(pid, fd, quit_keys):
    try:
        os.write(fd, quit_keys)
    except OSError:
        pass
    end = time.monotonic() + 5
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os.close(fd)


def hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--marker", default=r"Msgs:|Queue:")
    ap.add_argument("--idle", type=int, default=400)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--back", default="q")
    ap.add_argument("--quit", default="q")
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()
    marker = re.compile(a.marker.encode())
    idle = a.idle / 1000.0
    times = []
    for _ in range(a.runs):
        t0 = time.monotonic()
        pid, fd = spawn(a.cmd, a.cols, a.rows)
        _, ok = read_until(fd, lambda b: marker.search(b) is not None,
                           a.timeout)
        times.append(round((time.monotonic() - t0) * 1000, 1) if ok else None)
        read_until(fd, None, a.timeout, idle)
        finish(pid, fd, a.quit.encode() + b"y")
    # One more run for the bytes of each keystroke and the peak RSS.
    pid, fd = spawn(a.cmd, a.cols, a.rows)
    read_until(fd, lambda b: marker.search(b) is not None, a.timeout)
    read_until(fd, None, a.timeout, idle)
    keys = [("down", b"j"), ("page_down", b"\x1b[6~"), ("open", b"\r"),
            ("back", a.back.encode())]
    out = {}
    for name, k in keys:
        os.write(fd, k)
        buf, _ = read_until(fd, None, a.timeout, idle)
        out[name] = len(buf)
    rss = hwm(pid)
    finish(pid, fd, a.quit.encode() + b"y")
    print(json.dumps({"start_ms": times, "rss_kib": rss, "bytes": out}))


if __name__ == "__main__":
    sys.exit(main())
