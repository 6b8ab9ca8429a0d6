"""Benchmark of ingest against the tools alone, in one run.

    .venv/bin/python bench/ingest.py [--seconds 300] [--rounds 5] [--media FILE]

1. Remux: a ~1 GB 1080p H.264/AAC MKV (made with ffmpeg, or --media) to a faststart MP4
   (a) by the ffmpeg command the pipeline builds, run alone (the reference);
   (b) by the pipeline's own remux step (`make_playable`: ffprobe, the plan, ffmpeg with
       `-progress` parsed for the job's percent);
   (c) by a whole ingest job (`run_inline` on a throwaway SQLite install) until the video is
       playable in the catalogue: probe, remux with subtitles extracted alongside, the
       output moved (not copied) into local storage, catalogue;
   (d) the same job until it is done: the video's sha256 recorded and, made beside it on
       the second core, the seek-preview sprite and poster frame attached.
2. Download of the same file from a local nginx: curl (reference), the native downloader,
   aria2c (8 connections), and `auto`: what ingest does (one connection, handed to aria2c
   only when it runs slower than INGEST_ARIA2_SLOWER_THAN).

Each figure is the median of --rounds runs; the ratios are per-round. It prints a report and
exits 0 (a report, not a test). Everything it starts is stopped and the temp folder removed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from measures import install_here

WORK = install_here("ingest", INGEST_ALLOWED_HOSTS="127.0.0.1", INGEST_MAX_BYTES=str(64 * 1024**3))
WORK.chmod(0o755)  # nginx's worker user reads the test film from under here

NGINX_CONF = """
daemon off; worker_processes 1; error_log {run}/error.log; pid {run}/nginx.pid;
events {{ worker_connections 64; }}
http {{
  access_log off; sendfile on; tcp_nopush on;
  client_body_temp_path {run}/tmp; proxy_temp_path {run}/tmp; fastcgi_temp_path {run}/tmp;
  uwsgi_temp_path {run}/tmp; scgi_temp_path {run}/tmp;
  types {{ video/x-matroska mkv; }}
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
"""


def log(text: str) -> None:
    print(text, flush=True)


def timed(action) -> float:
    # Each run starts with no dirty pages left by the run before (writeback of 1-2 GB would
    # otherwise land on whichever command comes next) and with the source in the page cache.
    os.sync()
    time.sleep(0.2)
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def drop_output(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def remux_rounds(source: Path, rounds: int) -> list[dict]:
    from streaming.ingest.faststart import is_faststart
    from streaming.ingest.media_plan import plan_for
    from streaming.ingest.playable import ffmpeg_command_for, make_playable
    from streaming.ingest.probe import probe

    facts = probe(source)
    plan = plan_for(facts, is_faststart(source))
    out = WORK / "out"
    results = []
    for n in range(rounds):
        drop_output(out)
        out.mkdir()
        command = ffmpeg_command_for(source, plan, out / "alone.mp4")
        alone = timed(lambda c=command: subprocess.run(c, check=True, capture_output=True))
        drop_output(out / "alone.mp4")

        def step() -> None:
            facts_again = probe(source)
            make_playable(source, facts_again, plan_for(facts_again, is_faststart(source)), out)

        pipeline_step = timed(step)
        drop_output(out)
        whole, parts = whole_job(source, n)
        results.append({"alone": alone, "step": pipeline_step, "job": whole, **parts})
        log(f"  round {n + 1}: ffmpeg alone {alone:.2f}s, remux step {pipeline_step:.2f}s, "
            f"job playable after {parts['live']:.2f}s, done after {whole:.2f}s")  # fmt: skip
    return results


def whole_job(source: Path, n: int) -> tuple[float, dict]:
    from stored_media.models import StoredObject
    from streaming.ingest import process_step, service
    from streaming.ingest.runner import run_inline
    from streaming.models import IngestJob
    from tenants.models import Tenant

    tenant = Tenant.objects.get_or_create(slug="bench", defaults={"name": "Bench"})[0]
    [job] = service.submit_paths([source], tenant=tenant, via="bench", queue=lambda job: None)
    marks: dict[str, float] = {}
    os.sync()
    time.sleep(0.2)
    start = time.perf_counter()

    def listener(current: IngestJob) -> None:
        marks.setdefault(current.state, time.perf_counter() - start)

    went_live = process_step._went_live

    def live(job, media) -> None:  # the moment viewers can play it
        marks["live"] = time.perf_counter() - start
        went_live(job, media)

    process_step._went_live = live
    try:
        job = run_inline(job, listener=listener)
    finally:
        process_step._went_live = went_live
    total = time.perf_counter() - start
    if job.state != IngestJob.State.DONE:
        raise SystemExit(f"the bench job failed: {job.error}")
    parts = {
        "live": marks["live"],
        "remux": marks["uploading"] - marks["processing"],
        "storing": marks["live"] - marks["uploading"],
        "previews": total - marks["live"],
    }
    for obj in StoredObject.objects.all():
        drop_output(Path(os.environ["DATA_DIR"]) / "media" / obj.key)
    return total, parts


def download_rounds(source: Path, rounds: int) -> list[dict]:
    from django.test import override_settings

    from ingest_core import native_download
    from ingest_core.aria2_download import run_aria2

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    run = WORK / "nginx"
    (run / "tmp").mkdir(parents=True)
    (run / "nginx.conf").write_text(NGINX_CONF.format(run=run, port=port, root=source.parent))
    server = subprocess.Popen([nginx, "-p", str(run), "-c", str(run / "nginx.conf")])
    time.sleep(0.5)
    url = f"http://127.0.0.1:{port}/{quote(source.name)}"
    size = source.stat().st_size
    target = WORK / "downloads"
    results = []
    try:
        for n in range(rounds):
            drop_output(target)
            target.mkdir()
            curl = timed(lambda: subprocess.run(
                ["curl", "-fsS", "-o", str(target / "curl.mkv"), url], check=True))  # fmt: skip
            drop_output(target / "curl.mkv")
            (target / "native").mkdir()
            with override_settings(INGEST_ARIA2="off"):
                native = timed(lambda: native_download.download(url, target / "native"))
            drop_output(target / "native")
            (target / "aria2").mkdir()
            aria2 = timed(lambda: run_aria2(url, target / "aria2" / "out.mkv", expected_size=size))
            drop_output(target / "aria2")
            (target / "auto").mkdir()
            with override_settings(INGEST_ARIA2="auto"):
                auto = timed(lambda: native_download.download(url, target / "auto"))
            drop_output(target / "auto")
            results.append({"curl": curl, "native": native, "aria2": aria2, "auto": auto})
            log(f"  round {n + 1}: curl {curl:.2f}s, native {native:.2f}s, "
                f"aria2c {aria2:.2f}s, ingest's choice {auto:.2f}s")  # fmt: skip
    finally:
        server.terminate()
        server.wait()
    return results


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def ratio(rows: list[dict], top: str, bottom: str) -> float:
    return statistics.median(row[top] / row[bottom] for row in rows)


def report(source: Path, remux: list[dict], downloads: list[dict]) -> None:
    gb = source.stat().st_size / 1e9
    log(f"\nfile: {source.name}, {gb:.2f} GB; {os.cpu_count()} cores; medians of "
        f"{len(remux)} rounds")  # fmt: skip
    log("\nremux (seconds, ratio to ffmpeg alone; target for the remux <= 1.15)")
    log(f"  (a) ffmpeg alone               {median(remux, 'alone'):6.2f}  1.00x")
    log(f"  (b) pipeline remux step        {median(remux, 'step'):6.2f}  "
        f"{ratio(remux, 'step', 'alone'):.2f}x")  # fmt: skip
    log(f"  (c) whole job until playable   {median(remux, 'live'):6.2f}  "
        f"{ratio(remux, 'live', 'alone'):.2f}x")  # fmt: skip
    log(f"      of which probe + remux     {median(remux, 'remux'):6.2f}")
    log(f"      of which storing (a move)   {median(remux, 'storing'):6.2f}")
    log(f"  (d) whole job with previews    {median(remux, 'job'):6.2f}  "
        f"{ratio(remux, 'job', 'alone'):.2f}x")  # fmt: skip
    log("\ndownload from local nginx (GB/s, ratio to curl; target >= 0.9x)")
    for key in ("curl", "native", "aria2", "auto"):
        log(f"  {key:<8} {gb / median(downloads, key):6.2f} GB/s  "
            f"{ratio(downloads, 'curl', key):.2f}x")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300, help="length of the test film")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--media", type=Path, help="use this MKV instead of making one")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from tests.support.media_factory import make_large_h264_mkv

    try:
        call_command("migrate", verbosity=0)
        source = args.media
        if source is None:
            source = WORK / "media" / "Bench Film (2024).mkv"
            source.parent.mkdir(parents=True, mode=0o755)
            log(f"making a {args.seconds} s 1080p MKV with ffmpeg ...")
            make_large_h264_mkv(source, seconds=args.seconds)
        log("remux rounds:")
        remux = remux_rounds(source, args.rounds)
        log("download rounds:")
        downloads = download_rounds(source, args.rounds)
        report(source, remux, downloads)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
