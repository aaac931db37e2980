"""Rebuild ml/demo/icon_pack.json.gz and ml/demo/ICON_ATTRIBUTION.md from Iconify's npm packages.

Usage: python scripts/build_icon_pack.py   (needs npm and the npm registry; generating the demo
catalogue afterwards needs neither). Only the icons listed below are kept.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "ml" / "demo"

# Full-colour emoji sets share Unicode's names; fxemoji and the line sets have their own.
EMOJI_SETS = ["noto", "twemoji", "fluent-emoji-flat", "fluent-emoji", "emojione"]
STYLE = {
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

ICONS: dict[str, dict[str, list[str]]] = {
    "Watches": {
        "emoji": ["watch"],
        "fxemoji": ["watch"],
        "mdi": ["watch", "watch-variant", "watch-vibrate"],
        "tabler": ["device-watch", "device-watch-stats", "device-watch-stats-2"],
        "ph": ["watch", "watch-fill", "watch-duotone", "watch-bold"],
    },
    "Computers": {
        "emoji": [
            "laptop",
            "desktop-computer",
            "keyboard",
            "computer-mouse",
            "printer",
            "computer-disk",
            "floppy-disk",
            "optical-disk",
            "trackball",
        ],
        "fxemoji": [
            "desktopcomputer",
            "harddisk",
            "floppydisk2",
            "wiredkeyboard",
            "threebuttonmouse",
            "printericon",
            "keyboardandmouse",
        ],
        "mdi": ["laptop", "desktop-tower-monitor", "keyboard", "mouse", "printer", "harddisk"],
        "tabler": ["device-laptop", "device-desktop", "keyboard", "mouse", "printer"],
        "ph": ["laptop", "desktop-tower", "keyboard", "mouse", "printer", "hard-drives-fill"],
    },
    "Kitchen & Dining": {
        "emoji": [
            "teapot",
            "cooking",
            "fork-and-knife",
            "fork-and-knife-with-plate",
            "spoon",
            "hot-beverage",
            "teacup-without-handle",
            "wine-glass",
            "tumbler-glass",
            "cup-with-straw",
            "bowl-with-spoon",
            "chopsticks",
            "kitchen-knife",
            "jar",
            "glass-of-milk",
            "amphora",
        ],
        "fxemoji": ["forkandknife", "hotbeverage", "wineglass", "cocktailglass", "cooking"],
        "mdi": ["pot-steam", "silverware-fork-knife", "cup", "glass-wine", "kettle", "tea"],
        "tabler": ["teapot", "cup", "glass", "tools-kitchen-2", "bowl"],
        "ph": ["cooking-pot", "bowl-food", "coffee", "fork-knife", "wine"],
    },
    "Home Furnishing": {
        "emoji": ["bed", "couch-and-lamp", "chair", "window", "door", "bathtub"],
        "fxemoji": ["window", "door", "bathtub"],
        "mdi": [
            "bed",
            "bed-double",
            "sofa",
            "curtains",
            "lamp",
            "floor-lamp",
            "table-furniture",
            "wardrobe",
            "sofa-single",
        ],
        "tabler": ["bed", "sofa", "armchair", "lamp", "bed-flat"],
        "ph": ["bed", "armchair", "lamp", "couch", "towel", "chair"],
    },
    "Home Decor & Festive Needs": {
        "emoji": [
            "framed-picture",
            "candle",
            "diya-lamp",
            "red-paper-lantern",
            "wrapped-gift",
            "potted-plant",
            "christmas-tree",
            "mirror",
            "crystal-ball",
            "party-popper",
            "ribbon",
            "mantelpiece-clock",
            "bouquet",
            "tulip",
            "wind-chime",
            "sparkler",
        ],
        "fxemoji": ["candle", "framewithpicture", "bouquet", "tulip", "balloon"],
        "mdi": ["flower-tulip", "candle", "gift", "flower", "string-lights", "pine-tree"],
        "tabler": ["candle", "gift", "frame", "christmas-tree", "plant-2"],
        "ph": ["flower-tulip", "gift", "potted-plant", "frame-corners", "flower-lotus"],
    },
    "Beauty and Personal Care": {
        "emoji": [
            "lipstick",
            "lotion-bottle",
            "nail-polish",
            "soap",
            "toothbrush",
            "razor",
            "sponge",
            "bubbles",
            "mirror",
        ],
        "fxemoji": ["lipstick", "nailpolish", "haircut", "barberpole"],
        "mdi": [
            "lipstick",
            "lotion",
            "hair-dryer",
            "razor-double-edge",
            "spray-bottle",
            "toothbrush",
            "lotion-outline",
        ],
        "tabler": ["perfume", "brush", "razor", "spray"],
        "ph": ["hair-dryer", "spray-bottle", "eyedropper", "hand-soap"],
    },
    "Baby Care": {
        "emoji": [
            "baby-bottle",
            "teddy-bear",
            "safety-pin",
            "socks",
            "nesting-dolls",
            "yo-yo",
            "duck",
            "glass-of-milk",
            "kite",
        ],
        "fxemoji": ["babybottle", "babychick", "baby"],
        "mdi": [
            "baby-bottle",
            "baby-bottle-outline",
            "baby-carriage",
            "baby-face",
            "teddy-bear",
            "duck",
            "toy-brick",
        ],
        "tabler": ["baby-bottle", "baby-carriage"],
        "ph": ["baby", "baby-carriage"],
    },
}


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


def main() -> None:
    sets = sorted({*EMOJI_SETS, "fxemoji", "mdi", "tabler", "ph"})
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
            f"| [{author['name']}]({author.get('url', '')}) "
            f"| [{licence['spdx']}]({licence.get('url', '')}) | {count} |"
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
