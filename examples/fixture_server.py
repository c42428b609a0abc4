"""Serve the example post's FIXTURE corpus on 127.0.0.1 — synthetic data, NOT from Semantic Scholar.

Try graphkit without internet (or before you have an API key):

    python examples/fixture_server.py &          # prints the URL it serves; lives an hour (--seconds)
    graphkit build examples/video-classification/post.md -o site/ --api-url http://127.0.0.1:PORT/graph/v1 --rps 0

It serves the papers of one post (the example by default: ``python examples/fixture_server.py my-post.md``);
``--heavy`` adds four seeds cited thousands of times, as the benchmarks measure.

Everything it answers is made up by tests/corpus.py (planted foundations and follow-ups, lineage links);
the map it gives is for trying graphkit out, not for reading.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphkit.seeds import parse_seeds  # noqa: E402
from tests.corpus import from_seedlist  # noqa: E402
from tests.s2server import FakeS2  # noqa: E402


def corpus_for(post: str, *, heavy: bool = False):
    """The FIXTURE corpus served for ``post`` (the README's console examples are run against it too); ``heavy``:
    with four seeds cited 3,100–11,500 times, about 26,000 papers (the corpus the benchmarks measure)."""
    sl = parse_seeds(post)
    if not heavy:
        return from_seedlist(sl)
    from tests.conftest import NO_MATCH
    from tests.corpus import with_heavy_citers

    return with_heavy_citers(from_seedlist(sl, no_match=(NO_MATCH,), hostile=True), sl)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("post", nargs="?", default=str(ROOT / "examples" / "video-classification" / "post.md"))
    ap.add_argument("--seconds", type=float, default=3600, help="stop after this long (default 1 hour)")
    ap.add_argument(
        "--heavy", action="store_true", help="four seeds cited thousands of times (26,000 papers)"
    )
    args = ap.parse_args()
    corpus = corpus_for(args.post, heavy=args.heavy)
    with FakeS2(corpus) as srv:
        print(f"FIXTURE S2 server (synthetic data) at {srv.url}", flush=True)
        try:
            time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
