import time, sys
from benchmarks.detection_speed import *
recs = records(500_000)
from detectors.stats import prior_share
from detectors.text import terms_of
for lang in ("en", "cs", "ru", "de", "pl", "uk"):
    terms_of("warm up", lang); prior_share("warm", lang)
import gc
gc.set_threshold(50_000, 20, 100)
for unique in (False, True):
    posts = posts_of(recs, unique, 200_000)
    detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=brand_terms("Voltra"))
    t=time.perf_counter(); inc = replay(detector, posts); s=time.perf_counter()-t
    print(unique, len(posts), round(s,1), round(len(posts)/s), len(inc))
