"""Rebuild ml/demo/icon_pack.json.gz and ml/demo/ICON_ATTRIBUTION.md from Iconify's npm packages.

Usage: python scripts/build_icon_pack.py   (needs npm and the npm registry; generating the demo
catalogue afterwards needs neither). Only the icons listed in icon_pack.toml are kept.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "ml" / "demo"

# Emoji sets share Unicode's names; fxemoji and the icon sets have their own.
EMOJI_SETS = [
    "noto",
    "twemoji",
    "fluent-emoji-flat",
    "fluent-emoji",
    "emojione",
    "noto-v1",
    "emojione-v1",
    "emojione-monotone",
    "fluent-emoji-high-contrast",
]
# "line": single-colour artwork drawn in currentColor (outlines and solid glyphs alike),
# inked with a random colour; "emoji": full-colour artwork.
STYLE = {
    "noto-v1": "emoji",
    "emojione-v1": "emoji",
    "emojione-monotone": "line",
    "fluent-emoji-high-contrast": "line",
    "lucide": "line",
    "hugeicons": "line",
    "icon-park-outline": "line",
    "game-icons": "line",
    "fa6-solid": "line",
    "mingcute": "line",
    "noto": "emoji",
    "twemoji": "emoji",
    "fluent-emoji-flat": "emoji",
    "fluent-emoji": "emoji",
    "emojione": "emoji",
    "fxemoji": "emoji",
    "mdi": "line",
    "tabler": "line",
    "ph": "line",
}
# fluent-emoji (3D) icons are large; a few per category keep the pack small.
MAX_PER_SET = {"fluent-emoji": 8}

# category -> icon set ("emoji": every emoji set) -> icon names
ICONS: dict[str, dict[str, list[str]]] = tomllib.loads(
    Path(__file__).with_name("icon_pack.toml").read_text()
)


def _svg(icon_set: dict, name: str) -> str:
    aliases = icon_set.get("aliases", {})
    while name not in icon_set["icons"]:
        name = aliases[name]["parent"]
    icon = icon_set["icons"][name]
    width = icon.get("width", icon_set.get("width", 16))
    height = icon.get("height", icon_set.get("height", 16))
    left, top = icon.get("left", 0), icon.get("top", 0)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left} {top} {width} {height}">'
        f"{icon['body']}</svg>"
    )


def _link(text: str, url: str | None) -> str:
    return f"[{text}]({url})" if url else text


def main() -> None:
    sets = sorted({*EMOJI_SETS, *STYLE})
    with tempfile.TemporaryDirectory() as tmp:
        packages = [f"@iconify-json/{s}" for s in sets]
        subprocess.run(["npm", "init", "-y"], cwd=tmp, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", *packages], cwd=tmp, check=True
        )
        root = Path(tmp) / "node_modules" / "@iconify-json"
        data = {s: json.loads((root / s / "icons.json").read_text()) for s in sets}
        info = {s: json.loads((root / s / "info.json").read_text()) for s in sets}
        versions = {s: json.loads((root / s / "package.json").read_text())["version"] for s in sets}

    pack: dict[str, list[dict[str, str]]] = {}
    missing = []
    for category, by_set in ICONS.items():
        entries = []
        for key, names in by_set.items():
            for set_name in EMOJI_SETS if key == "emoji" else [key]:
                chosen = names[: MAX_PER_SET.get(set_name, len(names))]
                for name in chosen:
                    icon_set = data[set_name]
                    if name not in icon_set["icons"] and name not in icon_set.get("aliases", {}):
                        # Older emoji sets lack newer emoji; the others still draw them.
                        if key != "emoji":
                            missing.append(f"{set_name}:{name}")
                        continue
                    entries.append(
                        {
                            "set": set_name,
                            "name": name,
                            "style": STYLE[set_name],
                            "svg": _svg(icon_set, name),
                        }
                    )
        pack[category] = entries
    if missing:
        sys.exit("icons not found: " + ", ".join(missing))

    OUT.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(pack, sort_keys=True, separators=(",", ":")).encode()
    # mtime=0 keeps the file byte-identical across rebuilds.
    (OUT / "icon_pack.json.gz").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))

    used = sorted({e["set"] for entries in pack.values() for e in entries})
    lines = [
        "# Icon attribution",
        "",
        "The demo catalogue's product photos are rendered from these openly licensed icon sets,",
        "taken from Iconify's `@iconify-json/*` npm packages by `scripts/build_icon_pack.py`.",
        "Every icon is **modified**: rasterised, recoloured (line icons), scaled, rotated,",
        "flipped, shadowed, blurred and composed onto generated backgrounds.",
        "",
        "| set | package version | author | licence | icons used |",
        "|---|---|---|---|---|",
    ]
    for s in used:
        count = sum(1 for entries in pack.values() for e in entries if e["set"] == s)
        author = info[s]["author"]
        licence = info[s]["license"]
        lines.append(
            f"| {info[s]['name']} (`{s}`) | {versions[s]} "
            f"| {_link(author['name'], author.get('url'))} "
            f"| {_link(licence['spdx'], licence.get('url'))} | {count} |"
        )
    lines += ["", "Icons per category:", ""]
    for category, entries in pack.items():
        names = ", ".join(f"{e['set']}:{e['name']}" for e in entries)
        lines.append(f"- **{category}** ({len(entries)}): {names}")
    (OUT / "ICON_ATTRIBUTION.md").write_text("\n".join(lines) + "\n")
    size = (OUT / "icon_pack.json.gz").stat().st_size
    print(f"{sum(len(e) for e in pack.values())} icons, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
