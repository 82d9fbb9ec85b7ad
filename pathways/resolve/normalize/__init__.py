"""Pure identifier normalizers shared by every source module and by entity resolution.

Each ``normalize_*`` takes text as written and returns the comparison key of its kind, or ``None``
when the text is not a valid identifier of that kind. No network, no database; property-tested.
"""

from pathways.resolve.normalize.addresses import Address, normalize_address, parse_address
from pathways.resolve.normalize.companies import company_key, looks_like_company, normalize_company_name
from pathways.resolve.normalize.crypto import normalize_btc, normalize_eth
from pathways.resolve.normalize.dates import normalize_date
from pathways.resolve.normalize.emails import normalize_email
from pathways.resolve.normalize.folding import fold
from pathways.resolve.normalize.handles import normalize_plate, normalize_username, normalize_vessel
from pathways.resolve.normalize.names import PersonName, normalize_person_name, parse_person_name, person_name_key
from pathways.resolve.normalize.phones import normalize_phone
from pathways.resolve.normalize.places import normalize_country, normalize_zip, us_zip_place
from pathways.resolve.normalize.web import normalize_domain, normalize_ip, normalize_url

__all__ = [
    "Address",
    "PersonName",
    "company_key",
    "fold",
    "looks_like_company",
    "normalize_address",
    "normalize_btc",
    "normalize_company_name",
    "normalize_country",
    "normalize_date",
    "normalize_domain",
    "normalize_email",
    "normalize_eth",
    "normalize_ip",
    "normalize_person_name",
    "normalize_phone",
    "normalize_plate",
    "normalize_url",
    "normalize_username",
    "normalize_vessel",
    "normalize_zip",
    "parse_address",
    "parse_person_name",
    "person_name_key",
    "us_zip_place",
]
