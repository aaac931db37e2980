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

ICONS: dict[str, dict[str, list[str]]] = {
    "Watches": {
        "emoji": ["watch"],
        "fxemoji": ["watch"],
        "mdi": ["watch", "watch-variant", "watch-vibrate"],
        "tabler": ["device-watch", "device-watch-stats", "device-watch-stats-2"],
        "ph": ["watch", "watch-fill", "watch-duotone", "watch-bold"],
        "lucide": ["watch"],
        "hugeicons": ["watch-01", "watch-02", "smart-watch-01", "smart-watch-02"],
        "icon-park-outline": ["watch", "watch-one", "digital-watches"],
        "game-icons": ["watch", "pocket-watch"],
        "mingcute": ["watch-fill", "watch-2-fill"],
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
        "lucide": ["laptop", "keyboard", "mouse", "printer", "hard-drive", "disc", "monitor"],
        "hugeicons": [
            "laptop",
            "keyboard",
            "mouse-01",
            "printer",
            "hard-drive",
            "floppy-disk",
            "disc",
        ],
        "icon-park-outline": ["laptop", "laptop-computer", "keyboard", "mouse", "printer"],
        "game-icons": ["laptop", "keyboard", "compact-disc", "pc"],
        "fa6-solid": [
            "laptop",
            "keyboard",
            "computer-mouse",
            "hard-drive",
            "floppy-disk",
            "compact-disc",
            "desktop",
            "print",
        ],
        "mingcute": ["laptop-fill", "keyboard-fill", "mouse-fill", "disc-fill", "monitor-fill"],
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
        "lucide": ["cooking-pot", "coffee", "utensils", "wine", "glass-water", "cup-soda"],
        "hugeicons": [
            "cooking-pot",
            "coffee-01",
            "tea",
            "rice-bowl-01",
            "spoon-and-fork",
            "spoon",
            "chopsticks",
            "knife-01",
            "glass-water",
            "jar",
            "kettle",
            "pan-01",
        ],
        "icon-park-outline": [
            "cooking-pot",
            "pot",
            "teapot",
            "tea",
            "bowl",
            "fork-spoon",
            "knife-fork",
            "spoon",
            "kitchen-knife",
            "kettle",
        ],
        "game-icons": [
            "cooking-pot",
            "coffee-mug",
            "teapot",
            "bowl-of-rice",
            "knife-fork",
            "spoon",
            "chopsticks",
            "wine-glass",
            "mason-jar",
        ],
        "fa6-solid": [
            "mug-hot",
            "mug-saucer",
            "bowl-food",
            "bowl-rice",
            "utensils",
            "spoon",
            "wine-glass",
            "glass-water",
            "jar",
            "martini-glass",
        ],
        "mingcute": [
            "pot-fill",
            "bowl-fill",
            "fork-knife-fill",
            "fork-spoon-fill",
            "spoon-fill",
            "chopsticks-fill",
            "knife-fill",
            "wineglass-fill",
            "teacup-fill",
            "glass-cup-fill",
        ],
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
        "lucide": [
            "bed",
            "bed-double",
            "sofa",
            "armchair",
            "lamp",
            "lamp-floor",
            "bath",
            "door-open",
        ],
        "hugeicons": [
            "bed",
            "bed-double",
            "curtains",
            "door",
            "sofa-01",
            "sofa-single",
            "armchair",
            "chair-01",
            "towels",
            "bathtub-01",
            "lamp",
            "lamp-floor",
            "dining-table",
            "wardrobe-01",
        ],
        "icon-park-outline": [
            "double-bed",
            "single-bed",
            "sofa",
            "sofa-two",
            "chair",
            "towel",
            "lamp",
            "open-door",
        ],
        "game-icons": [
            "bed",
            "sofa",
            "armchair",
            "wooden-chair",
            "towel",
            "bathtub",
            "desk-lamp",
            "table",
            "door",
        ],
        "fa6-solid": ["bed", "couch", "chair", "bath", "door-open", "door-closed"],
        "mingcute": [
            "bed-fill",
            "sofa-fill",
            "curtain-fill",
            "door-fill",
            "bath-fill",
            "desk-lamp-fill",
            "table-fill",
            "wardrobe-fill",
        ],
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
        "lucide": [
            "flower",
            "flower-2",
            "gift",
            "ribbon",
            "balloon",
            "party-popper",
            "tree-pine",
            "alarm-clock",
        ],
        "hugeicons": [
            "flower",
            "tulip",
            "plant-01",
            "pine-tree",
            "lantern",
            "gift",
            "ribbon",
            "balloons",
            "party-popper",
            "flower-pot",
        ],
        "icon-park-outline": [
            "christmas-tree",
            "gift",
            "gift-bag",
            "party-balloon",
            "spa-candle",
            "picture",
        ],
        "game-icons": [
            "candle-holder",
            "candles",
            "paper-lantern",
            "lantern",
            "pine-tree",
            "flower-pot",
            "flowers",
            "lotus-flower",
            "ribbon",
            "balloons",
            "party-popper",
            "wood-frame",
            "cuckoo-clock",
        ],
        "fa6-solid": ["gift", "gifts", "tree", "ribbon", "clock"],
        "mingcute": [
            "candle-fill",
            "candles-fill",
            "flower-fill",
            "flower-2-fill",
            "flowerpot-fill",
            "tree-fill",
            "lantern-fill",
            "gift-fill",
            "balloon-2-fill",
            "clock-fill",
        ],
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
        "lucide": ["toothbrush", "spray-can", "tube-lotion", "soap-dispenser-droplet", "scissors"],
        "hugeicons": [
            "perfume",
            "hair-dryer",
            "body-soap",
            "soap-dispenser-droplet",
            "spray-can",
            "blush-brush-01",
        ],
        "icon-park-outline": [
            "lipstick",
            "nail-polish",
            "lotion",
            "hand-cream",
            "razor",
            "straight-razor",
            "hair-dryer",
            "perfume",
            "cosmetic-brush",
            "hair-brush",
        ],
        "game-icons": [
            "lipstick",
            "liquid-soap",
            "soap",
            "razor",
            "perfume-bottle",
            "toothbrush",
            "spray",
            "comb",
        ],
        "fa6-solid": ["pump-soap", "soap", "spray-can-sparkles", "bottle-droplet"],
        "mingcute": ["lipstick-fill", "brush-fill", "bottle-fill"],
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
        "lucide": ["baby", "milk", "toy-brick"],
        "hugeicons": [
            "baby-01",
            "baby-bottle",
            "milk-bottle",
            "rubber-duck",
            "kite",
            "toy-brick",
            "socks",
        ],
        "icon-park-outline": ["baby", "baby-bottle", "boy-stroller", "socks", "duck", "baby-one"],
        "game-icons": [
            "baby-bottle",
            "baby-face",
            "safety-pin",
            "socks",
            "plastic-duck",
            "kite",
            "matryoshka-dolls",
        ],
        "fa6-solid": ["baby", "baby-carriage", "socks"],
        "mingcute": ["baby-fill", "baby-carriage-fill", "sock-fill", "kite-fill", "toy-horse-fill"],
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
