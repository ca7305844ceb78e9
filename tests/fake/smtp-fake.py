"""smtp-fake.py: a scripted SMTP server for faults a real server will not
produce. Plain TCP on 127.0.0.1 only (use smtp_tls = none and
allow_plaintext in the client config).

  smtp-fake.py --dir DIR [--greeting "421 busy"] [--auth-fail]
               [--stall-after-data] [--stall-at-greeting] [--pipelining]
               [--dsn] [--no-auth] [--data-reply "554 5.6.0 no"]
               [--token TOKEN]   (the OAuth2 bearer token XOAUTH2 and
                                  OAUTHBEARER accept; default good-token)
               [--refuse ADDR=REPLY]...  (RCPT TO:<ADDR> gets REPLY)
               [--delay SECONDS] (wait that long before every reply, so
                                  that a kill lands at any step)
               [--mechs "PLAIN LOGIN XOAUTH2 OAUTHBEARER"] (AUTH offered)
               [--check-password PW] (PLAIN, LOGIN and CRAM-MD5 are checked
                                  for alice@example.test with PW, and each
                                  success is logged as "AUTHED <mech> <user>")

Writes DIR/port when listening and DIR/commands (every command line the
client sent, AUTH secrets replaced by "AUTH <mech> ***"). Accepted messages
go to DIR/spool/NNNN.eml and NNNN.env like tests/servers/smtp-server.py.
Each connection is served in its own thread; SIGTERM stops the server.
"""
import argparse
import base64
import hmac
import os
import signal
import socket
import sys
import threading
import time

LOCK = threading.Lock()


def log(args, line):
    with LOCK:
        with open(os.path.join(args.dir, "commands"), "a",
                  encoding="utf-8", errors="replace") as f:
            f.write(line + "\n")


def save(args, mail_from, rcpts, data):
    spool = os.path.join(args.dir, "spool")
    with LOCK:
        os.makedirs(spool, exist_ok=True)
        n = 1 + sum(1 for x in os.listdir(spool) if x.endswith(".eml"))
        base = os.path.join(spool, "%04d" % n)
        env = "MAIL FROM:<%s>\n" % mail_from
        env += "".join("RCPT TO:<%s>\n" % r for r in rcpts)
        for suffix, blob in ((".env", env.encode()), (".eml", data)):
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(blob)
            os.replace(base + suffix + ".tmp", base + suffix)
    return n


def b64(text):
    return base64.b64encode(text.encode()).decode()


def unb64(text):
    return base64.b64decode(text.strip(), validate=True).decode("utf-8")


def auth_checked(args, mech, ir, send, f):
    """RFC 4954 exchange for PLAIN, LOGIN and CRAM-MD5 with a real check.
    Returns the reply to send, or None when the client went away."""
    user = "alice@example.test"

    def ask(challenge):
        send("334 " + challenge)
        raw = f.readline()
        if not raw:
            return None
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    try:
        if mech == "PLAIN":
            resp = ir if ir is not None else ask("")
            if resp is None:
                return None
            if resp == "*":
                return "501 5.7.0 Authentication cancelled"
            _, login, password = unb64(resp).split("\0")
            ok = login == user and password == args.check_password
        elif mech == "LOGIN":
            login = ir if ir is not None else ask("VXNlcm5hbWU6")
            if login is None:
                return None
            password = ask("UGFzc3dvcmQ6")
            if password is None:
                return None
            if "*" in (login, password):
                return "501 5.7.0 Authentication cancelled"
            login, password = unb64(login), unb64(password)
            ok = login == user and password == args.check_password
        elif mech == "CRAM-MD5":
            chal = "<%d.%d@fake.test>" % (os.getpid(), int(time.time()))
            resp = ask(b64(chal))
            if resp is None:
                return None
            if resp == "*":
                return "501 5.7.0 Authentication cancelled"
            login, digest = unb64(resp).rsplit(" ", 1)
            want = hmac.new(args.check_password.encode(), chal.encode(),
                            "md5").hexdigest()
            ok = login == user and hmac.compare_digest(digest, want)
        else:
            return "504 5.5.4 Unrecognized authentication type"
    except ValueError:
        return "501 5.5.2 Cannot decode the response"
    if not ok:
        return "535 5.7.8 Authentication credentials invalid"
    log(args, "AUTHED %s %s" % (mech, login))
    return "235 2.7.0 Authentication successful"


def serve(args, conn):
    f = conn.makefile("rb")

    def send(text):
        if args.delay > 0:
            time.sleep(args.delay)
        conn.sendall(text.encode() + b"\r\n")

    if args.stall_at_greeting:
        time.sleep(3600)
        return
    send(args.greeting)
    if not args.greeting.startswith("220"):
        return
    mail_from, rcpts = None, []
    while True:
        raw = f.readline()
        if not raw:
            return
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        verb = line.split(" ", 1)[0].upper()
        if verb == "AUTH":
            log(args, "AUTH %s ***" % line.split(" ")[1])
        else:
            log(args, line)
        if verb in ("EHLO", "HELO"):
            ext = ["250-fake.test"]
            if args.pipelining:
                ext.append("250-PIPELINING")
            if args.dsn:
                ext.append("250-DSN")
            ext.append("250-8BITMIME")
            ext.append("250-SIZE 100000000")
            if not args.no_auth:
                ext.append("250-AUTH " + args.mechs)
            ext.append("250 ENHANCEDSTATUSCODES")
            conn.sendall(("\r\n".join(ext) + "\r\n").encode())
        elif verb == "AUTH" and args.check_password is not None and \
                line.split(" ")[1].upper() in ("PLAIN", "LOGIN", "CRAM-MD5"):
            parts = line.split(" ")
            reply = auth_checked(args, parts[1].upper(),
                                 parts[2] if len(parts) > 2 else None,
                                 send, f)
            if reply is None:
                return
            send(reply)
        elif verb == "AUTH":
            parts = line.split(" ")
            mech = parts[1].upper()
            if mech in ("XOAUTH2", "OAUTHBEARER") and len(parts) == 3:
                raw = base64.b64decode(parts[2]).decode("utf-8", "replace")
                log(args, "OAUTH %s user=%s" % (mech, "alice" if
                    "alice@example.test" in raw else "?"))
                if ("auth=Bearer " + args.token + "\x01") in raw:
                    send("235 2.7.0 Accepted")
                else:
                    send("334 eyJzdGF0dXMiOiI0MDEifQ==")
                    f.readline()
                    send("535 5.7.8 Username and Password not accepted")
                continue
            if parts[1].upper() == "LOGIN" and len(parts) == 2:
                send("334 VXNlcm5hbWU6")
                f.readline()
                send("334 UGFzc3dvcmQ6")
                f.readline()
            elif len(parts) == 2:
                send("334 ")
                f.readline()
            if args.auth_fail:
                send("535 5.7.8 Authentication credentials invalid")
            else:
                send("235 2.7.0 Authentication successful")
        elif verb == "MAIL":
            mail_from = line[line.index("<") + 1:line.index(">")]
            rcpts = []
            send("250 2.1.0 OK")
        elif verb == "RCPT":
            addr = line[line.index("<") + 1:line.index(">")]
            refusal = dict(r.split("=", 1) for r in args.refuse).get(addr)
            if refusal:
                send(refusal)
                continue
            rcpts.append(addr)
            send("250 2.1.5 OK")
        elif verb == "DATA":
            if not rcpts:
                send("554 5.5.1 No valid recipients")
                continue
            send("354 go ahead")
            data = b""
            while True:
                chunk = f.readline()
                if not chunk:
                    # Cut inside DATA: say how far the message got (its
                    # Subject and last line), for tests of what a stop
                    # at each moment leaves.
                    subj = last = ""
                    for ln in data.decode("utf-8", "replace").splitlines():
                        if ln.startswith("Subject: ") and not subj:
                            subj = ln[9:]
                        if ln:
                            last = ln
                    log(args, "DATA-CUT subject=%s last=%s" % (subj, last))
                    return
                if chunk == b".\r\n":
                    break
                if chunk.startswith(b".."):
                    chunk = chunk[1:]
                data += chunk
            if args.stall_after_data:
                log(args, "STALL")
                time.sleep(3600)
                return
            if args.data_reply:
                send(args.data_reply)
                continue
            n = save(args, mail_from, rcpts, data)
            send("250 2.0.0 OK queued as %04d" % n)
        elif verb == "RSET":
            mail_from, rcpts = None, []
            send("250 2.0.0 OK")
        elif verb == "NOOP":
            send("250 2.0.0 OK")
        elif verb == "QUIT":
            send("221 2.0.0 Bye")
            return
        else:
            send("502 5.5.2 Command not recognised")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--greeting", default="220 fake.test ESMTP")
    ap.add_argument("--auth-fail", action="store_true")
    ap.add_argument("--stall-after-data", action="store_true")
    ap.add_argument("--stall-at-greeting", action="store_true")
    ap.add_argument("--pipelining", action="store_true")
    ap.add_argument("--dsn", action="store_true")
    ap.add_argument("--no-auth", action="store_true")
    ap.add_argument("--data-reply", default=None)
    ap.add_argument("--token", default="good-token")
    ap.add_argument("--refuse", action="append", default=[],
                    metavar="ADDR=REPLY")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--mechs", default="PLAIN LOGIN XOAUTH2 OAUTHBEARER")
    ap.add_argument("--check-password", default=None)
    args = ap.parse_args()

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    with open(os.path.join(args.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.replace(os.path.join(args.dir, "port.tmp"),
               os.path.join(args.dir, "port"))

    def handle(conn):
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            serve(args, conn)
        except (OSError, ValueError):
            pass
        finally:
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
