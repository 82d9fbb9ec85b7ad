"""Pure identifier normalizers shared by every source module and by entity resolution.

Each ``normalize_*`` takes text as written and returns the comparison key of its kind, or ``None``
when the text is not a valid identifier of that kind. No network, no database; property-tested.
"""

from pathways.resolve.normalize.crypto import normalize_btc, normalize_eth
from pathways.resolve.normalize.emails import normalize_email
from pathways.resolve.normalize.handles import normalize_plate, normalize_username, normalize_vessel
from pathways.resolve.normalize.phones import normalize_phone
from pathways.resolve.normalize.places import normalize_country, normalize_zip, us_zip_place
from pathways.resolve.normalize.web import normalize_domain, normalize_ip, normalize_url

__all__ = [
    "normalize_btc",
    "normalize_country",
    "normalize_domain",
    "normalize_email",
    "normalize_eth",
    "normalize_ip",
    "normalize_phone",
    "normalize_plate",
    "normalize_url",
    "normalize_username",
    "normalize_vessel",
    "normalize_zip",
    "us_zip_place",
]
