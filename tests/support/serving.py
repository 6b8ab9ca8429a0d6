"""Real servers for streaming tests: uvicorn (in this process, so tests can swap a storage
backend), nginx with the rendered gateway config, and moto's S3-compatible server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import boto3
import uvicorn
from django.core.asgi import get_asgi_application
from django.test import override_settings

from shadowvault.asgi_routing import route_protocols
from stored_media.gateway import GatewayOptions, hosts_file_of, write
from tests.support.services import free_port, need_binary, port_open, stop, wait_until


@contextmanager
def uvicorn_in_thread(access_log: bool = False):
    """The project's ASGI app under a real uvicorn server, on a free loopback port. With
    `access_log`, uvicorn's access lines go to the "uvicorn.access" logger (and caplog)."""
    port = free_port()
    config = uvicorn.Config(
        route_protocols(get_asgi_application()),  # as shadowvault.asgi serves it
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="info" if access_log else "warning",
        access_log=access_log,
        log_config=None if access_log else uvicorn.config.LOGGING_CONFIG,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 15, "uvicorn to start")
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def nginx_gateway(tmp_path: Path, origin_port: int, **options):
    port, run_dir = free_port(), tmp_path / "gateway"
    options = GatewayOptions(
        listen=f"127.0.0.1:{port}",
        site_upstream=f"127.0.0.1:{origin_port}",
        stream_upstream=f"127.0.0.1:{origin_port}",
        run_dir=str(run_dir),
        workers="1",
        user="root" if os.geteuid() == 0 else "",
        access_log=str(run_dir / "access.log"),
        **options,
    )
    with nginx_running(options):
        yield port


@contextmanager
def nginx_running(options: GatewayOptions) -> Iterator[subprocess.Popen]:
    """nginx on the config `options` render, until the block ends; its output (stdout and
    stderr together) stays readable on the process after that."""
    binary = need_binary("nginx")
    port = int(options.listen.rsplit(":", 1)[1])
    config = write(options, Path(options.run_dir) / "nginx.conf")
    process = subprocess.Popen(
        [binary, "-p", options.run_dir, "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # As in production, the app keeps the gateway's hostnames and reloads it on a change
    # (stored_media/gateway_hosts.py), and purges its authorize answers an unpublish made
    # wrong (stored_media/authorize_cache.py).
    follow_domains = override_settings(
        GATEWAY_HOSTS_FILE=hosts_file_of(options),
        GATEWAY_RELOAD_COMMAND=f"{binary} -p {options.run_dir} -c {config} -s reload",
        GATEWAY_AUTHORIZE_CACHE=str(Path(options.run_dir) / "authorize"),
    )
    follow_domains.enable()
    try:
        wait_until(lambda: port_open(port) or process.poll() is not None, 15, "nginx")
        if process.poll() is not None:
            raise RuntimeError(f"nginx did not start:\n{process.stdout.read()}")
        yield process
    finally:
        follow_domains.disable()
        stop(process)


@contextmanager
def moto_s3(bucket: str = "media"):
    binary = Path(sys.executable).parent / "moto_server"  # installed with requirements-dev
    port = free_port()
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: port_open(port), 30, "moto_server")
        endpoint = f"http://127.0.0.1:{port}"
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        s3.create_bucket(Bucket=bucket)
        yield {"endpoint": endpoint, "bucket": bucket, "process": process}
    finally:
        stop(process)


def use_s3(stack: ExitStack, settings: Any) -> dict:
    """moto's S3 server until `stack` closes, pytest-django's `settings` pointing the S3
    backend at it; moto_s3's dict (endpoint, bucket, process)."""
    s3 = stack.enter_context(moto_s3())
    settings.S3_ENDPOINT_URL = s3["endpoint"]
    settings.S3_BUCKET = s3["bucket"]
    settings.S3_ACCESS_KEY_ID = settings.S3_SECRET_ACCESS_KEY = "test"
    return s3
