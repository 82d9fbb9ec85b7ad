"""The few manifest entries that carry a planted fact: counterfeit lines, hard negatives, and
smuggling organizations' front-company cargo. Built one entry at a time (they are ~3% of lines)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pathways.world import names as N
from pathways.world.context import WorldContext, draw
from pathways.world.networks import DAY0, Network
from pathways.world.obfuscate import HOST_DESCRIPTIONS, HOST_HTS, compat_description, counterfeit_description
from pathways.world.rng import pick
from pathways.world.variants import pick_variant

COUNTERFEIT, HARD_NEGATIVE, FRONT = 2, 3, 4
Line = tuple[str, str, int, float, bool, int, int, str]  # description, hts, qty, value, is_cf, rec, product, cue


@dataclass
class SpecialLines:
    """Column lists for special lines, plus their ground truth."""

    entry: list[int] = field(default_factory=list)
    seq: list[int] = field(default_factory=list)
    imp: list[int] = field(default_factory=list)
    shp: list[int] = field(default_factory=list)
    con: list[int] = field(default_factory=list)
    imp_name: list[str] = field(default_factory=list)
    imp_addr: list[str] = field(default_factory=list)
    shp_name: list[str] = field(default_factory=list)
    shp_addr: list[str] = field(default_factory=list)
    con_name: list[str] = field(default_factory=list)
    con_addr: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    hts: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    quantity: list[int] = field(default_factory=list)
    unit_value: list[float] = field(default_factory=list)
    # truth
    is_counterfeit: list[bool] = field(default_factory=list)
    recordation: list[int] = field(default_factory=list)  # -1 when none
    product: list[int] = field(default_factory=list)  # -1 when none
    cue: list[str] = field(default_factory=list)
    network: list[str] = field(default_factory=list)


def _names(ctx: WorldContext, rng: np.random.Generator, p: int) -> tuple[str, str]:
    ps = ctx.parties
    return pick_variant(rng, ps.name_variants[p]), pick_variant(rng, ps.address_variants[p])


def _add(out: SpecialLines, ctx: WorldContext, rng: np.random.Generator, e: int, n: int, imp: int, shp: int,
         con: int, lines: list[Line], origin: str, net: str) -> None:
    imp_n, imp_a = _names(ctx, rng, imp)
    shp_n, shp_a = _names(ctx, rng, shp)
    con_n, con_a = (imp_n, imp_a) if con == imp else _names(ctx, rng, con)
    for k, (desc, hts, qty, value, is_cf, rec, prod, cue) in enumerate(lines[:n]):
        out.entry.append(e)
        out.seq.append(k)
        out.imp.append(imp)
        out.shp.append(shp)
        out.con.append(con)
        out.imp_name.append(imp_n)
        out.imp_addr.append(imp_a)
        out.shp_name.append(shp_n)
        out.shp_addr.append(shp_a)
        out.con_name.append(con_n)
        out.con_addr.append(con_a)
        out.origin.append(origin)
        out.hts.append(hts)
        out.description.append(desc)
        out.quantity.append(qty)
        out.unit_value.append(round(value, 2))
        out.is_counterfeit.append(is_cf)
        out.recordation.append(rec)
        out.product.append(prod)
        out.cue.append(cue)
        out.network.append(net)


def _product_of(ctx: WorldContext, rng: np.random.Generator, rec: int) -> int:
    return int(ctx.rec_prod_start[rec] + rng.integers(ctx.rec_prod_cnt[rec]))


def _counterfeit_lines(ctx: WorldContext, rng: np.random.Generator, recs: list[int], n: int, small: bool,
                       origin: str, shipper_unauthorized: bool) -> list[Line]:
    lines = []
    for _ in range(n):
        rec = recs[int(rng.integers(len(recs)))]
        prod = _product_of(ctx, rng, rec)
        r = ctx.brands.recordations[rec]
        desc, cues = counterfeit_description(rng, r.mark, ctx.brands.products[prod].product)
        msrp = float(ctx.prod_msrp[prod])
        value = msrp * rng.uniform(0.02, 0.15)
        cues.append("undervalued")
        if origin not in r.authorized_countries:
            cues.append("unauthorized_origin")
        if shipper_unauthorized:
            cues.append("unauthorized_shipper")
        qty = int(rng.integers(1, 12)) if small else int(np.exp(rng.uniform(np.log(50), np.log(4000))))
        lines.append((desc, ctx.brands.products[prod].hts_code, qty, max(0.5, value), True, rec, prod,
                      ";".join(cues)))
    return lines


def counterfeit_entry(out: SpecialLines, ctx: WorldContext, rng: np.random.Generator, e: int, n: int,
                      mode: str, day: int) -> None:
    small = mode in ("express", "mail", "passenger")
    rings = [x for x in ctx.networks if x.kind == "counterfeiting_ring"]
    if rings and rng.random() < 0.8:
        ring: Network = rings[int(draw(rng, ctx.ring_cum, 1)[0])]
        shp = pick_int(rng, ring.active(ring.shippers, day - DAY0))
        con = pick_int(rng, ring.consignees)
        if small:
            imp = con if rng.random() < 0.6 else pick_int(rng, ring.active(ring.importers, day - DAY0))
        else:
            imp = pick_int(rng, ring.active(ring.importers, day - DAY0))
            con = imp if rng.random() < 0.7 else con
        origin = pick(rng, ring.origins)
        lines = _counterfeit_lines(ctx, rng, ring.targets, n, small, origin, True)
        _add(out, ctx, rng, e, n, imp, shp, con, lines, origin, ring.network_id)
        return
    # an independent seller: an ordinary shipper in a counterfeiting hub, an ordinary buyer
    pools = ctx.pools
    shp = int(pools.shippers[draw(rng, ctx.shipper_cum, 1)[0]])
    origin = ctx.parties.country[shp]
    if origin not in N.COUNTERFEIT_ORIGINS:
        origin = pick(rng, N.COUNTERFEIT_ORIGINS)
    con = int(pools.consumers[draw(rng, ctx.consumer_cum, 1)[0]])
    imp = con if small else int(pools.importers[draw(rng, ctx.importer_cum, 1)[0]])
    rec = int(draw(rng, ctx.rec_cum, 1)[0])
    if ctx.brands.recordations[rec].host_word or ctx.brands.recordations[rec].type == "trade_name":
        rec = ctx.cf_recs[int(rng.integers(len(ctx.cf_recs)))]
    lines = _counterfeit_lines(ctx, rng, [rec], n, small, origin, shp not in _makers(ctx, rec))
    _add(out, ctx, rng, e, n, imp, shp, con, lines, origin, "")


def _makers(ctx: WorldContext, rec: int) -> set[int]:
    return set(ctx.brands.recordations[rec].manufacturers)


def pick_int(rng: np.random.Generator, items: list[int]) -> int:
    return items[int(rng.integers(len(items)))]


def hard_negative_entry(out: SpecialLines, ctx: WorldContext, rng: np.random.Generator, e: int, n: int,
                        mode: str) -> None:
    pools = ctx.pools
    small = mode in ("express", "mail", "passenger")
    shp = int(pools.shippers[draw(rng, ctx.shipper_cum, 1)[0]])
    imp = int(pools.importers[draw(rng, ctx.importer_cum, 1)[0]])
    con = int(pools.consumers[draw(rng, ctx.consumer_cum, 1)[0]]) if small else imp
    if small and rng.random() < 0.6:
        imp = con
    recs = ctx.brands.recordations
    hosts, similar = ctx.host_recs, ctx.similar_recs
    lines = []
    for _ in range(n):
        k = rng.random()
        if k < 0.3 and hosts:
            rec = pick_int(rng, hosts)
            desc = pick(rng, HOST_DESCRIPTIONS[recs[rec].host_word])
            lines.append((desc, HOST_HTS[recs[rec].host_word], _qty(rng, small), float(rng.uniform(1, 30)), False,
                          rec, -1, "embedded_word"))
            continue
        if k < 0.5 and similar:  # a genuine shipment of a mark that looks like another mark
            rec = pick_int(rng, similar)
            prod = _product_of(ctx, rng, rec)
            makers = list(recs[rec].manufacturers)
            p = ctx.brands.products[prod]
            lines.append((f"{recs[rec].mark} {p.product}", p.hts_code, _qty(rng, small),
                          p.msrp_usd * rng.uniform(0.4, 0.9), False, rec, prod, "similar_legit_mark"))
            shp = pick_int(rng, makers)
            continue
        rec = int(draw(rng, ctx.rec_cum, 1)[0])
        lines.append((compat_description(rng, recs[rec].mark), "3926.90.9989", _qty(rng, small),
                      float(rng.uniform(1, 25)), False, rec, -1, "compatibility"))
    origin = ctx.parties.country[shp]
    _add(out, ctx, rng, e, n, imp, shp, con, lines, origin, "")


def _qty(rng: np.random.Generator, small: bool) -> int:
    return int(rng.integers(1, 6)) if small else int(rng.integers(50, 3000))


def front_entry(out: SpecialLines, ctx: WorldContext, rng: np.random.Generator, e: int, n: int, day: int) -> None:
    orgs = [x for x in ctx.networks if x.kind == "smuggling_org"]
    if not orgs:
        hard_negative_entry(out, ctx, rng, e, n, "cargo")
        return
    org = orgs[int(rng.integers(len(orgs)))]
    imp = pick_int(rng, org.active(org.importers, day - DAY0))
    shp = org.shippers[0].party
    lines = []
    for _ in range(n):
        j = int(rng.integers(len(ctx.generic_desc)))
        lo, hi = float(ctx.generic_low[j]), float(ctx.generic_high[j])
        lines.append((str(ctx.generic_desc[j]), str(ctx.generic_hts[j]), int(rng.integers(100, 5000)),
                      rng.uniform(lo, hi), False, -1, -1, "front_company"))
    _add(out, ctx, rng, e, n, imp, shp, imp, lines, org.origins[0], org.network_id)
