"""Who may import whom (docs/architecture.md, "Rooms"): the media core imports neither vault,
and the two vaults never import each other. Checked on the source, so an import hidden in a
function body counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VAULTS = {"streaming", "readvault"}
FORBIDDEN = {
    "stored_media": VAULTS | {"ads", "billing", "takedowns", "parties"},
    "streaming": {"readvault", "ads", "billing", "takedowns", "parties"},
    "readvault": {"streaming", "ads", "billing", "takedowns", "parties"},
    "tenants": VAULTS | {"stored_media", "ads", "billing", "takedowns", "parties"},
    "ingest_core": VAULTS | {"ads", "billing", "takedowns", "parties"},
    # Billing stands on the sites (plans, memberships, states) and knows nothing of media;
    # nothing but the project's wiring knows billing.
    "billing": VAULTS | {"stored_media", "ingest_core", "ads", "takedowns"},
    # Takedowns stand above both vaults: they reach titles, series and comments through the
    # vaults' own visibility rows (takedowns/targets.py only), and no vault knows of them
    # (their pages link to the report form by URL name).
    "takedowns": {"ads", "billing", "ingest_core"},
    # Watch parties stand on StreamVault (its player, its loaders) and the sites; the player
    # knows them only through streaming.site.player_extras, the ASGI router through the
    # project's wiring (shadowvault/websockets.py).
    "parties": {"readvault", "ads", "billing", "takedowns", "ingest_core"},
}

# The Stremio addon stands on StreamVault and the sites: no room below it imports it, and it
# reaches no other vault nor the apps built beside it.
for _room in ("stored_media", "streaming", "readvault", "tenants", "ingest_core"):
    FORBIDDEN[_room] = FORBIDDEN[_room] | {"stremio"}
FORBIDDEN["stremio"] = {"readvault", "ads", "billing", "takedowns"}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_room_imports_only_what_it_may(package):
    broken = sorted(
        f"{source.relative_to(ROOT)} imports {name}"
        for source in (ROOT / package).rglob("*.py")
        for name in _imported_packages(source) & FORBIDDEN[package]
    )
    assert broken == []


def test_the_checker_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from streaming.models import Title\n")
    assert "streaming" in _imported_packages(module)
