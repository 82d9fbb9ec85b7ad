"""Tips: events first (who, what, where, which office must act), then every report of each event."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pathways.identity.offices_file import OfficeSpec
from pathways.world import identifiers as ids
from pathways.world import names as N
from pathways.world.context import WorldContext
from pathways.world.geo import OfficeGeography, Zip, street_line
from pathways.world.networks import DAY0, DAYS, Network
from pathways.world.parties import person_name
from pathways.world.rng import pick, stream
from pathways.world.tip_text import CATEGORIES, CATEGORY_WEIGHTS, TEMPLATES, VIRAL_TEMPLATES, paraphrase
from pathways.world.variants import pick_variant

CHANNELS = ("web_form", "phone", "email", "partner_referral", "mobile_app")
_CHANNEL_PREFIX = {"web_form": "WEB", "phone": "PHN", "email": "EML", "partner_referral": "PRT", "mobile_app": "APP"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NETWORK_CATEGORIES = {"counterfeiting_ring": ("counterfeit_goods", "money_laundering"),
                       "smuggling_org": ("human_smuggling", "narcotics_smuggling", "money_laundering")}


@dataclass
class Event:
    group: str
    category: str
    office: str
    location: dict[str, str]
    slots: dict[str, str]
    subjects: list[int]  # party indexes
    network: str = ""
    viral: bool = False
    templates: tuple[str, ...] = ()


@dataclass
class TipTruth:
    offices: list[tuple[str, str]] = field(default_factory=list)  # external_id, office
    groups: list[tuple[str, str]] = field(default_factory=list)  # external_id, duplicate group
    mentions: list[tuple[str, str, str, str]] = field(default_factory=list)  # source, record, field, party_id


class TipFactory:
    def __init__(self, ctx: WorldContext, offices: list[OfficeSpec], geo: OfficeGeography, seed: int) -> None:
        self.ctx, self.geo = ctx, geo
        self.rng = stream(seed, "tips")
        self.field = [o.code for o in offices if o.kind == "field_office"]
        w = np.array([len(geo.zips_by_office.get(c, [])) ** 0.5 for c in self.field])
        self.field_cum = np.cumsum(w) / w.sum()
        self.attache = [o for o in offices if o.kind == "attache_office"]
        self.hq = next(o.code for o in offices if o.kind == "hq_triage")
        self.state_office = {s: code for code, states in geo.main_states.items() for s in states}

    # --- where ------------------------------------------------------------------------------------

    def us_location(self, office: str, z: Zip) -> dict[str, str]:
        rng = self.rng
        city = z.city.title()
        forms = ["full", "city_zip", "zip"]
        if self.geo.city_is_unambiguous(z):
            forms.append("city")
        if self.state_office.get(z.state) == office:
            forms.append("state")
        form = pick(rng, forms)
        loc: dict[str, str] = {}
        if form == "full":
            loc = {"address": street_line(rng), "city": city, "state": z.state, "zip": z.zip}
        elif form == "city_zip":
            loc = {"city": city, "state": z.state, "zip": z.zip}
        elif form == "zip":
            loc = {"zip": z.zip}
        elif form == "city":
            loc = {"city": city, "state": z.state}
        else:
            loc = {"state": z.state}
        if rng.random() < 0.3:
            loc["country"] = "US"
        return loc

    def place(self, category: str, network: Network | None) -> tuple[str, dict[str, str], str]:
        """(office code, location, place phrase) chosen office first."""
        rng = self.rng
        if network is not None and rng.random() < 0.85:
            office = self.state_office[network.home_state]
            z = self.geo.zip_in_state(rng, office, network.home_state)
            return office, self.us_location(office, z), f"{z.city.title()}, {z.state}"
        r = rng.random()
        if r < 0.72:
            office = self.field[min(int(np.searchsorted(self.field_cum, rng.random())), len(self.field) - 1)]
            z = self.geo.zip_in(rng, office)
            return office, self.us_location(office, z), f"{z.city.title()}, {z.state}"
        if r < 0.90:
            o = self.attache[int(rng.integers(len(self.attache)))]
            cc = pick(rng, o.countries)
            loc = {"country": cc}
            place = cc
            if cc in N.FOREIGN_CITIES and rng.random() < 0.7:
                loc["city"] = place = pick(rng, N.FOREIGN_CITIES[cc])
            return o.code, loc, place
        return self.hq, {}, pick(rng, ("my neighborhood", "a warehouse near me", "a house on my street"))

    # --- who and what -----------------------------------------------------------------------------

    def event(self, k: int, viral: bool) -> Event:
        rng, ctx = self.rng, self.ctx
        group = f"E{k + 1:07d}"
        if viral:
            slots = {"url": self._url(), "user": ids.username(rng)}
            if rng.random() < 0.7:
                category = pick(rng, ("child_exploitation", "cyber_crime", "other"))
                return Event(group, category, self.hq, {}, slots, [], viral=True, templates=VIRAL_TEMPLATES)
            office, loc, _ = self.place("cyber_crime", None)
            return Event(group, "cyber_crime", office, loc, slots, [], viral=True, templates=VIRAL_TEMPLATES)
        category = CATEGORIES[int(np.searchsorted(np.cumsum(CATEGORY_WEIGHTS) / CATEGORY_WEIGHTS.sum(),
                                                  rng.random()))]
        network = self._network_for(category)
        office, loc, place = self.place(category, network)
        subjects = self._subjects(network)
        who = pick_variant(rng, ctx.parties.name_variants[subjects[0]]) if subjects else self._stranger()
        company = self._company(network)
        rec = ctx.brands.recordations[ctx.cf_recs[int(rng.integers(len(ctx.cf_recs)))]]
        if network is not None and network.targets:
            rec = ctx.brands.recordations[network.targets[int(rng.integers(len(network.targets)))]]
        phone = ctx.parties.phone[subjects[0]] if subjects and rng.random() < 0.7 else ids.phone_e164(rng, "US")
        email = ctx.parties.email[subjects[0]] if subjects and rng.random() < 0.7 else ids.email_for(
            rng, [pick(rng, N.US_FIRST), pick(rng, N.US_LAST)])
        plate = pick(rng, network.vehicles) if network is not None and network.vehicles else ids.plate(
            rng, loc.get("state", "TX"))
        slots = {
            "who": who, "place": place, "phone": ids.phone_display(rng, phone), "email": email,
            "url": self._url(rec.mark), "user": ids.username(rng), "btc": ids.btc_address(rng),
            "eth": ids.eth_address(rng), "plate": plate, "vessel": ids.vessel(rng), "mark": rec.mark,
            "product": pick(rng, ("handbags", "watches", "sneakers", "perfume", "earbuds", "phone chargers",
                                  "jackets", "toys")),
            "company": company,
        }
        options = TEMPLATES[category]
        first = int(rng.integers(len(options)))
        return Event(group, category, office, loc, slots, subjects, network=network.network_id if network else "",
                     templates=(options[first], *options[:first], *options[first + 1 :]))

    def _network_for(self, category: str) -> Network | None:
        nets = [n for n in self.ctx.networks if category in _NETWORK_CATEGORIES[n.kind]]
        if not nets or self.rng.random() > 0.3:
            return None
        return nets[int(self.rng.integers(len(nets)))]

    def _subjects(self, network: Network | None) -> list[int]:
        rng, ctx = self.rng, self.ctx
        if network is not None:
            people = [p for p, _ in network.roles if ctx.parties.kind[p] == "person"]
            k = min(len(people), int(rng.integers(1, 4)))
            return [people[int(i)] for i in rng.permutation(len(people))[:k]]
        if rng.random() < 0.5:
            return [int(ctx.pools.consumers[int(rng.integers(len(ctx.pools.consumers)))])]
        return []

    def _company(self, network: Network | None) -> str:
        rng, ctx = self.rng, self.ctx
        if network is not None and network.importers:
            return pick_variant(rng, ctx.parties.name_variants[network.importers[0].party])
        p = int(ctx.pools.importers[int(rng.integers(len(ctx.pools.importers)))])
        return ctx.parties.name[p]

    def _stranger(self) -> str:
        first, _, last = person_name(self.rng, "US")
        return pick(self.rng, (f"a man called {first}", f"someone named {first} {last}", f"{first} {last}"))

    def _url(self, mark: str = "") -> str:
        rng = self.rng
        base = mark.lower().replace(" ", "-") + "-" if mark and rng.random() < 0.6 else ""
        word = pick(rng, ("outlet", "deals", "store", "shop", "sale", "official", "market", "club"))
        tld = pick(rng, ("example", "shop", "store", "net", "example"))
        path = pick(rng, ("", f"/p/{int(rng.integers(1000, 99999))}", f"/item?id={int(rng.integers(1, 10**6))}"))
        return f"https://{base}{word}{int(rng.integers(1, 99))}.{tld}{path}"

    # --- each report ------------------------------------------------------------------------------

    def report(self, ev: Event, t: int) -> tuple[dict[str, Any], list[tuple[str, int]]]:
        """One tip (without external_id) and its subject mentions as (field, party)."""
        rng, ctx = self.rng, self.ctx
        channel = pick(rng, CHANNELS)
        tip: dict[str, Any] = {"external_id": "", "received_at": _iso(t), "channel": channel}
        if rng.random() < 0.9:
            tip["category"] = ev.category
        template = ev.templates[0] if rng.random() < 0.75 else pick(rng, ev.templates)
        tip["narrative"] = paraphrase(rng, template, ev.slots)
        loc = dict(ev.location)
        if ev.viral and rng.random() < 0.3:  # many who share a viral post say nothing of where
            loc = {}
        tip["location"] = loc
        if rng.random() < 0.6:
            first, _, last = person_name(rng, "US")
            tipster: dict[str, str] = {}
            if rng.random() < 0.7:
                tipster["name"] = f"{first} {last}"
            if rng.random() < 0.5:
                tipster["phone"] = ids.phone_e164(rng, "US")
            if rng.random() < 0.5 or not tipster:
                tipster["email"] = ids.email_for(rng, [first, last])
            tip["tipster"] = tipster
        mentions: list[tuple[str, int]] = []
        subjects: list[dict[str, str]] = []
        for p in ev.subjects:
            if rng.random() < 0.15 and len(ev.subjects) > 1:
                continue
            s: dict[str, str] = {"name": pick_variant(rng, ctx.parties.name_variants[p])}
            if ctx.parties.dob[p] and rng.random() < 0.3:
                s["dob"] = ctx.parties.dob[p]
            if rng.random() < 0.5:
                s["phone"] = ids.phone_display(rng, ctx.parties.phone[p])
            if rng.random() < 0.4:
                s["email"] = ctx.parties.email[p]
            if rng.random() < 0.3:
                s["address"] = pick_variant(rng, ctx.parties.address_variants[p])
            mentions.append((f"subjects[{len(subjects)}]", p))
            subjects.append(s)
        if ev.viral:
            subjects = [{"username": ev.slots["user"]}]
        if subjects:
            tip["subjects"] = subjects
        if rng.random() < 0.12:
            tip["attachments"] = [_attachment(rng) for _ in range(int(rng.integers(1, 4)))]
        return tip, mentions


def _attachment(rng: np.random.Generator) -> dict[str, Any]:
    kinds = (("image/jpeg", "jpg"), ("image/png", "png"), ("application/pdf", "pdf"))
    kind = kinds[int(rng.integers(len(kinds)))]
    return {"filename": f"attachment_{int(rng.integers(1, 9999))}.{kind[1]}", "content_type": kind[0],
            "size_bytes": int(rng.integers(20_000, 5_000_000)), "sha256": rng.bytes(32).hex()}


def _iso(t: int) -> str:
    return (_EPOCH + dt.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sizes(rng: np.random.Generator, n_tips: int, viral_max: int) -> list[tuple[int, bool]]:
    """Reports per event: most events once, some a few times, a handful of viral posts many times."""
    out: list[tuple[int, bool]] = []
    n_viral = max(1, n_tips // 20_000)
    total = 0
    for _ in range(n_viral):
        size = int(min(viral_max, max(10, viral_max * rng.uniform(0.3, 1.0))))
        out.append((size, True))
        total += size
    while total < n_tips:
        size = 1 if rng.random() < 0.72 else int(min(12, 2 + rng.geometric(0.45)))
        size = min(size, n_tips - total)
        out.append((size, False))
        total += size
    order = rng.permutation(len(out))
    return [out[int(i)] for i in order]


def generate_tips(factory: TipFactory, n_tips: int, viral_max: int, truth: TipTruth,
                  progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """All tips as JSON lines sorted by receipt time, numbered per channel, truth recorded as we go.

    Tips are held as compact JSON text until sorted (a million dicts would not fit comfortably)."""
    rng = factory.rng
    staged: list[tuple[int, int, str, str, str, str, tuple[tuple[str, int], ...]]] = []
    for k, (size, viral) in enumerate(_sizes(rng, n_tips, viral_max)):
        ev = factory.event(k, viral)
        t0 = int((DAY0 + rng.integers(0, DAYS)) * 86_400 + rng.integers(0, 86_400))
        spread = 6 * 3600 if viral else 20 * 86_400
        for _ in range(size):
            t = t0 + int(rng.exponential(spread))
            tip, mentions = factory.report(ev, t)
            office = ev.office if tip["location"] else factory.hq
            del tip["external_id"]
            tail = json.dumps(tip, ensure_ascii=False, separators=(",", ":"))[1:]
            staged.append((t, len(staged), _CHANNEL_PREFIX[tip["channel"]], tail, ev.group, office, tuple(mentions)))
        if progress:
            progress(size)
    staged.sort(key=lambda x: (x[0], x[1]))
    counters: dict[str, int] = {}
    party_id = factory.ctx.parties.party_id
    for _t, _i, prefix, tail, group, office, said in staged:
        counters[prefix] = counters.get(prefix, 0) + 1
        external_id = f"{prefix}-{counters[prefix]:08d}"
        truth.offices.append((external_id, office))
        truth.groups.append((external_id, group))
        for fld, p in said:
            truth.mentions.append(("tips.jsonl", external_id, fld, party_id[p]))
        yield f'{{"external_id":"{external_id}",{tail}'
    staged.clear()
