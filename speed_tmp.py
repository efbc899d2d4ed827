import time
from benchmarks.detection_speed import *
recs = records(100_000)
posts = posts_of(recs, False, 100_000)
from detectors.text import terms_of
for p in posts[:3000]: terms_of(p.text, p.lang)
detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=brand_terms("Voltra"))
t=time.perf_counter(); inc = replay(detector, posts); s=time.perf_counter()-t
print(len(posts), s, len(posts)/s, len(inc))
