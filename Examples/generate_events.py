#!/usr/bin/env python3
"""Writes Examples/events.csv: the events so far of the campaign that is still
sending (2026-06-summer-guide). Deterministic; rerun to regenerate."""
import csv, random, sys
from datetime import datetime, timedelta, timezone

rng = random.Random(2026)
cid = "2026-06-summer-guide"
start = datetime(2026, 6, 10, 9, 0, tzinfo=timezone.utc)
uas = [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", 0.34),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)", 0.16),
    ("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", 0.27),
    ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", 0.11),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36", 0.08),
    ("", 0.04),
]
links = [
    "https://northwind.example/summer-guide?utm_source=newsletter&utm_medium=email&utm_campaign=summer-guide-2026&utm_content=hero",
    "https://northwind.example/c/tents?utm_source=newsletter&utm_medium=email&utm_campaign=summer-guide-2026&utm_content=tents",
    "https://northwind.example/c/water-filters",
]

def pick_ua():
    r = rng.random()
    for ua, w in uas:
        if r < w:
            return ua
        r -= w
    return uas[0][0]

def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")

rows = []
for i in range(2600):
    rec = f"subscriber{i:05d}@example.net"
    t = start + timedelta(seconds=i * 2)
    rows.append((cid, rec, "sent", ts(t), "", "", "", ""))
    if rng.random() < 0.012:
        rows.append((cid, rec, "bounce", ts(t + timedelta(seconds=20)), "", "hard" if rng.random() < 0.4 else "soft", "", ""))
        continue
    d = t + timedelta(seconds=rng.randrange(2, 90))
    rows.append((cid, rec, "delivered", ts(d), "", "", "", ""))
    ua = pick_ua()
    machine = ua.startswith("Mozilla/5.0 (Macintosh") and rng.random() < 0.7
    if machine or rng.random() < 0.33:
        first = d + timedelta(minutes=rng.randrange(0, 5) if machine else int(rng.expovariate(1 / 240)))
        rows.append((cid, rec, "open", ts(first), "", "", ua, "true" if machine else "false"))
        if rng.random() < 0.3:
            rows.append((cid, rec, "open", ts(first + timedelta(hours=rng.randrange(1, 30))), "", "", ua, "false"))
        if not machine and rng.random() < 0.22:
            rows.append((cid, rec, "click", ts(first + timedelta(minutes=rng.randrange(1, 20))), rng.choice(links), "", ua, ""))
    elif rng.random() < 0.004:
        rows.append((cid, rec, "click", ts(d + timedelta(hours=2)), links[0], "", ua, ""))
    if rng.random() < 0.003:
        rows.append((cid, rec, "unsubscribe", ts(d + timedelta(hours=rng.randrange(1, 40))), "", "", "", ""))
    if rng.random() < 0.0008:
        rows.append((cid, rec, "complaint", ts(d + timedelta(hours=rng.randrange(1, 40))), "", "", "", ""))

rows.sort(key=lambda r: (r[3], r[1]))
with open(sys.argv[1] if len(sys.argv) > 1 else "events.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["campaign_id", "recipient", "event", "timestamp", "url", "bounce_type", "user_agent", "machine"])
    w.writerows(rows)
