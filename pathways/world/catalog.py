"""Product categories as the agency's seizure statistics use them, with HTS codes and price ranges."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    name: str
    hts_code: str
    msrp_low: float
    msrp_high: float


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    nice_classes: tuple[int, ...]
    goods: str
    products: tuple[Product, ...]
    generic: tuple[str, ...]  # unbranded descriptions for ordinary trade
    weight: float  # share of branded trade / counterfeiting


CATEGORIES: tuple[Category, ...] = (
    Category("apparel", "Wearing Apparel/Accessories", (25,), "clothing; headwear; belts; scarves", (
        Product("cotton t-shirt", "6109.10.0012", 25, 90), Product("hooded sweatshirt", "6110.20.2079", 60, 180),
        Product("denim jeans", "6203.42.4011", 70, 250), Product("baseball cap", "6505.00.3015", 25, 70),
        Product("silk scarf", "6214.10.1000", 90, 450), Product("leather belt", "4203.30.0000", 60, 400),
        Product("down jacket", "6201.40.1010", 180, 1200)),
        ("cotton t-shirts, assorted colors", "men's woven shirts", "polyester sports jerseys", "knit socks",
         "women's blouses", "children's pajamas", "work gloves", "acrylic knit hats", "rain jackets"), 0.20),
    Category("watches", "Watches/Jewelry", (14,), "watches; jewelry; precious metal goods", (
        Product("automatic wristwatch", "9102.11.2500", 800, 15000), Product("quartz watch", "9102.11.1000", 150, 900),
        Product("gold-plated bracelet", "7117.19.9000", 120, 900),
        Product("sterling silver ring", "7113.11.5000", 90, 600),
        Product("pendant necklace", "7113.19.5000", 200, 3500)),
        ("fashion bracelets, base metal", "plastic watch straps", "costume jewelry earrings", "wall clocks",
         "glass beads, loose"), 0.14),
    Category("handbags", "Handbags/Wallets", (18,), "handbags; wallets; luggage; leather goods", (
        Product("leather handbag", "4202.21.9000", 400, 4500), Product("leather wallet", "4202.31.6000", 90, 700),
        Product("travel duffel bag", "4202.92.3120", 200, 1800), Product("card holder", "4202.31.6000", 60, 400),
        Product("tote bag", "4202.22.8050", 150, 2200)),
        ("polyester backpacks", "canvas tote bags", "plastic cosmetic pouches", "nylon luggage straps"), 0.13),
    Category("electronics", "Consumer Electronics", (9,), "audio equipment; phones; chargers; batteries", (
        Product("wireless earbuds", "8518.30.2000", 80, 300), Product("smartphone", "8517.13.0000", 300, 1300),
        Product("USB-C charger", "8504.40.9550", 20, 70), Product("bluetooth speaker", "8518.22.0000", 50, 400),
        Product("lithium battery pack", "8507.60.0020", 30, 150)),
        ("USB cables, 1m", "LED light strips", "electric kettles", "extension cords", "remote controls"), 0.12),
    Category("pharma", "Pharmaceuticals/Personal Care", (3, 5), "cosmetics; fragrances; medicines", (
        Product("eau de parfum 100ml", "3303.00.3000", 70, 320), Product("lipstick", "3304.10.0000", 20, 60),
        Product("face serum", "3304.99.5000", 40, 250), Product("prescription tablets", "3004.90.9290", 30, 400),
        Product("hair styling tool", "8516.32.0000", 120, 600)),
        ("hand soap, liquid", "cotton swabs", "vitamin C tablets", "shampoo, 500ml bottles",
         "disposable razors"), 0.10),
    Category("footwear", "Footwear", (25,), "footwear", (
        Product("running shoes", "6404.11.9020", 90, 260), Product("leather sneakers", "6403.99.6075", 120, 900),
        Product("leather boots", "6403.91.6075", 180, 1400), Product("slide sandals", "6402.99.3165", 30, 120)),
        ("rubber flip-flops", "canvas shoes, unbranded", "house slippers", "rain boots, PVC"), 0.10),
    Category("optical", "Optical Media", (9,), "recorded media; films; music; games", (
        Product("blu-ray box set", "8523.49.4000", 40, 120), Product("video game disc", "8523.49.4000", 40, 70),
        Product("music CD", "8523.49.2000", 12, 25)),
        ("blank DVD-R discs", "blank CD-R spindles"), 0.03),
    Category("computers", "Computers/Accessories", (9,), "computers; peripherals; storage", (
        Product("laptop computer", "8471.30.0100", 600, 2800), Product("wireless mouse", "8471.60.9050", 25, 130),
        Product("gaming keyboard", "8471.60.2000", 60, 250), Product("solid state drive", "8523.51.0000", 60, 400),
        Product("graphics card", "8473.30.1180", 300, 1800)),
        ("computer cables", "laptop sleeves, neoprene", "mouse pads", "cooling fans"), 0.06),
    Category("labels", "Labels/Tags", (16, 26), "labels; tags; patches; packaging", (
        Product("woven labels", "5807.10.0510", 1, 5), Product("hang tags", "4821.10.4000", 1, 3),
        Product("embroidered patches", "5810.92.9080", 2, 8)),
        ("blank paper labels", "plain cardboard boxes", "shipping tags"), 0.03),
    Category("toys", "Toys", (28,), "toys; games; sporting goods", (
        Product("collectible figure", "9503.00.0073", 15, 120), Product("building block set", "9503.00.0011", 30, 300),
        Product("plush toy", "9503.00.0090", 15, 60), Product("trading card booster box", "9504.40.0000", 90, 160)),
        ("plastic toy cars", "wooden puzzles", "balloons, latex", "jump ropes"), 0.05),
    Category("consumer", "Consumer Products", (8, 11, 21), "housewares; kitchen goods; lighting", (
        Product("chef's knife", "8211.91.8060", 60, 300), Product("insulated tumbler", "9617.00.1000", 25, 60),
        Product("non-stick frying pan", "7323.94.0080", 40, 220), Product("desk lamp", "9405.21.8000", 40, 300)),
        ("plastic storage boxes", "ceramic mugs", "stainless steel cutlery sets", "glass food containers",
         "umbrellas"), 0.04),
    Category("auto", "Transportation/Parts", (12,), "vehicle parts and accessories", (
        Product("brake pads", "8708.30.5090", 40, 180), Product("alloy wheel", "8708.70.4530", 180, 900),
        Product("airbag module", "8708.95.2000", 300, 1200), Product("oil filter", "8421.23.0000", 8, 30)),
        ("floor mats, rubber", "bicycle inner tubes", "car phone holders", "wiper blades, unbranded"), 0.02),
)

CATEGORY_BY_KEY: dict[str, Category] = {c.key: c for c in CATEGORIES}

# Unbranded commodity trade carried alongside: (description, HTS code, unit value range).
BULK_GOODS: tuple[tuple[str, str, float, float], ...] = (
    ("steel bolts, zinc plated", "7318.15.8066", 0.05, 0.4),
    ("frozen shrimp, peeled", "0306.17.0040", 4, 12),
    ("ceramic floor tiles", "6907.21.1005", 1, 6),
    ("polyethylene film rolls", "3920.10.0000", 20, 90),
    ("office chairs, swivel", "9401.31.0000", 40, 160),
    ("solar panels, 400W", "8541.43.0010", 90, 220),
    ("printed circuit assemblies", "8473.30.1180", 5, 60),
    ("cotton bed sheets", "6302.31.9020", 6, 25),
    ("hand tools, assorted", "8205.59.8000", 2, 20),
    ("furniture parts, wood", "9403.91.0080", 5, 40),
    ("tomatoes, fresh", "0702.00.6000", 0.5, 2),
    ("auto parts, unspecified", "8708.99.8180", 3, 90),
)

IMITATION_PHRASES: tuple[str, ...] = (
    "replica", "1:1", "AAA quality", "mirror quality", "dupe", "inspired by", "top grade copy", "high copy",
    "super fake", "same as original", "OEM quality",
)

COMPAT_TEMPLATES: tuple[str, ...] = (
    "case for {mark} phone", "compatible with {mark} devices", "replacement strap fits {mark} watches",
    "charger compatible with {mark}", "dust bag for {mark} handbags (unbranded)", "screen protector for {mark}",
    "insoles fit {mark} sneakers", "storage box for {mark} figures", "repair kit for {mark} brand items",
)

# What each Nice class covers, as the `goods` column lists it: one `;` item per class, in class order.
CLASS_GOODS: dict[int, str] = {
    3: "cosmetics, fragrances, personal care preparations", 5: "pharmaceutical preparations, medicines",
    8: "cutlery, hand tools", 9: "electronic devices, computers, recorded media, chargers",
    11: "lighting, kitchen appliances", 12: "vehicle parts and accessories",
    14: "watches, jewelry, precious metal goods", 16: "printed labels, tags, packaging",
    18: "handbags, wallets, luggage, leather goods", 21: "housewares, kitchen goods, drinkware",
    25: "clothing, footwear, headwear", 26: "embroidered patches, ribbons, trimmings",
    28: "toys, games, sporting goods",
}
