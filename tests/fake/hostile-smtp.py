#!/usr/bin/python3
"""hostile-smtp.py SCENARIO DIR [CERT KEY]: an SMTP server that attacks its
client (stdlib only; loopback only).

Listens on 127.0.0.1 (a free port, written to DIR/port), serves one
connection at a time, logs commands to DIR/log, appends the byte count of
each endless reply to DIR/sent, counts messages whose DATA it received in
DIR/messages, and exits after 90 s or when DIR/stop exists. Endless replies
stop after 30 s or $HOSTILE_MAX_BYTES (default 2 GiB).

Scenarios:
  endless-greeting  the greeting line never ends (no newline, ever)
  endless-ehlo      the EHLO reply is "250-" lines forever
  endless-rcpt      the RCPT reply is "250-" lines forever
  endless-data      after the end of DATA, "250-" lines forever (never a
                    final line: the message must not count as sent)
  bad-code          the reply to MAIL is "2500 ok" then "ok" (no code)
  esc-reply         the reply to MAIL is a 554 whose text holds escape
                    sequences, C1 bytes and a bidi override
  starttls-inject   STARTTLS answers "220" plus an injected "250" line in
                    the same packet, then does TLS (needs CERT and KEY)
  starttls-inject-late  "220", 0.3 s later an injected line, then TLS
  starttls-early    the STARTTLS reply and an injected line arrive right
                    after the EHLO reply, before STARTTLS is sent
  starttls-ok       a well-behaved STARTTLS (the control for the three above)
  auth-tab          the EHLO reply has a TAB between AUTH mechanisms
"""
import os
import socket
import ssl
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
import fakeserver  # noqa: E402 (tests/fake/fakeserver.py)


class Session(fakeserver.HostileSession):
    def __init__(self, conn, sc, d, tls):
        super().__init__(conn, sc, d, tls)
        self.secure = False

    def ehlo(self):
        if self.sc == "endless-ehlo":
            self.endless(b"250-hostile\r\n",
                         lambda i: b"250-X-EXTENSION-%d\r\n" % i)
            return False
        ext = [b"hostile", b"8BITMIME", b"AUTH PLAIN LOGIN", b"SIZE 100000000"]
        if self.sc == "auth-tab":
            ext[2] = b"AUTH PLAIN\tLOGIN"
        if self.sc.startswith("starttls") and not self.secure:
            ext.append(b"STARTTLS")
        lines = [b"250-" + e for e in ext[:-1]] + [b"250 " + ext[-1]]
        early = b""
        if self.sc == "starttls-early" and not self.secure:
            early = b"220 go ahead\r\n250 injected before TLS\r\n"
        self.send(b"\r\n".join(lines) + b"\r\n" + early)
        return True

    def starttls(self):
        if self.sc == "starttls-inject":
            self.send(b"220 go ahead\r\n250 injected before TLS\r\n")
        elif self.sc == "starttls-ok":
            self.send(b"220 go ahead\r\n")
        elif self.sc == "starttls-early":
            pass
        else:
            self.send(b"220 go ahead\r\n")
            time.sleep(0.3)
            self.send(b"250 injected before TLS\r\n")
        self.f.close()
        try:
            self.c = self.tls.wrap_socket(self.c, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.log.write("TLS failed: %s\n" % e)
            self.log.flush()
            return False
        self.secure = True
        self.f = self.c.makefile("rb")
        return True

    def data(self):
        self.send(b"354 go on\r\n")
        while True:
            line = self.f.readline(1 << 20)
            if not line:
                return False
            if line in (b".\r\n", b".\n"):
                break
        with open(os.path.join(self.d, "messages"), "a") as f:
            f.write("1\n")
        if self.sc == "endless-data":
            self.endless(b"250-queued, almost\r\n",
                         lambda i: b"250-still thinking %d\r\n" % i)
            return False
        self.send(b"250 2.0.0 queued\r\n")
        return True

    def run(self):
        sc = self.sc
        if sc == "endless-greeting":
            self.endless(b"220 ", lambda i: b"A" * 65536)
            return
        self.send(b"220 hostile ESMTP\r\n")
        while True:
            line = self.f.readline(4096)
            if not line:
                return
            self.log.write(line.decode("latin-1"))
            self.log.flush()
            cmd = line.strip().split(b" ")[0].upper()
            if cmd in (b"EHLO", b"HELO"):
                if not self.ehlo():
                    return
            elif cmd == b"STARTTLS":
                if not sc.startswith("starttls") or not self.starttls():
                    return
            elif cmd == b"AUTH":
                self.send(b"235 2.7.0 ok\r\n")
            elif cmd == b"MAIL":
                if sc == "bad-code":
                    self.send(b"2500 ok\r\nok\r\n")
                elif sc == "esc-reply":
                    self.send(b"554 5.7.1 \x1b]0;PWNED-TITLE\x07 \x1b[2J"
                              b"\x1bP1$qm\x1b\\ \xc2\x9b31m \x9b32m "
                              b"\xe2\x80\xaeevil\r\n")
                else:
                    self.send(b"250 2.1.0 ok\r\n")
            elif cmd == b"RCPT":
                if sc == "endless-rcpt":
                    self.endless(b"250-ok\r\n",
                                 lambda i: b"250-recipient line %d\r\n" % i)
                    return
                self.send(b"250 2.1.5 ok\r\n")
            elif cmd == b"DATA":
                if not self.data():
                    return
            elif cmd == b"RSET" or cmd == b"NOOP":
                self.send(b"250 ok\r\n")
            elif cmd == b"QUIT":
                self.send(b"221 bye\r\n")
                return
            else:
                self.send(b"502 unknown\r\n")


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    sc, d = argv[0], argv[1]
    tls = fakeserver.tls_context(argv[2], argv[3]) if len(argv) >= 4 else None
    return fakeserver.serve(
        d, 90, lambda conn, n: Session(conn, sc, d, tls).run())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
