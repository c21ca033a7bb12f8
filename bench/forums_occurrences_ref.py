# Same-run reference for bench/forums_occurrences: python-dateutil's rrule over the same rules, zones and
# starts (wall times expanded by dateutil, converted to UTC with zoneinfo), for a slice of the series.
import itertools, sys, time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
from dateutil.rrule import rrulestr

zones = ["America/Lima", "Europe/London", "America/Santiago", "Africa/Nairobi", "Africa/Kinshasa", "Asia/Manila",
         "America/La_Paz", "Australia/Sydney"]
rules = ["FREQ=MONTHLY;BYDAY=1TH", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYMONTHDAY=-1",
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=WEEKLY;BYDAY=TU,TH",
         "FREQ=YEARLY;BYMONTH=3,9;BYDAY=2WE", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"]
n_series = int(sys.argv[1]) if len(sys.argv) > 1 else 100
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
times = []
for r in range(runs):
    total = 0
    t0 = time.perf_counter()
    for i in range(n_series):
        tz = ZoneInfo(zones[(i // 8) % 8])
        start = datetime(2027, 1, 1 + i % 28, 8 + i % 10, 30)
        for d in itertools.islice(rrulestr(rules[i % 8], dtstart=start), 1000):
            d.replace(tzinfo=tz).astimezone(timezone.utc)
            total += 1
    times.append((time.perf_counter() - t0) * 1000)
    print(f"dateutil run {r + 1}: {total} occurrences in {times[-1]:.1f} ms")
times.sort()
med = times[len(times) // 2]
print(f"dateutil median: {med:.1f} ms for {n_series} series x 1000 = {total} ({med * 1e6 / total:.0f} ns per occurrence)")
