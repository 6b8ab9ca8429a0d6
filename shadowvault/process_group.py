"""Run several commands as one group: output prefixed by name, one stop stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

GRACE_SECONDS = 10


@dataclass
class ProcessGroup:
    commands: dict[str, list[str]]
    out: TextIO = sys.stdout
    # Variables added to one process's environment, by name (the rest is inherited).
    environments: dict[str, dict[str, str]] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        width = max(len(name) for name in self.commands)
        for name, command in self.commands.items():
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                bufsize=1,
                env={**os.environ, **self.environments.get(name, {})},
            )
            self.processes[name] = process
            prefix = f"{name:<{width}} | "
            threading.Thread(target=self._relay, args=(prefix, process), daemon=True).start()

    def _relay(self, prefix: str, process: subprocess.Popen) -> None:
        if process.stdout is None:  # never: every process starts with stdout=PIPE
            return
        for line in process.stdout:
            with self._lock:
                self.out.write(prefix + line)
                self.out.flush()

    def wait(self) -> int:
        """Block until a signal or until one process exits; then stop the rest."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: self._stopping.set())
        exit_code = 0
        while not self._stopping.is_set():
            for name, process in self.processes.items():
                code = process.poll()
                if code is not None:
                    self.out.write(f"{name} exited with status {code}; stopping the others\n")
                    exit_code = code or 1
                    self._stopping.set()
                    break
            time.sleep(0.2)
        self.stop()
        return exit_code

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
