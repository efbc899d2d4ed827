import cProfile, pstats
from benchmarks.detection_speed import *
recs = records(500_000)
posts = posts_of(recs, True, 100_000)
from detectors.stats import prior_share
from detectors.text import terms_of
for lang in ("en", "cs", "ru", "de", "pl", "uk"):
    terms_of("warm up", lang); prior_share("warm", lang)
detector = EmergenceDetector(DetectorSettings(), brand="Voltra", ignore=brand_terms("Voltra"))
cProfile.run("replay(detector, posts)", "/tmp/p3.out")
pstats.Stats("/tmp/p3.out").sort_stats("tottime").print_stats(14)
