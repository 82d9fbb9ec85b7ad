"""Word lists. Everything here is generic vocabulary or common given/family names; no real firm or mark."""

from __future__ import annotations

ONSETS = ("b", "br", "c", "cr", "d", "dr", "f", "g", "gr", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t",
          "tr", "v", "z", "qu", "sl", "th", "fl", "vr", "ph")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y")
CODAS = ("", "", "", "n", "r", "l", "s", "x", "nt", "rn", "lt", "sk", "m", "v")
ENDINGS = ("o", "a", "i", "ex", "on", "ano", "ella", "ari", "eto", "ix", "ora", "enza", "ique", "is", "um")

ADJECTIVES = ("Northern", "Silver", "Crimson", "Golden", "Royal", "Silent", "Velvet", "Iron", "Blue", "Wild",
              "Urban", "Crystal", "Ember", "Coastal", "Polar", "Amber", "Hidden", "Lunar", "Solar", "Copper",
              "Emerald", "Midnight", "Winter", "Rapid", "Noble", "Savage", "Gentle", "Bright", "Stone", "Cobalt")
NOUNS = ("Knights", "Harbor", "Falcon", "Meadow", "Summit", "Compass", "Lantern", "Orchid", "Atlas", "Canyon",
         "Anchor", "Beacon", "Fox", "Otter", "Raven", "Garden", "Forge", "Crown", "Tide", "Ridge", "Harvest",
         "Pilot", "Arrow", "Bison", "Heron", "Willow", "Comet", "Voyager", "Timber", "Prairie")

# Long generic words; a few recorded marks are cut out of them so that descriptions hold a mark
# inside an innocent word (a screening hard negative).
HOST_WORDS = ("terracotta", "panoramic", "lavender", "sandalwood", "porcelain", "cinnamon", "magnolia",
              "caramelized", "sheepskin", "titanium", "marbleware", "coriander", "velveteen", "linoleum",
              "peppermint", "aluminum", "cashmere", "polyester", "mandarin", "tamarind")

# Famous real marks: the generator never emits them as a mark (a test checks the files too).
REAL_MARK_DENYLIST = frozenset([
    "NIKE", "ADIDAS", "GUCCI", "PRADA", "ROLEX", "CHANEL", "HERMES", "LOUIS", "VUITTON", "APPLE", "SAMSUNG",
    "SONY", "DISNEY", "LEGO", "OMEGA", "CARTIER", "BURBERRY", "VERSACE", "FENDI", "DIOR", "PUMA", "REEBOK",
    "CASIO", "SEIKO", "TIFFANY", "COACH", "MICHAEL", "KORS", "RAYBAN", "OAKLEY", "PANDORA", "NINTENDO",
    "POKEMON", "MARVEL", "PFIZER", "VIAGRA", "CIALIS", "LACOSTE", "ARMANI", "ZARA", "CONVERSE", "VANS",
    "TIMBERLAND", "SUPREME", "BALENCIAGA", "GIVENCHY", "CELINE", "BVLGARI", "BULGARI", "SWAROVSKI", "MONTBLANC",
    "TUMI", "BOSE", "BEATS", "DYSON", "NORTHFACE", "MONCLER", "CANADA", "GOOSE", "PATAGONIA", "UNDER", "ARMOUR",
    "HUAWEI", "XIAOMI", "LENOVO", "INTEL", "NVIDIA", "MICROSOFT", "GOOGLE", "AMAZON", "TOYOTA", "HONDA", "FORD",
    "BOSCH", "LOREAL", "MAYBELLINE", "ESTEE", "LAUDER", "CLINIQUE", "YETI", "STANLEY"
])

US_FIRST = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
            "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
            "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Ashley",
            "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle", "Kevin", "Carol",
            "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie", "Jason",
            "Rebecca", "Maria", "Jose", "Luis", "Carmen", "Ana", "Juan", "Carlos", "Rosa", "Miguel", "Sofia")
US_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
           "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
           "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
           "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
           "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
           "Carter", "Roberts", "O'Brien", "McCarthy", "Kowalski", "Patel", "Kim", "Chen", "Ali", "Khan")
CN_GIVEN = ("Wei", "Fang", "Min", "Jing", "Li Na", "Xiu Ying", "Jun", "Yan", "Hao", "Lei", "Qiang", "Ping",
            "Xiao Ming", "Jian Guo", "Hui", "Yong", "Jie", "Ling", "Tao", "Bo", "Chun Hua", "Zhi Wei")
CN_FAMILY = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
             "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao")
RU_FIRST = ("Sergei", "Dmitri", "Alexei", "Ivan", "Nikolai", "Olga", "Elena", "Tatiana", "Anna", "Mikhail",
            "Andrei", "Yuri", "Natalia", "Irina", "Pavel", "Viktor")
RU_LAST = ("Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov",
           "Morozov", "Volkov", "Orlov", "Pavlov", "Fedorov", "Belov", "Sidorov")
ES_FIRST = ("Alejandro", "Jorge", "Fernando", "Ricardo", "Guadalupe", "Alejandra", "Diego", "Mateo", "Valeria",
            "Camila", "Javier", "Raul", "Esteban", "Lucia", "Marisol", "Hector")
ES_LAST = ("Hernandez", "Garcia", "Martinez", "Lopez", "Gonzalez", "Ramirez", "Sanchez", "Cruz", "Morales",
           "Reyes", "Castillo", "Ortiz", "Vargas", "Mendoza", "Guzman", "Salazar")

STREETS = ("Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Sunset",
           "Lincoln", "Jackson", "River", "Highland", "Meadow", "Industrial", "Commerce", "Airport", "Harbor",
           "Mill", "Church", "Spring", "Ridge", "Valley", "Forest", "Madison", "Franklin", "Center", "Market")
STREET_TYPES = ("Street", "Avenue", "Road", "Boulevard", "Drive", "Lane", "Way", "Parkway", "Court")

CN_CITIES = ("Shenzhen", "Guangzhou", "Yiwu", "Dongguan", "Putian", "Shantou", "Ningbo", "Xiamen", "Quanzhou",
             "Foshan", "Wenzhou", "Shanghai", "Jinjiang", "Hangzhou")
CN_WORDS = ("Hua Xin", "Jin Long", "Tian Ma", "Xin Yuan", "Hong Da", "Sheng Li", "Fu Kang", "Long Teng",
            "Mei Jia", "Heng Tai", "Rui Feng", "Bai Sheng", "Da Cheng", "Yi Tong", "Xing Wang", "Jia Hui",
            "Kai Yue", "Ming Guang", "Shun Fa", "Hao Yun")
CN_TRADES = ("Trading", "Import and Export", "Electronic Technology", "Garment", "Leather Products",
             "Supply Chain", "E-commerce", "Watch", "Cosmetics", "International Logistics")
RU_CITIES = ("Moskva", "Sankt-Peterburg", "Novosibirsk", "Ekaterinburg", "Kazan")

FOREIGN_CITIES: dict[str, tuple[str, ...]] = {
    "CN": CN_CITIES, "HK": ("Kowloon", "Kwun Tong", "Tsim Sha Tsui", "Sheung Wan", "Mong Kok"),
    "TR": ("Istanbul", "Izmir", "Bursa"), "TH": ("Bangkok", "Chiang Mai"), "VN": ("Ho Chi Minh City", "Hanoi"),
    "IN": ("Mumbai", "Delhi", "Chennai"), "MX": ("Guadalajara", "Monterrey", "Tijuana", "Ciudad Juarez"),
    "IT": ("Milano", "Firenze", "Napoli"), "FR": ("Paris", "Lyon"), "DE": ("Hamburg", "Munchen"),
    "GB": ("London", "Manchester"), "JP": ("Osaka", "Tokyo"), "KR": ("Seoul", "Busan"),
    "CO": ("Bogota", "Medellin", "Cali"), "RU": RU_CITIES, "AE": ("Dubai", "Sharjah"),
    "PK": ("Lahore", "Karachi"), "CA": ("Toronto", "Vancouver", "Montreal"), "ES": ("Madrid", "Barcelona"),
    "MY": ("Kuala Lumpur", "Penang"), "SG": ("Singapore",), "GT": ("Guatemala City",), "HN": ("San Pedro Sula",),
    "DO": ("Santo Domingo",), "BR": ("Sao Paulo",), "PH": ("Manila",), "NG": ("Lagos",), "TW": ("Taipei",),
}

BRAND_OWNER_COUNTRIES = ("US", "US", "US", "IT", "FR", "DE", "GB", "JP", "KR", "CH", "ES", "CA", "SE", "NL")
MANUFACTURING_COUNTRIES = ("CN", "VN", "IT", "IN", "BD", "MX", "TH", "ID", "TR", "PT", "JP", "KR", "US", "MY")
COUNTERFEIT_ORIGINS = ("CN", "CN", "CN", "CN", "HK", "HK", "HK", "TR", "TH", "VN", "IN", "PK", "AE", "SG", "MY")

COMPANY_SUFFIX = {
    "US": ("LLC", "Inc.", "Corp.", "Co."), "CN": ("Co., Ltd.",), "HK": ("Limited", "Co., Limited"),
    "IT": ("S.p.A.", "S.r.l."), "FR": ("S.A.S.", "S.A."), "DE": ("GmbH", "AG"), "GB": ("Ltd", "PLC"),
    "JP": ("K.K.", "Co., Ltd."), "KR": ("Co., Ltd.",), "CH": ("AG", "SA"), "ES": ("S.L.", "S.A."),
    "CA": ("Inc.", "Ltd."), "SE": ("AB",), "NL": ("B.V.",), "MX": ("S.A. de C.V.",), "RU": ("OOO",),
    "TR": ("Ltd. Sti.",), "IN": ("Pvt. Ltd.",),
}
