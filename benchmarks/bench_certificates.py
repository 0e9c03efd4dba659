"""Certificate PDFs (issue 6): one at a time, and as one multi-page batch.

Usage: python benchmarks/bench_certificates.py [--count 1000] [--no-write]
Renders ``count`` certificates (A4 landscape, Chinese text, the WenQuanYi font
subset embedded, a QR code to the verification page) one by one through
:func:`jingsai.certification.pdf.render` — milliseconds per certificate, p50 and
p95 (target ≤ 50 ms) — then all of them as one ``count``-page PDF through
:func:`jingsai.certification.pdf.render_many` into a temporary file (what the
back office's batch download does). The certificates are built in memory with
varied names, titles and awards: rendering is what is measured, not the database.

Figures are merged into benchmarks/results.json under results[vendor]["certificates"],
and their rows are added to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal

import bench  # benchmarks/bench.py: django.setup(), log, results files
from django.db import connection

from jingsai.catalogue.models import ProgrammeYear
from jingsai.certification import pdf
from jingsai.certification.domain.issuing import new_number
from jingsai.certification.models import Certificate
from jingsai.competitions.models import Competition
from jingsai.organisations.models import Organisation
from jingsai.people.models import Worker

TARGET_MS = 50.0
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰俊峰海燕晓东"
AWARDS = [("一等奖证书", "一等奖", 2), ("二等奖证书", "二等奖", None), ("三等奖证书", "三等奖", None),
          ("合格证书", "", None)]  # fmt: skip
TITLES = [
    "2026年浦东新区“中国芯”集成电路行业职工职业技能竞赛",
    "2026年浦东新区城市数字化转型5G应用劳动和技能竞赛",
    "2026年金色中环发展带建筑信息化（BIM）技能竞赛",
    "2026年浦东新区服务效能倍增养老护理员职业技能竞赛",
]


def certificates(count: int, rng: random.Random) -> list[Certificate]:
    year = ProgrammeYear(year=2026)
    competitions = [Competition(title=title, year=year) for title in TITLES]
    issuers = [Organisation(name="上海市浦东新区总工会"), Organisation(name="浦东新区职工实训中心")]
    out = []
    for n in range(count):
        title, award, level = AWARDS[n % len(AWARDS)]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        out.append(
            Certificate(
                number=new_number(2026),
                competition=competitions[n % len(competitions)],
                worker=Worker(name=name),
                title=title,
                award=award,
                total=Decimal(rng.randint(6000, 9990)) / 100,
                rank=n % 50 + 1,
                level=level,
                issued_on=dt.date(2026, 12, 1),
                issuer=issuers[n % 2],
                status=Certificate.Status.VALID,
            )
        )
    return out


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(count: int) -> dict:
    rng = random.Random(2026)
    batch = certificates(count, rng)
    started = time.perf_counter()
    pdf.register_font()
    register_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pdf.render(batch[0])  # the first file builds the font's tables
    first_ms = (time.perf_counter() - started) * 1000
    times, sizes = [], []
    for certificate in batch:
        started = time.perf_counter()
        data = pdf.render(certificate)
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(data))
    bench.log(
        f"  one by one: p50 {percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms"
    )
    with tempfile.TemporaryFile() as target:
        started = time.perf_counter()
        pages = pdf.render_many(iter(batch), target, title="batch")
        batch_seconds = time.perf_counter() - started
        batch_bytes = target.tell()
    bench.log(f"  batch of {pages:,} pages: {batch_seconds:.2f} s, {batch_bytes / 1e6:.1f} MB")
    return {
        "count": count,
        "font_register_ms": round(register_seconds * 1000, 1),
        "first_render_ms": round(first_ms, 1),
        "render_p50_ms": round(percentile(times, 0.5), 2),
        "render_p95_ms": round(percentile(times, 0.95), 2),
        "render_mean_ms": round(statistics.fmean(times), 2),
        "render_target_ms": TARGET_MS,
        "single_pdf_kb_median": round(statistics.median(sizes) / 1024, 1),
        "batch_pages": pages,
        "batch_seconds": round(batch_seconds, 2),
        "batch_ms_per_page": round(batch_seconds * 1000 / max(pages, 1), 2),
        "batch_mb": round(batch_bytes / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true", help="print only; keep results.json")
    args = parser.parse_args()
    vendor = connection.vendor
    bench.log(f"== {vendor}: {args.count:,} certificate PDFs")
    figures = measure(args.count)
    if args.no_write:
        print(json.dumps(figures, indent=2))
        return
    results = json.loads(bench.RESULTS.read_text()) if bench.RESULTS.exists() else {}
    if vendor not in results:
        sys.exit(f"no {vendor} figures in {bench.RESULTS}: run benchmarks/bench.py first")
    results[vendor]["certificates"] = figures
    bench.RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    bench.render(results)


if __name__ == "__main__":
    main()
