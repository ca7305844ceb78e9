#!/usr/bin/python3
"""hostile-pop3.py SCENARIO DIR [CERT KEY]: a POP3 server that attacks its
client (stdlib only; loopback only).

Listens on 127.0.0.1 (a free port, written to DIR/port), serves one
connection at a time, logs commands to DIR/log, writes the bytes of each
"endless" response it managed to send to DIR/sent, and exits after 90 s or
when DIR/stop exists. Every endless response also stops after 30 s or
$HOSTILE_MAX_BYTES (default 2 GiB), so a client that never gives up
cannot wedge a test run; DIR/sent then shows the cap was reached.

The mailbox holds two messages (UIDLs h1, h2). Scenarios:
  endless-greeting  the greeting line never ends (no newline, ever)
  endless-capa      the CAPA list never ends (no "." line)
  endless-uidl      STAT says 3 messages; UIDL lines never stop coming
  endless-retr      RETR 1 sends headers and then body lines forever
  long-count        LIST says 10 octets; RETR sends a 5000-byte message
  short-count       LIST says 100000 octets; RETR sends 60 bytes
  octets-lie        RETR's status line claims 99999999 octets
  stls-inject       STLS answers "+OK" plus an injected "+OK" line in the
                    same packet, then does TLS (needs CERT and KEY)
  stls-inject-late  STLS answers "+OK", 0.3 s later sends an injected
                    line, then does TLS (needs CERT and KEY)
  stls-early        the STLS reply and an injected line arrive before STLS
                    is even sent (right after the CAPA list), then TLS
  stls-ok           a well-behaved STLS (the control for the three above)
  esc-error         PASS answers -ERR with escape sequences and C1 bytes
"""
import os
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import fakeserver  # noqa: E402 (tests/fake/fakeserver.py)

MSGS = [
    b"From: a@example.test\r\nSubject: hostile one\r\n"
    b"Message-ID: <h1@hostile>\r\n\r\nbody one\r\n",
    b"From: b@example.test\r\nSubject: hostile two\r\n"
    b"Message-ID: <h2@hostile>\r\n\r\nbody two\r\n",
]
UIDLS = [b"h1", b"h2"]


def stuffed(m):
    out = []
    for line in m.split(b"\r\n")[:-1]:
        out.append(b"." + line if line.startswith(b".") else line)
    return b"\r\n".join(out) + b"\r\n.\r\n"


class Session(fakeserver.HostileSession):
    def capa(self):
        caps = [b"USER", b"UIDL", b"TOP", b"RESP-CODES"]
        if self.sc.startswith("stls") and not isinstance(self.c,
                                                           ssl.SSLSocket):
            caps.append(b"STLS")
        early = b""
        if self.sc == "stls-early" and not isinstance(self.c,
                                                       ssl.SSLSocket):
            early = b"+OK begin TLS\r\n+OK injected before TLS\r\n"
        self.send(b"+OK\r\n" + b"".join(c + b"\r\n" for c in caps) +
                  b".\r\n" + early)

    def starttls(self):
        if self.sc == "stls-inject":
            self.send(b"+OK begin TLS\r\n+OK injected before TLS\r\n")
        elif self.sc == "stls-ok":
            self.send(b"+OK begin TLS\r\n")
        elif self.sc == "stls-early":
            pass
        else:
            self.send(b"+OK begin TLS\r\n")
            time.sleep(0.3)
            self.send(b"-ERR injected before TLS\r\n")
        self.f.close()
        try:
            self.c = self.tls.wrap_socket(self.c, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log.write("TLS failed: %s\n" % e)
            self.log.flush()
            return False
        self.f = self.c.makefile("rb")
        return True

    def run(self):
        sc = self.sc
        if sc == "endless-greeting":
            return self.endless(b"+OK ", lambda i: b"A" * 65536)
        self.send(b"+OK hostile ready\r\n")
        while True:
            line = self.f.readline(4096)
            if not line:
                return
            self.log.write(line.decode("latin-1"))
            self.log.flush()
            w = line.strip().split(b" ")
            cmd = w[0].upper()
            if cmd == b"CAPA":
                if sc == "endless-capa":
                    return self.endless(b"+OK\r\n",
                                        lambda i: b"X-CAP-%d\r\n" % i)
                self.capa()
            elif cmd == b"STLS":
                if not sc.startswith("stls") or not self.starttls():
                    return
            elif cmd == b"USER":
                self.send(b"+OK\r\n")
            elif cmd == b"PASS":
                if sc == "esc-error":
                    self.send(b"-ERR [AUTH] \x1b]0;PWNED-TITLE\x07 \x1b[2J"
                              b"\x1bP1$qm\x1b\\ \xc2\x9b31m \x9b32m "
                              b"\xe2\x80\xaeevil\r\n")
                    continue
                self.send(b"+OK logged in\r\n")
            elif cmd == b"STAT":
                if sc == "endless-uidl":
                    self.send(b"+OK 3 300\r\n")
                else:
                    self.send(b"+OK %d %d\r\n" % (len(MSGS),
                                                  sum(map(len, MSGS))))
            elif cmd == b"UIDL":
                if sc == "endless-uidl":
                    return self.endless(
                        b"+OK\r\n", lambda i: b"%d u%d\r\n" % (i % 3 + 1, i))
                self.send(b"+OK\r\n" + b"".join(
                    b"%d %s\r\n" % (i + 1, u) for i, u in enumerate(UIDLS)) +
                    b".\r\n")
            elif cmd == b"LIST":
                sizes = [len(m) for m in MSGS]
                if sc == "long-count":
                    sizes = [10, 10]
                elif sc == "short-count":
                    sizes = [100000, 100000]
                self.send(b"+OK\r\n" + b"".join(
                    b"%d %d\r\n" % (i + 1, s) for i, s in enumerate(sizes)) +
                    b".\r\n")
            elif cmd in (b"RETR", b"TOP"):
                n = int(w[1])
                if n < 1 or n > len(MSGS):
                    self.send(b"-ERR no such message\r\n")
                    continue
                m = MSGS[n - 1]
                if sc == "long-count":
                    m = m + b"long body line\r\n" * 312
                if sc == "endless-retr" and n == 1:
                    return self.endless(
                        b"+OK\r\n" + m.split(b"\r\n\r\n")[0] + b"\r\n\r\n",
                        lambda i: b"endless body line %d\r\n" % i * 64)
                if cmd == b"TOP":
                    m = m.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
                status = b"+OK\r\n"
                if sc == "octets-lie":
                    status = b"+OK 99999999 octets\r\n"
                self.send(status + stuffed(m))
            elif cmd == b"DELE":
                self.send(b"+OK\r\n")
            elif cmd == b"NOOP":
                self.send(b"+OK\r\n")
            elif cmd == b"QUIT":
                self.send(b"+OK bye\r\n")
                return
            else:
                self.send(b"-ERR unknown command\r\n")


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    scenario, d = argv[0], argv[1]
    tls = fakeserver.tls_context(argv[2], argv[3]) if len(argv) >= 4 else None
    return fakeserver.serve(
        d, 90, lambda conn, n: Session(conn, scenario, d, tls).run())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
