"""Benchmark of comic imports against the archive tools alone, in one run.

    .venv/bin/python bench/comic_import.py [--pages 120] [--rounds 5]

A chapter of --pages scanned pages (1200x1800 JPEG of film grain, 0.5-0.75 MB each):
1. a CBZ whose pages are stored (kept byte for byte by the import):
   (a) `unzip -o -q` of it into a folder (the reference: every page read and written once);
   (b) a whole import job (`run_inline` on a throwaway SQLite install): sha256, every page
       read and checked, the archive copied into local storage, series, chapter and page
       rows in one transaction;
2. the same pages as a stored RAR 5 (tests/support/rar_writer.py), converted to a CBZ:
   (a) `bsdtar -x` into a folder, then `zip -0 -q -r` of it (the reference conversion);
   (b) a whole import job: the RAR read by libarchive, each page checked and written to a
       stored CBZ, then stored and catalogued as above.

Figures are pages per second; each ratio is the job's pages/s over the reference's in the
same round (1.00x: as fast as the tools alone), the median of --rounds rounds. Page images
(made in the background after import) are not part of an import and are not queued here.
It prints a report and exits 0 (a report, not a test); the temp folder is removed.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from measures import install_here

WORK = install_here("comics", MEDIA_STORAGE="local")


def log(text: str) -> None:
    print(text, flush=True)


def timed(action: Callable[[], object]) -> float:
    # No dirty pages left by the run before (writeback would land on whichever runs next);
    # the source is in the page cache for both sides alike.
    os.sync()
    time.sleep(0.2)
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def scanned_pages(count: int) -> list[tuple[str, bytes]]:
    from PIL import Image

    pages = []
    for number in range(count):
        grain = Image.effect_noise((1200, 1800), 8 + number % 8).convert("RGB")
        out = io.BytesIO()
        grain.save(out, "JPEG", quality=85)
        pages.append((f"{number + 1:04d}.jpg", out.getvalue()))
    return pages


def write_sources(pages: list[tuple[str, bytes]]) -> tuple[Path, Path]:
    from tests.support.rar_writer import write_rar

    folder = WORK / "sources"
    folder.mkdir()
    cbz = folder / "Bench Manga c001.cbz"
    with zipfile.ZipFile(cbz, "w", zipfile.ZIP_STORED) as archive:
        for name, data in pages:
            archive.writestr(name, data)
    rar = write_rar(folder / "Bench Manga c002.cbr", pages, version=5)
    return cbz, rar


def unzip(cbz: Path) -> None:
    out = WORK / "unzip"
    subprocess.run(["unzip", "-o", "-q", str(cbz), "-d", str(out)], check=True)


def bsdtar_then_zip(rar: Path) -> None:
    out = WORK / "bsdtar"
    out.mkdir()
    subprocess.run(["bsdtar", "-x", "-f", str(rar), "-C", str(out)], check=True)
    target = WORK / "converted.cbz"
    subprocess.run(["zip", "-0", "-q", "-r", str(target), "."], cwd=out, check=True)


def import_job(source: Path, marks: dict[str, float]) -> None:
    """A whole job, here; `marks` gets the seconds from its start to each state it enters."""
    from readvault.importing import service
    from readvault.importing.runner import run_inline
    from tenants.models import Tenant

    tenant = Tenant.objects.get_or_create(slug="bench", defaults={"name": "Bench"})[0]
    choices = service.Choices(tenant=tenant, via="bench", queue=lambda job: None)
    [job] = service.submit_paths([source], choices)
    start = time.perf_counter()
    job = run_inline(job, listener=lambda j: marks.setdefault(j.state, time.perf_counter() - start))
    marks["done"] = time.perf_counter() - start
    if job.state != job.State.DONE:
        raise SystemExit(f"the bench job did not finish: {job.state} {job.error}")


def forget_imports() -> None:
    """The library as before the round, so the next round's job is not a duplicate."""
    from readvault.models import Chapter, ImportJob, Series
    from stored_media.models import StoredObject
    from stored_media.storage import get_backend

    archives = list(StoredObject.objects.filter(chapter__isnull=False))
    ImportJob.objects.all().delete()
    Series.objects.all().delete()  # its chapters and pages with it
    if Chapter.objects.exists():
        raise SystemExit("a chapter outlived its series")
    for stored in archives:
        get_backend(stored.backend).delete(stored.key, stored.part_list)
        stored.delete()


def clear_outputs() -> None:
    for name in ("unzip", "bsdtar", "converted.cbz"):
        path = WORK / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def rounds(cbz: Path, rar: Path, count: int) -> list[dict[str, float]]:
    results = []
    for n in range(count):
        clear_outputs()
        kept: dict[str, float] = {}
        converted: dict[str, float] = {}
        row = {"unzip": timed(lambda: unzip(cbz))}
        row["kept"] = timed(lambda marks=kept: import_job(cbz, marks))
        forget_imports()
        row["tools"] = timed(lambda: bsdtar_then_zip(rar))
        row["converted"] = timed(lambda marks=converted: import_job(rar, marks))
        forget_imports()
        row |= {f"kept {k}": v for k, v in _steps(kept).items()}
        row |= {f"converted {k}": v for k, v in _steps(converted).items()}
        results.append(row)
        log(
            f"  round {n + 1}: unzip {row['unzip']:.2f}s, kept CBZ job {row['kept']:.2f}s; "
            f"bsdtar + zip {row['tools']:.2f}s, RAR job {row['converted']:.2f}s"
        )
    clear_outputs()
    return results


def _steps(marks: dict[str, float]) -> dict[str, float]:
    """Seconds in each step of a job: checking (sha256, the library), reading the pages
    (readvault.archives.prepare_chapter, converting too), storing and cataloguing."""
    return {
        "checking": marks["processing"] - marks["probing"],
        "reading": marks["uploading"] - marks["processing"],
        "storing": marks["done"] - marks["uploading"],
    }


def report(pages: int, megabytes: float, rows: list[dict[str, float]]) -> None:
    def rate(key: str) -> float:
        return pages / statistics.median(row[key] for row in rows)

    def ratio(job: str, tool: str) -> float:
        return statistics.median(row[tool] / row[job] for row in rows)

    log(
        f"\nchapter: {pages} pages, {megabytes:.0f} MB; {os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.2f}; medians of {len(rows)} rounds"
    )
    log("\n                                     pages/s   x reference")
    log(f"  1 (a) unzip -o                     {rate('unzip'):8.0f}   1.00x")
    log(f"    (b) import job, CBZ kept         {rate('kept'):8.0f}   {ratio('kept', 'unzip'):.2f}x")
    log(f"  2 (a) bsdtar -x, then zip -0       {rate('tools'):8.0f}   1.00x")
    log(
        f"    (b) import job, RAR to CBZ       {rate('converted'):8.0f}   "
        f"{ratio('converted', 'tools'):.2f}x"
    )
    log("\nwhere a job's time goes (seconds, medians)   checking   reading   storing")
    for job in ("kept", "converted"):
        steps = [statistics.median(row[f"{job} {step}"] for row in rows) for step in _STEPS]
        log(f"  {job:<40} {steps[0]:8.2f}  {steps[1]:8.2f}  {steps[2]:8.2f}")


_STEPS = ("checking", "reading", "storing")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=120, help="pages in the chapter")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    missing = [tool for tool in ("unzip", "zip", "bsdtar") if shutil.which(tool) is None]
    if missing:
        log(f"missing: {', '.join(missing)} (Debian: unzip, zip, libarchive-tools)")
        return 1
    import django

    django.setup()
    from django.core.management import call_command

    from readvault.pages import images as page_images

    page_images.enqueue = lambda *args, **kwargs: None  # made later, not part of an import
    try:
        call_command("migrate", verbosity=0)
        log(f"making a chapter of {args.pages} pages ...")
        pages = scanned_pages(args.pages)
        cbz, rar = write_sources(pages)
        log("rounds:")
        rows = rounds(cbz, rar, args.rounds)
        report(args.pages, cbz.stat().st_size / 1e6, rows)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
