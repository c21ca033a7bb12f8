#!/usr/bin/python3
"""Times every console page of a running `delvex serve` over loopback, logged in as an admin.

    pages.py BASE_URL NAME PASSWORD [RUNS]

For each page: RUNS requests after two warm-ups, one at a time; prints the median (p50) and the 99th
percentile of the time from sending the request to the last byte of the answer, and the answer's size.
GET /healthz is timed the same way as the reference of the same run (what the machine's load adds to any
request). On loopback the time is the server's time plus well under a millisecond.
"""

import http.cookiejar
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

PAGES = [
    ("reference: /healthz", "/healthz"),
    ("overview (6 months)", "/console/overview"),
    ("overview (12 months)", "/console/overview?from=2025-12&to=2026-11"),
    ("members (newest)", "/console/members"),
    ("members: alias search", "/console/members?q=ama"),
    ("members: room + language", "/console/members?room=east-africa&language=sw"),
    ("members: page 100", "/console/members?page=100"),
    ("moderation", "/console/moderation"),
    ("forums", "/console/forums"),
    ("academy", "/console/academy"),
    ("delivery", "/console/delivery"),
    ("rooms and links", "/console/rooms"),
    ("reports", "/console/reports?month=2026-11"),
    ("report CSV", "/console/reports/2026-11.csv"),
    ("audit log", "/console/audit"),
    ("accounts", "/console/accounts"),
]


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def main():
    base, name, password = sys.argv[1], sys.argv[2], sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/console/login", timeout=30).read().decode()
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrf": token, "name": name, "password": password}).encode()
    landed = opener.open(base + "/console/login", data=data, timeout=120)
    if "/console/overview" not in landed.geturl():
        print("login failed: " + landed.geturl(), file=sys.stderr)
        return 1
    print(f"{'page':28} {'p50 ms':>8} {'p99 ms':>8} {'KB':>8}")
    for label, path in PAGES:
        times = []
        size = 0
        for i in range(runs + 2):
            start = time.perf_counter()
            with opener.open(base + path, timeout=60) as answer:
                body = answer.read()
                if answer.status != 200:
                    print(f"{path}: HTTP {answer.status}", file=sys.stderr)
                    return 1
            elapsed = (time.perf_counter() - start) * 1000
            size = len(body)
            if i >= 2:
                times.append(elapsed)
        print(f"{label:28} {statistics.median(times):8.1f} {percentile(times, 99):8.1f} {size / 1024:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
