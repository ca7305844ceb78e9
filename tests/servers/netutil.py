"""netutil.py: small network helpers for the test harness (stdlib only).

  netutil.py ports N             print N distinct free TCP ports on 127.0.0.1
  netutil.py wait PORT... [-t S] wait until every port accepts a connection on
                                 127.0.0.1; exit 1 after S seconds (default 15)
"""
import socket
import sys
import time


def free_ports(n):
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def wait_ports(ports, timeout):
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    print("port %d does not accept connections" % port,
                          file=sys.stderr)
                    return 1
                time.sleep(0.05)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "ports":
        print(" ".join(str(p) for p in free_ports(int(argv[1]))))
        return 0
    if len(argv) >= 2 and argv[0] == "wait":
        timeout, ports, args = 15.0, [], argv[1:]
        while args:
            a = args.pop(0)
            if a == "-t":
                timeout = float(args.pop(0))
            else:
                ports.append(int(a))
        return wait_ports(ports, timeout)
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
