"""One markdown row from wrk's --latency output: requests/s, p50, p99 and non-2xx answers."""

import re
import sys

scenario, path = sys.argv[1], sys.argv[2]
text = open(path).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)
errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
print(f"| {scenario} | {float(rps):.0f} | {p50} | {p99} | {errors.group(1) if errors else 0} |")
