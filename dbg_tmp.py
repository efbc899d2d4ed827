import sys
from benchmarks.detection_eval import *
from collections import Counter
name, seed = sys.argv[1], int(sys.argv[2])
source, records = stream(name, seed)
posts = posts_of(records)
settings = DetectorSettings()
det = EmergenceDetector(settings, brand=source.brand, ignore=brand_terms(source.brand))
inc = replay(det, posts)
labels, events = labelled(records, posts[0].at + 86400)
res = score(list(inc.values()), labels, events, 20)
byev = {}
for i in inc.values():
    for k in i.posts:
        if labels.get(k): byev.setdefault(labels[k], Counter())[i.incident_id] += 1
texts = {}
for r in records:
    if r.get('demo_event'): texts.setdefault(r['demo_event'], []).append((r.get('lang'), r['text']))
for e in sorted(events.values(), key=lambda e: e.message_times[0]):
    if not e.alertable: continue
    parts = []
    for iid, n in byev.get(e.event_id, Counter()).most_common(4):
        i = inc[iid]
        parts.append(f"{iid}:{i.kind}:{n}/{len(i.posts)}@{datetime.fromtimestamp(i.alerted_at or i.detected_at, timezone.utc):%H:%M}")
    flag = "MISSED" if e.event_id in res.missed else ""
    dur = (e.message_times[-1]-e.message_times[0])/3600
    print(flag, e.event_id, e.kind, len(e.message_times), f"{dur:.1f}h", datetime.fromtimestamp(e.message_times[0], timezone.utc).strftime('%H:%M'), parts)
    if flag: print("    ", texts[e.event_id][:3])
