"""pop3-fake.py: a scripted POP3 server for fault tests (stdlib only).

  pop3-fake.py SCENARIO DIR

Listens on 127.0.0.1 (a free port, written to DIR/port), serves one
connection at a time, logs every command to DIR/log (PASS arguments
included: the tests check what was sent) and counts connections in
DIR/connections. Exits after 60 s (times SATCHEL_TEST_TIMEOUT) or when
DIR/stop exists.

Scenarios (the mailbox holds three small messages, UIDLs u1 u2 u3):
  normal      a plain RFC 1939 + RFC 2449 server (USER, UIDL, TOP, PIPELINING)
  drop        the first session closes the connection in the middle of the
              second RETR; later sessions are normal
  nostls      CAPA does not offer STLS
  garbage     the greeting is not POP3
  listzero    UIDL lists message number 0
  uidlhuge    UIDL lists message number 4294967296
  overlong    a 100000-byte UIDL line
  nouidl      UIDL answers -ERR; DELE takes effect at QUIT, across
              sessions (DIR/gone lists the messages removed)
  nouidl-quitdrop  as nouidl, but the first session closes the
              connection at QUIT without removing anything (as if the
              client had stopped just before QUIT)
  inuse       PASS answers -ERR [IN-USE]
  sysperm     PASS answers -ERR [SYS/PERM]
  delay       CAPA after login says LOGIN-DELAY 3600 and EXPIRE 5
  silent      accepts and says nothing
"""
import os
import socket
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import fakeserver  # noqa: E402 (tests/fake/fakeserver.py)

MSGS = [
    b"From: a@example.test\r\nSubject: one\r\nMessage-ID: <one@fake>\r\n\r\n"
    b"first\r\n.dotted\r\n",
    b"From: b@example.test\r\nSubject: two\r\nMessage-ID: <two@fake>\r\n\r\n"
    + b"second line of a longer body\r\n" * 200,
    b"From: c@example.test\r\nSubject: three\r\nMessage-ID: <three@fake>\r\n"
    b"\r\nthird\r\n",
]
UIDLS = [b"u1", b"u2", b"u3"]


def stuffed(m):
    out = []
    for line in m.split(b"\r\n")[:-1]:
        out.append(b"." + line if line.startswith(b".") else line)
    return b"\r\n".join(out) + b"\r\n.\r\n"


class Session:
    def __init__(self, conn, scenario, sessno, log):
        self.c = conn
        self.f = conn.makefile("rb")
        self.scenario = scenario
        self.sessno = sessno
        self.log = log
        self.authed = False
        self.deleted = set()
        # Messages left from earlier sessions (nouidl*: DELE is kept).
        self.gone = set()
        self.dir = None
        self.msgs = list(range(len(MSGS)))

    def load(self, d):
        self.dir = d
        if self.scenario.startswith("nouidl"):
            try:
                with open(os.path.join(d, "gone")) as f:
                    self.gone = {int(x) for x in f.read().split()}
            except FileNotFoundError:
                pass
        self.msgs = [i for i in range(len(MSGS)) if i not in self.gone]

    def send(self, data):
        self.c.sendall(data)

    def capa(self):
        caps = [b"USER", b"UIDL", b"TOP", b"PIPELINING", b"RESP-CODES"]
        if self.scenario != "nostls":
            pass  # no TLS here: STLS is simply not offered either way
        if self.authed and self.scenario == "delay":
            caps += [b"LOGIN-DELAY 3600", b"EXPIRE 5"]
        self.send(b"+OK\r\n" + b"".join(c + b"\r\n" for c in caps) + b".\r\n")

    def run(self):
        sc = self.scenario
        if sc == "silent":
            time.sleep(30)
            return
        if sc == "garbage":
            self.send(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            return
        self.send(b"+OK fake ready\r\n")
        retrs = 0
        while True:
            line = self.f.readline(4096)
            if not line:
                return
            self.log.write(line.decode("latin-1"))
            self.log.flush()
            w = line.strip().split(b" ")
            cmd = w[0].upper()
            if cmd == b"CAPA":
                self.capa()
            elif cmd == b"USER":
                self.send(b"+OK\r\n")
            elif cmd == b"PASS":
                if sc == "inuse":
                    self.send(b"-ERR [IN-USE] mailbox locked by another session\r\n")
                elif sc == "sysperm":
                    self.send(b"-ERR [SYS/PERM] account disabled\r\n")
                else:
                    self.authed = True
                    self.send(b"+OK logged in\r\n")
            elif cmd == b"STAT":
                n = len(self.msgs)
                self.send(b"+OK %d %d\r\n" % (n, sum(
                    len(MSGS[i]) for i in self.msgs)))
            elif cmd == b"UIDL":
                if sc.startswith("nouidl"):
                    self.send(b"-ERR command not supported\r\n")
                elif sc == "listzero":
                    self.send(b"+OK\r\n0 u0\r\n1 u1\r\n.\r\n")
                elif sc == "uidlhuge":
                    self.send(b"+OK\r\n4294967296 u0\r\n.\r\n")
                elif sc == "overlong":
                    self.send(b"+OK\r\n1 " + b"x" * 100000 + b"\r\n.\r\n")
                else:
                    self.send(b"+OK\r\n" + b"".join(
                        b"%d %s\r\n" % (i + 1, u) for i, u in enumerate(UIDLS))
                        + b".\r\n")
            elif cmd == b"LIST":
                self.send(b"+OK\r\n" + b"".join(
                    b"%d %d\r\n" % (k + 1, len(MSGS[i]))
                    for k, i in enumerate(self.msgs)) + b".\r\n")
            elif cmd in (b"RETR", b"TOP"):
                n = int(w[1])
                if n < 1 or n > len(self.msgs):
                    self.send(b"-ERR no such message\r\n")
                    continue
                retrs += 1
                m = MSGS[self.msgs[n - 1]]
                body = stuffed(m)
                if cmd == b"TOP":
                    body = stuffed(m.split(b"\r\n\r\n")[0] + b"\r\n\r\n")
                if sc == "drop" and self.sessno == 1 and retrs == 2:
                    self.send(b"+OK\r\n" + body[: len(body) // 2])
                    time.sleep(0.2)
                    return
                self.send(b"+OK\r\n" + body)
            elif cmd == b"DELE":
                self.deleted.add(int(w[1]))
                self.send(b"+OK\r\n")
            elif cmd == b"NOOP":
                self.send(b"+OK\r\n")
            elif cmd == b"QUIT":
                if sc == "nouidl-quitdrop" and self.sessno == 1:
                    return
                if sc.startswith("nouidl"):
                    gone = self.gone | {self.msgs[n - 1]
                                        for n in self.deleted}
                    with open(os.path.join(self.dir, "gone"), "w") as f:
                        f.write("".join("%d\n" % i for i in sorted(gone)))
                self.send(b"+OK bye\r\n")
                return
            else:
                self.send(b"-ERR unknown command\r\n")


def main(argv):
    scenario, d = argv[0], argv[1]
    log = open(os.path.join(d, "log"), "a")

    def handle(conn, sessno):
        with open(os.path.join(d, "connections"), "w") as f:
            f.write("%d\n" % sessno)
        sess = Session(conn, scenario, sessno, log)
        sess.load(d)
        sess.run()

    # The lifetime only ends an orphan; it grows with the tests' timeouts.
    scale = os.environ.get("SATCHEL_TEST_TIMEOUT", "1")
    scale = int(scale) if scale.isdigit() and int(scale) > 0 else 1
    return fakeserver.serve(d, 60 * scale, handle)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
