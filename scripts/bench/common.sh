# What the page benchmarks share (sourced by dashboard_products.sh and storefront_catalog.sh, from the
# checkout's root): wrk installed, free ports, a temporary folder and the processes started, stopped
# and removed at exit; waiting for a quiet machine; starting a server; one wrk run; the markdown table
# of the medians and its footer.
#
# Settings (environment): WRK_S (seconds a run, 10), CONNECTIONS (8), QUIET_MAX_S (900).
# A script sets `round` before each `bench_run` (0 is the warm-up) and reads `$work` for its files.

wrk_s=${WRK_S:-10}
connections=${CONNECTIONS:-8}
quiet_max=${QUIET_MAX_S:-900}

# wrk present, and nothing already listening on the given ports.
bench_prepare() { # port…
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  local port
  for port in "$@"; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is already in use" >&2; exit 1; fi
  done
}

work=$(mktemp -d)
pids=()
sampler=""
bench_cleanup() {
  [ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# rustc, cargo or chromium processes not started by this script, as "name:pid …" (empty when quiet).
others_busy() {
  local name pid anc found=()
  for name in rustc cargo chromium chromium-browse chrome headless_shell; do
    for pid in $(pgrep -x "$name" || true); do
      anc=$pid
      while [ -n "$anc" ] && [ "$anc" -gt 1 ] && [ "$anc" != "$$" ]; do
        anc=$(ps -o ppid= -p "$anc" 2>/dev/null | tr -d ' ')
      done
      [ "$anc" = "$$" ] || found+=("$name:$pid")
    done
  done
  echo "${found[*]:-}"
}
wait_quiet() { # 0 when quiet on two polls 10 s apart, 1 when still busy after quiet_max seconds
  local waited=0 busy quiet=0 said=""
  while :; do
    busy=$(others_busy)
    if [ -z "$busy" ]; then quiet=$((quiet + 1)); [ "$quiet" -ge 2 ] && return 0
    else
      quiet=0
      if [ "$waited" -ge "$quiet_max" ]; then
        echo "  machine still busy after ${quiet_max}s ($busy): measuring anyway" >&2; return 1
      fi
      [ -n "$said" ] || { echo "  waiting for a quiet machine: $busy" >&2; said=1; }
    fi
    sleep 10; waited=$((waited + 10))
  done
}

# Starts a server in the background (its output in $work/NAME.log) and waits until it answers.
bench_start() { # name port ready-path cmd…
  local name=$1 port=$2 ready=$3; shift 3
  "$@" > "$work/$name.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port$ready" && return 0; sleep 0.2; done
  echo "$name did not start" >&2; cat "$work/$name.log" >&2; exit 1
}

# One wrk run on CPU 1 into $work/LABEL.$round.txt, after waiting for a quiet machine; a sampler
# notes the run in $work/disturbed when another rustc/cargo/chromium process shows up during it.
bench_run() { # label url [wrk args]
  local label=$1 url=$2; shift 2
  wait_quiet || echo "$label.$round" >> "$work/busy-start"
  ( while :; do [ -z "$(others_busy)" ] || { echo "$label.$round" >> "$work/disturbed"; exit 0; }; sleep 2; done ) &
  sampler=$!
  taskset -c 1 wrk -t1 -c"$connections" -d"${wrk_s}s" --latency "$@" "$url" > "$work/$label.$round.txt" 2>&1
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
}

# The markdown table of the medians of rounds 1–3, on standard output. BASE is the label the
# "p50 added over" column is measured from; ADDED the labels (comma-separated) that column is given for.
bench_table() { # base added label name [label name]…
  python3 - "$work" "$@" <<'PY'
import re, statistics, sys
work, base, added, pairs = sys.argv[1], sys.argv[2], sys.argv[3].split(','), sys.argv[4:]
labels, names = pairs[0::2], dict(zip(pairs[0::2], pairs[1::2]))
def ms(s):
    m = re.match(r'([\d.]+)(us|ms|s)', s); v = float(m.group(1))
    return v / 1000 if m.group(2) == 'us' else (v * 1000 if m.group(2) == 's' else v)
res = {}
for l in labels:
    runs = []
    for r in (1, 2, 3):
        t = open(f"{work}/{l}.{r}.txt").read()
        bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', t)
        errs = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', t)
        runs.append((float(re.search(r'Requests/sec:\s+([\d.]+)', t).group(1)), ms(re.search(r'\s50%\s+(\S+)', t).group(1)),
                     ms(re.search(r'\s99%\s+(\S+)', t).group(1)), (int(bad.group(1)) if bad else 0) + (sum(map(int, errs.groups())) if errs else 0)))
    res[l] = [statistics.median(x[i] for x in runs) for i in range(3)] + [sum(x[3] for x in runs), [x[1] for x in runs]]
print("| scenario | req/s | p50 | p99 | p50 of the 3 runs | non-2xx + socket errors | p50 added over (a) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for l in labels:
    rps, p50, p99, bad, p50s = res[l]
    plus = f"+{p50 - res[base][1]:.2f} ms" if l in added else "—"
    spread = " / ".join(f"{v:.2f}" for v in p50s)
    print(f"| {names[l]} | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {spread} | {bad} | {plus} |".replace(",", " "))
PY
}

# The table's footer: how it was measured (SETUP, one line), the machine and date, and whether
# another rustc/cargo/chromium process shared the machine during a measured run.
bench_footer() { # setup
  local disturbed busy_start
  disturbed=$(grep -v '\.0$' "$work/disturbed" 2>/dev/null | sort -u | tr '\n' ' ' || true)
  busy_start=$(grep -v '\.0$' "$work/busy-start" 2>/dev/null | sort -u | tr '\n' ' ' || true)
  echo
  echo "$1"
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(rustc -V), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- apps crates Cargo.lock 2>/dev/null || echo ' (with uncommitted changes to apps/crates)'), $(date -u +%F)"
  if [ -n "$busy_start" ]; then echo "BUSY MACHINE: measured runs started after ${quiet_max}s of waiting, with other rustc/cargo/chromium processes running: $busy_start"; fi
  if [ -n "$disturbed" ]; then echo "measured runs during which another rustc/cargo/chromium process was seen: $disturbed"; else echo "no other rustc/cargo/chromium process seen during any measured run."; fi
}
