"""What each demo icon is as a product: its category tree and the words a seller would use.

A generated product has one concept: the icon drawn in its photo and the type named in its
title and description are the same thing (a baby bottle is sold as a feeding bottle, never as
baby mittens). Noise is added elsewhere (generic names, empty descriptions, props).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Concept:
    level2: str
    level3: str
    types: tuple[str, ...]  # product type words for names ("Feeding Bottle", "Baby Bottle")


# category -> [(level 2, level 3, product types, icon names drawn for it)]
_TABLE: dict[str, list[tuple[str, str, tuple[str, ...], tuple[str, ...]]]] = {
    "Watches": [
        ("Wrist Watches", "Analog Watches", ("Analog Watch", "Wrist Watch", "Watch"),
         ("watch", "watch-fill", "watch-bold", "watch-duotone")),
        ("Wrist Watches", "Digital Watches", ("Digital Watch", "Sports Watch"),
         ("watch-variant", "device-watch")),
        ("Smart Watches", "Fitness Bands", ("Smart Watch", "Fitness Watch", "Smartwatch"),
         ("device-watch-stats", "device-watch-stats-2", "watch-vibrate")),
    ],
    "Computers": [
        ("Laptop Accessories", "Keyboards", ("Wired Keyboard", "Wireless Keyboard"),
         ("keyboard", "wiredkeyboard")),
        ("Laptop Accessories", "Keyboard Mouse Combos", ("Keyboard Mouse Combo",),
         ("keyboardandmouse",)),
        ("Laptop Accessories", "Mouse", ("Optical Mouse", "Wireless Mouse"),
         ("computer-mouse", "mouse", "threebuttonmouse")),
        ("Laptop Accessories", "Mouse", ("Trackball Mouse",), ("trackball",)),
        ("Storage", "External Hard Disks", ("External Hard Drive", "Portable HDD"),
         ("harddisk", "hard-drives-fill")),
        ("Storage", "Blank Media", ("Blank DVD Pack", "CD-R Pack"),
         ("computer-disk", "optical-disk")),
        ("Storage", "Blank Media", ("Floppy Disk Pack",), ("floppy-disk", "floppydisk2")),
        ("Computer Peripherals", "Printers", ("Inkjet Printer", "Laser Printer"),
         ("printer", "printericon")),
        ("Laptops", "Notebooks", ("Laptop", "Notebook", "Ultrabook"),
         ("laptop", "device-laptop")),
        ("Desktops", "All-in-One PCs", ("Desktop PC", "All-in-One PC", "Desktop Computer"),
         ("desktop-computer", "desktopcomputer", "desktop-tower", "desktop-tower-monitor",
          "device-desktop")),
    ],
    "Kitchen & Dining": [
        ("Cookware", "Pots & Pans", ("Cooking Pot", "Frying Pan", "Kadhai"),
         ("cooking", "cooking-pot", "pot-steam")),
        ("Coffee Mugs", "Mugs", ("Coffee Mug", "Ceramic Mug", "Tea Cup Set"),
         ("coffee", "cup", "hot-beverage", "hotbeverage", "tea", "teacup-without-handle")),
        ("Tableware & Dinnerware", "Bowls", ("Serving Bowl", "Soup Bowl Set"),
         ("bowl", "bowl-food", "bowl-with-spoon")),
        ("Kitchen Tools", "Cutlery", ("Cutlery Set", "Fork and Knife Set"),
         ("fork-and-knife", "fork-and-knife-with-plate", "fork-knife", "forkandknife",
          "silverware-fork-knife", "tools-kitchen-2")),
        ("Kitchen Tools", "Cutlery", ("Spoon Set", "Serving Spoon"), ("spoon",)),
        ("Kitchen Tools", "Cutlery", ("Chopsticks Set",), ("chopsticks",)),
        ("Kitchen Tools", "Knives", ("Kitchen Knife", "Chef Knife"), ("kitchen-knife",)),
        ("Bar & Glassware", "Glasses", ("Wine Glass", "Tumbler", "Drinking Glass"),
         ("cocktailglass", "glass", "glass-wine", "wine", "wine-glass", "wineglass",
          "tumbler-glass", "cup-with-straw", "glass-of-milk")),
        ("Kitchen Storage", "Containers", ("Storage Jar", "Glass Jar"), ("jar",)),
        ("Kitchen Storage", "Containers", ("Clay Water Pot", "Matka"), ("amphora",)),
        ("Tea & Coffee Serving", "Teapots", ("Teapot", "Ceramic Teapot"), ("teapot",)),
        ("Tea & Coffee Serving", "Kettles", ("Kettle", "Electric Kettle"), ("kettle",)),
    ],
    "Home Furnishing": [
        ("Bed Linen", "Bedsheets", ("Double Bedsheet", "Bedsheet", "Bed Cover"),
         ("bed", "bed-double", "bed-flat")),
        ("Curtains & Accessories", "Curtains", ("Window Curtain", "Curtain"),
         ("curtains", "window")),
        ("Curtains & Accessories", "Curtains", ("Door Curtain",), ("door",)),
        ("Living Room Furnishing", "Sofa Covers", ("Sofa Cover", "Chair Cover", "Diwan Set"),
         ("armchair", "chair", "couch", "couch-and-lamp", "sofa", "sofa-single")),
        ("Bath Linen", "Towels", ("Bath Towel", "Hand Towel"), ("towel",)),
        ("Bath Linen", "Bath Mats", ("Bath Mat", "Bathtub Mat"), ("bathtub",)),
        ("Living Room Furnishing", "Lamp Shades", ("Lamp Shade", "Floor Lamp Shade"),
         ("lamp", "floor-lamp")),
        ("Living Room Furnishing", "Table Covers", ("Table Cover", "Table Runner"),
         ("table-furniture",)),
        ("Storage & Organisers", "Wardrobe Organisers", ("Wardrobe Organiser", "Cloth Cover"),
         ("wardrobe",)),
    ],
    "Home Decor & Festive Needs": [
        ("Candles & Fragrances", "Candles", ("Candle", "Scented Candle"), ("candle",)),
        ("Candles & Fragrances", "Diyas", ("Diya", "Brass Diya"), ("diya-lamp",)),
        ("Wall Decor & Clocks", "Photo Frames", ("Photo Frame", "Wall Painting"),
         ("frame", "frame-corners", "framed-picture", "framewithpicture")),
        ("Wall Decor & Clocks", "Clocks", ("Table Clock", "Mantel Clock"),
         ("mantelpiece-clock",)),
        ("Wall Decor & Clocks", "Mirrors", ("Wall Mirror", "Decorative Mirror"), ("mirror",)),
        ("Flowers, Plants & Vases", "Artificial Flowers", ("Artificial Flower Bunch", "Bouquet"),
         ("bouquet", "flower", "flower-lotus", "flower-tulip", "tulip")),
        ("Flowers, Plants & Vases", "Artificial Plants", ("Artificial Plant", "Potted Plant"),
         ("plant-2", "potted-plant")),
        ("Festive Decor & Gifts", "Christmas Decor", ("Christmas Tree", "Xmas Tree"),
         ("christmas-tree", "pine-tree")),
        ("Festive Decor & Gifts", "Lanterns", ("Paper Lantern", "Hanging Lantern"),
         ("red-paper-lantern",)),
        ("Festive Decor & Gifts", "Decorative Lights", ("String Lights", "LED Rice Lights"),
         ("string-lights",)),
        ("Festive Decor & Gifts", "Fireworks", ("Sparklers", "Festive Sparklers"), ("sparkler",)),
        ("Festive Decor & Gifts", "Gift Sets", ("Gift Box", "Gift Set"), ("gift", "wrapped-gift")),
        ("Festive Decor & Gifts", "Gift Sets", ("Gift Ribbon", "Satin Ribbon"), ("ribbon",)),
        ("Festive Decor & Gifts", "Party Supplies", ("Party Balloons",), ("balloon",)),
        ("Festive Decor & Gifts", "Party Supplies", ("Party Popper",), ("party-popper",)),
        ("Showpieces", "Figurines", ("Crystal Ball Showpiece",), ("crystal-ball",)),
        ("Showpieces", "Wind Chimes", ("Wind Chime",), ("wind-chime",)),
    ],
    "Beauty and Personal Care": [
        ("Makeup", "Lips", ("Lipstick", "Lip Colour"), ("lipstick",)),
        ("Makeup", "Nails", ("Nail Polish", "Nail Paint"), ("nail-polish", "nailpolish")),
        ("Makeup", "Makeup Tools", ("Makeup Brush", "Brush Set"), ("brush",)),
        ("Makeup", "Makeup Tools", ("Compact Mirror", "Makeup Mirror"), ("mirror",)),
        ("Body and Skin Care", "Lotions", ("Body Lotion", "Moisturiser", "Face Cream"),
         ("lotion", "lotion-bottle", "lotion-outline")),
        ("Body and Skin Care", "Serums", ("Face Serum", "Essential Oil"), ("eyedropper",)),
        ("Bath and Spa", "Soaps", ("Soap", "Hand Wash"), ("soap", "hand-soap")),
        ("Bath and Spa", "Bubble Bath", ("Bubble Bath", "Foaming Body Wash"), ("bubbles",)),
        ("Bath and Spa", "Bath Accessories", ("Bath Sponge", "Loofah"), ("sponge",)),
        ("Men's Grooming", "Shaving", ("Razor", "Safety Razor"), ("razor", "razor-double-edge")),
        ("Hair Care", "Hair Dryers", ("Hair Dryer", "Hair Blow Dryer"), ("hair-dryer",)),
        ("Hair Care", "Hair Clippers", ("Hair Clipper", "Barber Kit"), ("haircut", "barberpole")),
        ("Hair Care", "Hair Brushes", ("Hair Brush", "Comb"), ("hair-brush", "comb")),
        ("Hair Care", "Hair Scissors", ("Hair Cutting Scissors", "Barber Scissors"),
         ("scissors",)),
        ("Fragrances", "Deodorants", ("Perfume", "Deodorant", "Body Spray"),
         ("perfume", "spray", "spray-bottle")),
        ("Oral Care", "Toothbrushes", ("Toothbrush", "Electric Toothbrush"), ("toothbrush",)),
    ],
    "Baby Care": [
        ("Feeding & Nursing", "Feeding Bottles", ("Feeding Bottle", "Baby Bottle", "Sipper"),
         ("baby-bottle", "babybottle", "baby-bottle-outline", "glass-of-milk")),
        ("Infant Wear", "Baby Socks", ("Baby Socks", "Baby Booties"), ("socks",)),
        ("Diapering & Potty Training", "Diaper Accessories", ("Diaper Pins", "Safety Pins"),
         ("safety-pin",)),
        ("Baby Gear", "Prams & Strollers", ("Baby Pram", "Baby Stroller"),
         ("baby-carriage",)),
        ("Baby & Kids Gifts", "Soft Toys", ("Teddy Bear", "Teddy Soft Toy"), ("teddy-bear",)),
        ("Baby & Kids Gifts", "Soft Toys", ("Plush Chick", "Chick Soft Toy"), ("babychick",)),
        ("Baby & Kids Gifts", "Dolls", ("Baby Doll", "Soft Doll"), ("baby", "baby-face")),
        ("Baby & Kids Gifts", "Bath Toys", ("Bath Duck Toy", "Rubber Duck"), ("duck",)),
        ("Baby & Kids Gifts", "Toys", ("Kite",), ("kite",)),
        ("Baby & Kids Gifts", "Toys", ("Yo-Yo",), ("yo-yo",)),
        ("Baby & Kids Gifts", "Toys", ("Stacking Dolls", "Nesting Dolls"), ("nesting-dolls",)),
        ("Baby & Kids Gifts", "Toys", ("Building Blocks",), ("toy-brick",)),
        ("Baby & Kids Gifts", "Rideons", ("Rocking Horse",), ("toy-horse-fill",)),
    ],
}

# Icons of the newer sets (scripts/build_icon_pack.py), each named after an icon of its concept.
_SAME_AS: dict[str, dict[str, str]] = {
    "Watches": {
        "digital-watches": "watch-variant", "pocket-watch": "watch", "watch-01": "watch",
        "watch-02": "watch", "watch-2-fill": "watch", "watch-one": "watch",
        "smart-watch-01": "device-watch-stats", "smart-watch-02": "device-watch-stats",
    },
    "Computers": {
        "compact-disc": "optical-disk", "disc": "optical-disk", "disc-fill": "optical-disk",
        "desktop": "desktop-computer", "monitor": "desktop-computer", "pc": "desktop-computer",
        "monitor-fill": "desktop-computer", "hard-drive": "harddisk", "keyboard-fill": "keyboard",
        "laptop-computer": "laptop", "laptop-fill": "laptop", "mouse-01": "mouse",
        "mouse-fill": "mouse", "print": "printer",
    },
    "Kitchen & Dining": {
        "bowl-fill": "bowl", "bowl-of-rice": "bowl", "bowl-rice": "bowl", "rice-bowl-01": "bowl",
        "chopsticks-fill": "chopsticks", "coffee-01": "coffee", "coffee-mug": "coffee",
        "mug-hot": "coffee", "mug-saucer": "coffee", "teacup-fill": "coffee",
        "glass-cup-fill": "glass", "glass-water": "glass", "cup-soda": "cup-with-straw",
        "fork-knife-fill": "fork-and-knife", "fork-spoon": "fork-and-knife",
        "fork-spoon-fill": "fork-and-knife", "knife-fork": "fork-and-knife",
        "spoon-and-fork": "fork-and-knife", "utensils": "fork-and-knife",
        "martini-glass": "cocktailglass", "wineglass-fill": "wine-glass",
        "knife-01": "kitchen-knife", "knife-fill": "kitchen-knife", "mason-jar": "jar",
        "pan-01": "cooking", "pot": "cooking-pot", "pot-fill": "cooking-pot", "spoon-fill": "spoon",
    },
    "Home Furnishing": {
        "bath": "bathtub", "bath-fill": "bathtub", "bathtub-01": "bathtub", "bed-fill": "bed",
        "double-bed": "bed", "single-bed": "bed", "chair-01": "chair", "wooden-chair": "chair",
        "sofa-01": "sofa", "sofa-fill": "sofa", "sofa-two": "sofa", "curtain-fill": "curtains",
        "desk-lamp": "lamp", "desk-lamp-fill": "lamp", "lamp-floor": "floor-lamp",
        "dining-table": "table-furniture", "table": "table-furniture",
        "table-fill": "table-furniture", "door-closed": "door", "door-fill": "door",
        "door-open": "door", "open-door": "door", "towels": "towel", "wardrobe-01": "wardrobe",
        "wardrobe-fill": "wardrobe",
    },
    "Home Decor & Festive Needs": {
        "alarm-clock": "mantelpiece-clock", "clock": "mantelpiece-clock",
        "clock-fill": "mantelpiece-clock", "cuckoo-clock": "mantelpiece-clock",
        "balloon-2-fill": "balloon", "balloons": "balloon", "party-balloon": "balloon",
        "candle-fill": "candle", "candle-holder": "candle", "candles": "candle",
        "candles-fill": "candle", "spa-candle": "candle", "flower-2": "flower",
        "flower-2-fill": "flower", "flower-fill": "flower", "flowers": "bouquet",
        "lotus-flower": "flower-lotus", "flower-pot": "potted-plant",
        "flowerpot-fill": "potted-plant", "plant-01": "potted-plant", "tree": "plant-2",
        "tree-fill": "plant-2", "tree-pine": "christmas-tree", "gift-bag": "gift",
        "gift-fill": "gift", "gifts": "gift", "lantern": "red-paper-lantern",
        "lantern-fill": "red-paper-lantern", "paper-lantern": "red-paper-lantern",
        "picture": "framed-picture", "wood-frame": "frame",
    },
    "Beauty and Personal Care": {
        "blush-brush-01": "brush", "cosmetic-brush": "brush", "brush-fill": "brush",
        "body-soap": "soap", "liquid-soap": "hand-soap", "pump-soap": "hand-soap",
        "soap-dispenser-droplet": "hand-soap", "bottle-droplet": "eyedropper",
        "bottle-fill": "lotion", "tube-lotion": "lotion", "hand-cream": "lotion",
        "lipstick-fill": "lipstick", "perfume-bottle": "perfume", "spray-can": "spray",
        "spray-can-sparkles": "spray", "straight-razor": "razor",
    },
    "Baby Care": {
        "baby-01": "baby", "baby-fill": "baby", "baby-one": "baby",
        "baby-carriage-fill": "baby-carriage", "boy-stroller": "baby-carriage",
        "kite-fill": "kite", "matryoshka-dolls": "nesting-dolls", "milk": "baby-bottle",
        "milk-bottle": "baby-bottle", "plastic-duck": "duck", "rubber-duck": "duck",
        "sock-fill": "socks",
    },
}

CONCEPTS: dict[str, dict[str, Concept]] = {
    category: {
        icon: Concept(level2, level3, types)
        for level2, level3, types, icons in rows
        for icon in icons
    }
    for category, rows in _TABLE.items()
}
for _category, _names in _SAME_AS.items():
    CONCEPTS[_category].update({new: CONCEPTS[_category][old] for new, old in _names.items()})


def concept_of(category: str, icon_name: str) -> Concept:
    """The concept an icon stands for in `category`; KeyError names an unmapped icon."""
    try:
        return CONCEPTS[category][icon_name]
    except KeyError as exc:
        raise KeyError(f"icon {icon_name!r} of {category!r} has no concept") from exc
