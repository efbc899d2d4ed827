import time
from benchmarks.detection_speed import *
recs = records(500_000)
from detectors.stats import prior_share
from detectors.text import terms_of
from detectors.cues import post_cues
for lang in ("en", "cs", "ru", "de", "pl", "uk"):
    terms_of("warm up", lang); prior_share("warm", lang)
posts = posts_of(recs, True, 200_000)
t=time.perf_counter(); [post_cues(p.text) for p in posts]; print("cues", time.perf_counter()-t)
t=time.perf_counter(); [terms_of(p.text, p.lang) for p in posts]; print("terms (cues cached)", time.perf_counter()-t)
posts2 = posts_of(recs, True, 200_000)
import random
posts2 = [Post(p.platform, p.id, p.author, p.at, p.text + " x", p.lang) for p in posts]
from detectors import text
text._terms.cache_clear(); post_cues.cache_clear()
t=time.perf_counter(); [terms_of(p.text, p.lang) for p in posts2]; print("terms+cues", time.perf_counter()-t)
