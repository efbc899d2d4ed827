import cProfile, pstats
from benchmarks.detection_speed import *
recs = records(100_000)
posts = posts_of(recs, False, 100_000)
detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=brand_terms("Voltra"))
# warm caches of language data first
from detectors.text import terms_of
for p in posts[:2000]: terms_of(p.text, p.lang)
cProfile.run("replay(detector, posts)", "/tmp/p2.out")
pstats.Stats("/tmp/p2.out").sort_stats("tottime").print_stats(15)
