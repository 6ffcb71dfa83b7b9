#!/usr/bin/env python3
"""Deterministic benchmark data in Funnelmark's input formats.

  generate.py events OUTDIR N_EVENTS [N_CAMPAIGNS]   canonical events.csv + campaigns.json
  generate.py campaigns OUTDIR N                     N pre-aggregated campaigns (every status)

The shapes follow ../shared/bench (about 2.66 events per recipient-send,
50 campaigns, 1-5% bounces, opens, repeated opens and clicks, automated
opens, unsubscribes, complaints), so figures are comparable across runs.
"""
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
    "Mozilla/5.0 (Linux; Android 14)",
]


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def events(out, target, n_campaigns=50, seed=11):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    sends_total = int(target / 2.66)
    weights = [rng.uniform(0.2, 1.8) for _ in range(n_campaigns)]
    total_weight = sum(weights)
    base = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    campaigns = []
    written = 0
    with open(os.path.join(out, "events.csv"), "w", buffering=1 << 20) as f:
        f.write("campaign_id,recipient,event,timestamp,url,bounce_type,user_agent,machine\n")
        for c in range(n_campaigns):
            cid = f"bench-{c:03d}"
            sends = max(10, int(sends_total * weights[c] / total_weight))
            start = base + timedelta(days=2 * c)
            urls = [f"https://store.example.org/item/{c}/{k}?utm_source=email&utm_medium=email&utm_campaign={cid}" for k in range(4)]
            urls.append(f"https://store.example.org/help/{c}")
            deliver = rng.uniform(0.93, 0.995)
            open_p = rng.uniform(0.15, 0.45)
            click_p = rng.uniform(0.05, 0.25)
            unsub_p = rng.uniform(0.0005, 0.008)
            complaint_p = rng.uniform(0.0, 0.002)
            rows = []
            for r in range(sends):
                who = f"r{rng.randrange(10_000_000):07d}@mail.example"
                t = start + timedelta(seconds=r % 3600)
                rows.append(f"{cid},{who},sent,{stamp(t)},,,,\n")
                if rng.random() >= deliver:
                    kind = "hard" if rng.random() < 0.4 else "soft"
                    rows.append(f"{cid},{who},bounce,{stamp(t + timedelta(seconds=30))},,{kind},,\n")
                    continue
                t2 = t + timedelta(seconds=rng.randrange(1, 300))
                rows.append(f"{cid},{who},delivered,{stamp(t2)},,,,\n")
                opened = rng.random() < open_p
                if opened:
                    for _ in range(rng.choice((1, 1, 2, 3))):
                        agent = rng.choice(AGENTS)
                        machine = "true" if agent.startswith("Mozilla/5.0 (Mac") and rng.random() < 0.5 else ""
                        rows.append(f"{cid},{who},open,{stamp(t2 + timedelta(minutes=rng.randrange(1, 4000)))},,,{agent},{machine}\n")
                if rng.random() < (click_p if opened else 0.01):
                    for _ in range(rng.choice((1, 1, 2))):
                        rows.append(f"{cid},{who},click,{stamp(t2 + timedelta(minutes=rng.randrange(2, 4000)))},{rng.choice(urls)},,{rng.choice(AGENTS)},\n")
                if rng.random() < unsub_p:
                    rows.append(f"{cid},{who},unsubscribe,{stamp(t2 + timedelta(hours=rng.randrange(1, 48)))},,,,\n")
                if rng.random() < complaint_p:
                    rows.append(f"{cid},{who},complaint,{stamp(t2 + timedelta(hours=rng.randrange(1, 48)))},,,,\n")
            written += len(rows)
            f.write("".join(rows))
            campaigns.append({"id": cid, "name": f"Benchmark campaign {c}", "subject": f"Offer {c}", "status": "sent",
                              "audience": {"name": "Everyone", "size": int(sends * rng.uniform(1.0, 1.05))},
                              "sent_at": stamp(start)})
    with open(os.path.join(out, "campaigns.json"), "w") as f:
        json.dump({"campaigns": campaigns}, f, indent=1)
    return written


def campaigns(out, n, seed=5):
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    result = []
    for i in range(n):
        audience = rng.randrange(1000, 200000)
        sent = int(audience * rng.uniform(0.97, 1.0))
        bounced = int(sent * rng.uniform(0.002, 0.06))
        delivered = sent - bounced
        opens = int(delivered * rng.uniform(0.1, 0.5))
        clicks = int(opens * rng.uniform(0.03, 0.3))
        status = "sent" if i % 20 else rng.choice(["draft", "scheduled", "sending"])
        when = datetime(2018, 1, 1, 9, tzinfo=timezone.utc) + timedelta(hours=7 * i)
        c = {"id": f"agg-{i:05d}", "name": f"Campaign {i}", "subject": f"Offer number {i}", "status": status,
             "audience": {"name": rng.choice(["All", "VIP", "Newsletter"]), "size": audience},
             "utm": {"source": "newsletter", "medium": "email", "campaign": f"agg-{i}"}}
        if status == "scheduled":
            c["scheduled_at"] = stamp(when)
        elif status != "draft":
            c["sent_at"] = stamp(when)
        if status in ("sent", "sending"):
            hard = bounced // 3
            c["counts"] = {"sent": sent, "delivered": delivered, "bounced": bounced, "hard_bounced": hard,
                           "soft_bounced": bounced - hard, "unique_opens": opens, "total_opens": int(opens * 1.4),
                           "human_unique_opens": int(opens * 0.6), "unique_clicks": clicks, "total_clicks": int(clicks * 1.3),
                           "unsubscribed": int(delivered * rng.uniform(0, 0.01)),
                           "complaints": int(delivered * rng.uniform(0, 0.002))}
            c["links"] = [{"url": f"https://store.example.org/p/{i}-{k}?utm_source=newsletter", "clicks": clicks // 3,
                           "unique_clicks": clicks // 4} for k in range(3)]
        result.append(c)
    with open(os.path.join(out, "campaigns.json"), "w") as f:
        json.dump({"campaigns": result}, f)


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "events":
        n = events(out, int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 50)
        print(f"{n} events", file=sys.stderr)
    elif kind == "campaigns":
        campaigns(out, int(sys.argv[3]))
    else:
        sys.exit("usage: generate.py events|campaigns OUTDIR N")
