"""Scripts that live outside the packages (deploy/topology.py, bench/load.py), imported by
the tests that drive them in-process."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support.services import REPO


def load_script(relative_path: str, name: str) -> ModuleType:
    """The script at REPO/`relative_path` as module `name` (kept in sys.modules, so its own
    dataclasses and its neighbours' imports resolve as they do when it runs)."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {relative_path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
