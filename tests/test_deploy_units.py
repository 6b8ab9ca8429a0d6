"""deploy/systemd: the units docs/deploy.md installs pass `systemd-analyze verify` (syntax,
known keys, executables present) once their paths point at this checkout, every setting
they expand is in env.example, and the target starts every role."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support.services import REPO, need_binary

UNITS = REPO / "deploy" / "systemd"
ROLES = {
    "shadowvault-gateway.service", "shadowvault-web.service", "shadowvault-stream@8001.service",
    "shadowvault-stream@8002.service", "shadowvault-worker-io.service",
    "shadowvault-worker-cpu.service", "shadowvault-beat.service", "shadowvault-backup.timer",
}  # fmt: skip


def installed(tmp_path: Path) -> Path:
    """The units as docs/deploy.md installs them, with this checkout as the release."""
    folder = tmp_path / "units"
    folder.mkdir()
    (tmp_path / "var" / "gateway").mkdir(parents=True)
    for unit in UNITS.glob("shadowvault*"):
        text = (
            unit.read_text()
            .replace("/opt/shadowvault/current", str(REPO))
            .replace("/etc/shadowvault/env", str(UNITS / "env.example"))
            .replace("/var/lib/shadowvault", str(tmp_path / "var"))
        )
        (folder / unit.name).write_text(text)
    for port in (8001, 8002):  # a template unit is verified as its instances
        template = (folder / "shadowvault-stream@.service").read_text()
        (folder / f"shadowvault-stream@{port}.service").write_text(template)
    return folder


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    folder = installed(tmp_path)
    units = sorted(p.name for p in folder.iterdir() if "@." not in p.name)
    done = subprocess.run(
        [need_binary("systemd-analyze"), "verify", "--man=no", *units],
        cwd=folder, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_a_broken_unit_is_caught(tmp_path):
    """The check above can fail: an unknown key and a missing program are reported."""
    folder = installed(tmp_path)
    broken = folder / "shadowvault-beat.service"
    text = broken.read_text().replace("Restart=always", "Restart=always\nRestartAfter=1")
    broken.write_text(text.replace(str(REPO / ".venv"), "/nonexistent"))
    done = subprocess.run(
        [need_binary("systemd-analyze"), "verify", "--man=no", broken.name],
        cwd=folder, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Unknown key 'RestartAfter'" in done.stderr
    assert "/nonexistent/bin/celery is not executable" in done.stderr


def test_the_target_starts_every_role_and_every_setting_is_documented():
    target = (UNITS / "shadowvault.target").read_text()
    wanted = {name for line in re.findall(r"^Wants=(.*)$", target, re.M) for name in line.split()}
    assert wanted == ROLES
    documented = set(re.findall(r"^([A-Z_0-9]+)=", (UNITS / "env.example").read_text(), re.M))
    for unit in UNITS.glob("shadowvault*"):
        used = set(re.findall(r"\$\{([A-Z_0-9]+)\}", unit.read_text()))
        assert used <= documented, (unit.name, used - documented)
