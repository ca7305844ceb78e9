#!/usr/bin/python3
"""hostile-maxrss.py OUTFILE CMD...: run CMD, write its peak resident set
size in KiB (getrusage of the waited-for child) to OUTFILE, and exit with
CMD's status (128 + N when a signal N killed it)."""
import resource
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__ + "\n")
        return 2
    out = sys.argv[1]
    try:
        rc = subprocess.call(sys.argv[2:])
    except OSError as e:
        sys.stderr.write("hostile-maxrss: %s: %s\n" % (sys.argv[2], e))
        return 127
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, "w") as f:
        f.write("%d\n" % rss)
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    sys.exit(main())
