"""US ports of entry (CBP-style 4-digit codes) by transport mode."""

from __future__ import annotations

PORT_NAMES: dict[str, str] = {
    "1401": "Norfolk, VA", "1601": "Charleston, SC", "1703": "Savannah, GA", "1704": "Atlanta, GA",
    "2002": "New Orleans, LA", "2006": "Memphis, TN", "2304": "Laredo, TX", "2402": "El Paso, TX",
    "2506": "Otay Mesa, CA", "2704": "Los Angeles, CA", "2709": "Long Beach, CA",
    "2720": "Los Angeles Intl Airport, CA",
    "2801": "San Francisco, CA", "2811": "Oakland, CA", "3001": "Seattle, WA", "3801": "Detroit, MI",
    "3901": "Chicago, IL", "4196": "Louisville, KY", "4197": "Cincinnati, OH", "4601": "Newark, NJ",
    "4701": "JFK Airport, NY", "5201": "Miami, FL", "5206": "Miami Intl Airport, FL", "5301": "Houston, TX",
    "5501": "Dallas-Fort Worth, TX",
}

MODES: tuple[str, ...] = ("express", "mail", "cargo", "passenger")

PORTS_BY_MODE: dict[str, tuple[tuple[str, float], ...]] = {
    "express": (("2006", 3), ("4196", 3), ("4197", 2.5), ("4701", 1.5), ("2720", 1.5), ("5206", 1), ("3901", 1)),
    "mail": (("4701", 3), ("3901", 2), ("2720", 2), ("5206", 1.5), ("2801", 1.5)),
    "cargo": (("2704", 4), ("2709", 3.5), ("4601", 2.5), ("5301", 2), ("1703", 1.5), ("3001", 1), ("2002", 0.7),
              ("5201", 0.8), ("1401", 0.8), ("1601", 0.8), ("2811", 0.8), ("2304", 1.2), ("2402", 0.6),
              ("2506", 0.6), ("3801", 0.7), ("5501", 0.6)),
    "passenger": (("4701", 2), ("2720", 2), ("5206", 1.5), ("3901", 1), ("5501", 1), ("1704", 1)),
}
