#!/usr/bin/env python3
"""The figures of `funnelmark metrics` for a canonical events CSV, computed by
DuckDB with SQL (the peer and the oracle of the events benchmark).

usage: peer_duckdb.py EVENTS.csv OUT.json
"""
import json
import sys

import duckdb

path, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute(f"CREATE VIEW e AS SELECT * FROM read_csv('{path}', header=true, all_varchar=true)")
per_campaign = con.execute("""
WITH r AS (
  SELECT campaign_id, recipient,
    bool_or(event = 'sent') s, bool_or(event = 'delivered') d, bool_or(event = 'bounce') b,
    bool_or(event = 'bounce' AND coalesce(bounce_type, '') IN ('hard', '')) hb,
    bool_or(event IN ('open', 'click')) o,
    bool_or((event = 'open' AND coalesce(machine, '') NOT IN ('true', '1')) OR event = 'click') ho,
    bool_or(event = 'click') c, bool_or(event = 'unsubscribe') u, bool_or(event = 'complaint') q,
    bool_or(event = 'dropped') dr,
    count(*) FILTER (WHERE event = 'open') n_open, count(*) FILTER (WHERE event = 'click') n_click
  FROM e GROUP BY 1, 2),
k AS (
  SELECT campaign_id, bool_or(s) has_s, bool_or(d) has_d,
    count(*) FILTER (WHERE s) s_n, count(*) FILTER (WHERE d OR b) s_fallback, count(*) FILTER (WHERE d) d_n,
    count(*) FILTER (WHERE b AND NOT d) bounced, count(*) FILTER (WHERE hb AND NOT d) hard_bounced,
    count(*) FILTER (WHERE o) unique_opens, sum(n_open)::BIGINT total_opens,
    count(*) FILTER (WHERE ho) human_unique_opens, count(*) FILTER (WHERE c) unique_clicks,
    sum(n_click)::BIGINT total_clicks, count(*) FILTER (WHERE u) unsubscribed,
    count(*) FILTER (WHERE q) complaints, count(*) FILTER (WHERE dr) dropped
  FROM r GROUP BY 1)
SELECT campaign_id,
  CASE WHEN has_s THEN s_n ELSE s_fallback END AS sent,
  CASE WHEN has_d THEN d_n ELSE (CASE WHEN has_s THEN s_n ELSE s_fallback END) - bounced END AS delivered,
  bounced, hard_bounced, bounced - hard_bounced AS soft_bounced, unique_opens, total_opens, human_unique_opens,
  unique_clicks, total_clicks, unsubscribed, complaints, dropped
FROM k ORDER BY 1""")
cols = [d[0] for d in per_campaign.description]
result = {row[0]: {"counts": dict(zip(cols[1:], row[1:])), "links": []} for row in per_campaign.fetchall()}
for cid, url, clicks, unique in con.execute("""
  SELECT campaign_id, url, count(*), count(DISTINCT recipient) FROM e WHERE event = 'click'
  GROUP BY 1, 2 ORDER BY 1, 4 DESC, 3 DESC, 2""").fetchall():
    result[cid]["links"].append({"url": url, "clicks": clicks, "unique_clicks": unique})
json.dump(result, open(out, "w"), sort_keys=True)
