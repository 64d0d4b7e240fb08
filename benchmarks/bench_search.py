"""Global-search latency on a filled database: median and p95 per kind of query.

    python benchmarks/bench_search.py --db sqlite:////tmp/demo1m.sqlite3
    python benchmarks/bench_search.py --db postgresql+psycopg://crm:crm@localhost/crm_b_bench

The database is expected to hold demo data (`crm-desktop demo --size N --db URL`, or
benchmarks/make_demo_db.py); with --reindex the search index is rebuilt first and
timed. Queries are drawn from the data itself with a fixed seed (so they have
answers, as real ones do): a Latin surname fragment, Chinese 2- and 3-character
names, a company fragment, a two-character Chinese word from the middle of a
company name, an e-mail fragment, a phone number typed in three
ways; plus fixed very common words ("wang", "有限公司", "gmbh") and one character.
Each query runs through `search()` exactly as the search dialog calls it
(session, both stages, titles and subtitles), `--repeat` times after one warm-up.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from crm_desktop.models.database import Database, open_database
from crm_desktop.services.search import reindex_all, search

FIXED = {
    "common Latin word": ["wang", "gmbh", "müller"],
    "common Chinese": ["有限公司", "科技"],
    "1 character": ["王", "m"],
}


def _sample_docs(db: Database, kind: str, rng: random.Random, count: int) -> Iterator[str]:
    """Bodies of random documents of a kind (rowid probes: no full scan)."""
    with db.engine.connect() as conn:
        top = conn.execute(text("SELECT max(id) FROM search_doc")).scalar() or 0
        made = 0
        for _ in range(count * 50):
            if made == count:
                break
            row = conn.execute(
                text("SELECT kind, body FROM search_doc WHERE id >= :id ORDER BY id LIMIT 1"),
                {"id": rng.randint(1, max(top, 1))},
            ).first()
            if row is not None and row[0] == kind:
                made += 1
                yield str(row[1])


def _is_cjk(value: str) -> bool:
    return bool(value) and all(ord(ch) >= 0x2E80 for ch in value)


def build_queries(db: Database, per_kind: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    queries: dict[str, list[str]] = {
        "Latin name fragment": [],
        "Chinese 2 chars": [],
        "Chinese 3 chars": [],
        "company fragment": [],
        "Chinese 2-char word inside": [],
        "e-mail fragment": [],
        "phone 138 0013": [],
        "phone 1380013": [],
        "phone +86 138-0013-8000": [],
    }

    def wants(name: str) -> bool:
        return len(queries[name]) < per_kind

    for body in _sample_docs(db, "contact", rng, per_kind * 40):
        fields = body.split("\n")
        name, company, methods = fields[0], fields[2], fields[3:]
        if _is_cjk(name):
            if len(name) == 3 and wants("Chinese 3 chars") and rng.random() < 0.5:
                queries["Chinese 3 chars"].append(name)
            elif len(name) in (2, 3) and wants("Chinese 2 chars"):
                # A 2-character full name ("王伟") or the given name of a 3-character one.
                queries["Chinese 2 chars"].append(name[-2:])
        elif " " in name and wants("Latin name fragment"):
            surname = name.split(" ")[-1]
            if len(surname) >= 5:
                queries["Latin name fragment"].append(surname[: rng.randint(4, 5)].lower())
        if _is_cjk(company[:4]) and len(company) >= 6 and wants("Chinese 2-char word inside"):
            start = rng.randint(2, len(company) - 2)  # not the start: "技术" of 华为技术…
            queries["Chinese 2-char word inside"].append(company[start : start + 2])
        if company and wants("company fragment"):
            start = rng.randint(0, max(0, len(company) - 5))
            fragment = company[start : start + (4 if _is_cjk(company[:2]) else 6)].strip()
            if len(fragment) >= 3:
                queries["company fragment"].append(fragment)
        for method in methods:
            if "@" in method and wants("e-mail fragment"):
                local = method.split("@")[0].split(" ")[-1]
                if len(local) >= 4:
                    queries["e-mail fragment"].append(local[-6:] + "@")
            for token in method.split(" "):
                if not (token.isdigit() and len(token) == 13 and token.startswith("861")):
                    continue
                number = token[2:]  # a Chinese mobile: 138 0013 8000
                if wants("phone 138 0013"):
                    queries["phone 138 0013"].append(f"{number[:3]} {number[3:7]}")
                elif wants("phone 1380013"):
                    queries["phone 1380013"].append(number[2:9])
                elif wants("phone +86 138-0013-8000"):
                    queries["phone +86 138-0013-8000"].append(
                        f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
                    )
        if all(not wants(name) for name in queries):
            break
    queries.update(FIXED)
    return queries


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run(db: Database, queries: dict[str, list[str]], repeat: int) -> list[tuple[str, ...]]:
    rows = []
    every: list[float] = []
    for label, texts in queries.items():
        times: list[float] = []
        hits: list[int] = []
        for query in texts:
            search(db.sessions, query)  # warm-up: pages into the cache, as after a first keypress
            for _ in range(repeat):
                started = time.perf_counter()
                found = search(db.sessions, query)
                times.append((time.perf_counter() - started) * 1000)
            hits.append(len(found))
        every += times
        example = texts[0] if texts else ""
        rows.append(
            (
                label,
                str(len(texts)),
                f"{statistics.median(times):.1f}" if times else "-",
                f"{_percentile(times, 0.95):.1f}" if times else "-",
                f"{max(times):.1f}" if times else "-",
                f"{statistics.mean(hits):.0f}" if hits else "-",
                example,
            )
        )
    rows.append(
        (
            "ALL",
            str(sum(len(t) for t in queries.values())),
            f"{statistics.median(every):.1f}",
            f"{_percentile(every, 0.95):.1f}",
            f"{max(every):.1f}",
            "",
            "",
        )
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="sqlite:///file or postgresql+psycopg://...")
    parser.add_argument("--per-kind", type=int, default=10, help="queries drawn per category")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reindex", action="store_true", help="rebuild the index first (timed)")
    parser.add_argument("--show", metavar="QUERY", help="print the hits of one query and stop")
    args = parser.parse_args()

    db = open_database(args.db)
    if args.show:
        for hit in search(db.sessions, args.show):
            print(f"{hit.kind:8} {hit.title}  —  {hit.subtitle}")
        return 0
    with db.engine.connect() as conn:
        contacts = conn.execute(
            text("SELECT count(*) FROM contact WHERE deleted_at IS NULL")
        ).scalar_one()
        documents = conn.execute(text("SELECT count(*) FROM search_doc")).scalar_one()
    if args.reindex:
        started = time.perf_counter()
        documents = reindex_all(db.sessions)
        print(f"reindex_all: {documents:,} documents in {time.perf_counter() - started:.1f} s")
    print(f"backend {db.url.get_backend_name()}: {contacts:,} contacts, {documents:,} documents")
    queries = build_queries(db, args.per_kind, args.seed)
    rows = run(db, queries, args.repeat)
    header = ("query kind", "n", "median ms", "p95 ms", "max ms", "hits", "example")
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
