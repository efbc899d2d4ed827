from benchmarks.detection_eval import *
import detectors.emergence as em
source, records = stream("demo", 1)
posts = posts_of(records)
orig = em.EmergenceDetector._post_belongs
def spy(self, terms, signature):
    r = orig(self, terms, signature)
    if r and 'auth_46' in signature and self.window > 1792530000//300:
        print("JOIN", datetime.fromtimestamp(self.window*300, timezone.utc), sorted(terms & set(signature)), [round(self._share(t),4) for t in sorted(terms & set(signature))])
    return r
em.EmergenceDetector._post_belongs = spy
det = EmergenceDetector(DetectorSettings(), brand=source.brand, ignore=brand_terms(source.brand))
inc = replay(det, posts)
print(inc['1792506600-2'].signature)
