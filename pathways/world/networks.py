"""Planted criminal networks: counterfeiting rings (shell companies, rotating consignees) and
smuggling organizations. Their parties are ordinary `Parties` rows; the network knows who is who."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pathways.world import names as N
from pathways.world.brands import Brands
from pathways.world.geo import standard_zips, us_address
from pathways.world.identifiers import phone_e164
from pathways.world.parties import Parties, add_company, add_person
from pathways.world.rng import pick

DAY0 = 18_901  # 2021-10-01, first day of FY2022, as days since 1970-01-01
DAYS = 1_826  # FY2022 through FY2026


@dataclass
class Shell:
    party: int
    start: int  # active window, days since DAY0
    end: int


@dataclass
class Network:
    network_id: str
    kind: str  # counterfeiting_ring | smuggling_org
    roles: list[tuple[int, str]] = field(default_factory=list)  # (party, leader|broker|member)
    shippers: list[Shell] = field(default_factory=list)
    importers: list[Shell] = field(default_factory=list)
    consignees: list[int] = field(default_factory=list)
    forwarders: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)  # recordation indexes
    origins: list[str] = field(default_factory=list)
    home_state: str = ""
    vehicles: list[str] = field(default_factory=list)
    weight: float = 1.0

    @property
    def people(self) -> list[int]:
        return [p for p, _ in self.roles]

    def active(self, shells: list[Shell], day: int) -> list[int]:
        live = [s.party for s in shells if s.start <= day <= s.end]
        return live or [shells[0].party]


def _windows(rng: np.random.Generator, n: int) -> list[tuple[int, int]]:
    """Successive, slightly overlapping activity windows: a ring burns a shell and opens the next."""
    cuts = np.sort(rng.integers(0, DAYS, size=max(0, n - 1)))
    edges = [0, *cuts.tolist(), DAYS - 1]
    return [(max(0, edges[i] - 20), min(DAYS - 1, edges[i + 1] + 20)) for i in range(n)]


def _ring(parties: Parties, rng: np.random.Generator, k: int, brands: Brands) -> Network:
    net = Network(f"NET-C{k + 1:03d}", "counterfeiting_ring")
    home = pick(rng, ("CN", "CN", "HK", "TR"))
    net.origins = [home] + ([pick(rng, N.COUNTERFEIT_ORIGINS)] if rng.random() < 0.5 else [])
    zips = standard_zips()
    hub = zips[int(rng.integers(len(zips)))]
    net.home_state = hub.state
    leader = add_person(parties, rng, home, "facilitator", n_variants=6)
    net.roles.append((leader, "leader"))
    for _ in range(int(rng.integers(1, 3))):
        net.roles.append((add_person(parties, rng, "US", "facilitator", n_variants=5), "broker"))
    # shippers abroad share one office block address and rotate
    block = parties.address[leader]
    n_ship = int(rng.integers(3, 8))
    for (a, b) in _windows(rng, n_ship):
        p = add_company(parties, rng, home, "shipper", n_variants=6,
                        address=block if rng.random() < 0.5 else None)
        net.shippers.append(Shell(p, a, b))
        net.roles.append((p, "member"))
    # US shell importers at a registered-agent address, with one phone
    agent_addr = us_address(rng, hub)
    agent_phone = phone_e164(rng, "US", hub.area_code or None)
    for (a, b) in _windows(rng, int(rng.integers(2, 6))):
        p = add_company(parties, rng, "US", "importer", n_variants=5, address=agent_addr)
        parties.phone[p] = agent_phone
        net.importers.append(Shell(p, a, b))
        net.roles.append((p, "member"))
    # rotating consignees: many people, few drop addresses and burner phones
    drops = [us_address(rng, zips[int(rng.integers(len(zips)))]) if rng.random() < 0.3 else us_address(rng, hub)
             for _ in range(int(rng.integers(2, 6)))]
    burners = [phone_e164(rng, "US", hub.area_code or None) for _ in range(3)]
    for _ in range(int(rng.integers(8, 40))):
        p = add_person(parties, rng, "US", "consignee", n_variants=4, address=pick(rng, drops),
                       phone=pick(rng, burners) if rng.random() < 0.6 else None)
        net.consignees.append(p)
        net.roles.append((p, "member"))
    for _ in range(int(rng.integers(2, 6))):
        country = pick(rng, (home, "US", home, "US", "RU"))
        net.roles.append((add_person(parties, rng, country, "facilitator", n_variants=4), "member"))
    trademarks = [i for i, r in enumerate(brands.recordations) if r.type != "trade_name" and not r.host_word]
    weights = brands.popularity[trademarks]
    n_targets = min(len(trademarks), int(rng.integers(4, 20)))
    chosen = rng.choice(len(trademarks), size=n_targets, replace=False, p=weights / weights.sum())
    net.targets = sorted(trademarks[int(i)] for i in chosen)
    net.weight = float(rng.pareto(1.5) + 1)
    return net


def _smuggling_org(parties: Parties, rng: np.random.Generator, k: int) -> Network:
    net = Network(f"NET-S{k + 1:03d}", "smuggling_org")
    home = pick(rng, ("MX", "MX", "GT", "HN", "CO"))
    net.origins = [home]
    net.home_state = pick(rng, ("TX", "AZ", "CA", "NM", "FL"))
    state_zips = [z for z in standard_zips() if z.state == net.home_state]
    net.roles.append((add_person(parties, rng, home, "facilitator", n_variants=6), "leader"))
    for _ in range(int(rng.integers(1, 3))):
        net.roles.append((add_person(parties, rng, pick(rng, ("US", home)), "facilitator", n_variants=5), "broker"))
    stash = [us_address(rng, state_zips[int(rng.integers(len(state_zips)))]) for _ in range(3)]
    for _ in range(int(rng.integers(6, 25))):
        net.roles.append((add_person(parties, rng, pick(rng, ("US", "US", home)), "facilitator", n_variants=4,
                                     address=pick(rng, stash) if rng.random() < 0.5 else None), "member"))
    for (a, b) in _windows(rng, int(rng.integers(1, 4))):  # front companies importing ordinary cargo
        p = add_company(parties, rng, "US", "importer", n_variants=4, address=pick(rng, stash))
        net.importers.append(Shell(p, a, b))
        net.roles.append((p, "member"))
    p = add_company(parties, rng, home, "shipper", n_variants=4)
    net.shippers.append(Shell(p, 0, DAYS - 1))
    net.roles.append((p, "member"))
    for _ in range(int(rng.integers(1, 4))):
        letters = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 3))
        net.vehicles.append(f"{net.home_state} plate {letters}-{int(rng.integers(1000, 10000))}")
    net.weight = float(rng.pareto(1.5) + 1)
    return net


def build_networks(parties: Parties, rng: np.random.Generator, brands: Brands, n_rings: int,
                   n_orgs: int) -> list[Network]:
    nets = [_ring(parties, rng, k, brands) for k in range(n_rings)]
    nets += [_smuggling_org(parties, rng, k) for k in range(n_orgs)]
    # brokers: a few people broker for a second network too (high betweenness by construction)
    for _ in range(max(1, len(nets) // 5)):
        a, b = nets[int(rng.integers(len(nets)))], nets[int(rng.integers(len(nets)))]
        if a is b:
            continue
        broker = next((p for p, role in a.roles if role == "broker"), None)
        if broker is not None and broker not in b.people:
            b.roles.append((broker, "broker"))
    return nets
