"""Regenerate fixtures/routes.rendered.json: the bundled routes' bodies as faker renders them.

Run `.venv/bin/python scripts/render_routes.py` after changing fixtures/routes.json, the default
seed or faker; tests/mock/test_routes_file.py fails until the file matches (it needs the 'fake' extra).
"""

from __future__ import annotations

import json
import sys

from mockserver.core.fake import seeded_faker
from mockserver.core.routes_file import RENDERED_FILE, render_routes, template_digest
from mockserver.data import fixture_path, load_json
from mockserver.settings import Settings

__all__ = ["main", "rendered_document"]

REGENERATE = ".venv/bin/python scripts/render_routes.py"


def rendered_document(seed: int) -> dict[str, object]:
    """What fixtures/routes.rendered.json holds for `seed`: rendered now, by faker."""
    template = load_json(fixture_path("routes.json"))
    return {
        "about": f"fixtures/routes.json rendered by faker from seed {seed}; regenerate: {REGENERATE}",
        "seed": seed,
        "template_sha256": template_digest(template),
        "routes": render_routes(template, seed_faker(seed)),
    }


def seed_faker(seed: int) -> object:
    return seeded_faker(seed, "rendering the bundled routes")


def main() -> int:
    document = rendered_document(Settings().seed)
    fixture_path(RENDERED_FILE).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {fixture_path(RENDERED_FILE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
