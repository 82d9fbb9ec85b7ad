"""Everything the streaming steps need, held as flat arrays so lines can be drawn vectorized."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from pathways.world.brands import Brands
from pathways.world.catalog import BULK_GOODS, CATEGORIES
from pathways.world.networks import Network
from pathways.world.parties import Parties, Pools


def _flatten(pools: list[list[str]]) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    counts = np.fromiter((len(v) for v in pools), dtype=np.int64, count=len(pools))
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    flat = pa.array([s for v in pools for s in v], type=pa.string())
    return flat, offsets, counts


def zipf_weights(rng: np.random.Generator, n: int, a: float = 1.3) -> np.ndarray:
    """Cumulative sampling weights where a few parties trade a lot and most trade a little."""
    w = np.minimum(rng.zipf(a, size=n).astype(float), 1000.0)
    return np.cumsum(w) / w.sum()


def draw(rng: np.random.Generator, cum: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cum, rng.random(size), side="right"), len(cum) - 1)


@dataclass
class WorldContext:
    parties: Parties
    pools: Pools
    brands: Brands
    networks: list[Network]
    # parties, flat
    party_id: pa.Array
    party_country: pa.Array
    names: pa.Array
    name_off: np.ndarray
    name_cnt: np.ndarray
    addrs: pa.Array
    addr_off: np.ndarray
    addr_cnt: np.ndarray
    importer_cum: np.ndarray
    shipper_cum: np.ndarray
    consumer_cum: np.ndarray
    # recordations and products
    rec_mark: pa.Array
    rec_regno: pa.Array
    rec_cum: np.ndarray  # popularity, cumulative
    rec_prod_start: np.ndarray
    rec_prod_cnt: np.ndarray
    rec_maker_flat: np.ndarray
    rec_maker_off: np.ndarray
    rec_maker_cnt: np.ndarray
    rec_distributor: np.ndarray
    prod_name: pa.Array
    prod_hts: pa.Array
    prod_msrp: np.ndarray
    prod_rec: np.ndarray
    # unbranded goods: description, HTS, unit value range
    generic_desc: pa.Array
    generic_hts: pa.Array
    generic_low: np.ndarray
    generic_high: np.ndarray
    generic_is_bulk: np.ndarray
    ring_cum: np.ndarray
    cf_recs: list[int]  # recordations counterfeiters copy (trademarks and copyrights, not word-cut marks)
    host_recs: list[int]  # recordations whose mark hides inside a common word
    similar_recs: list[int]  # recordations deliberately similar to another legitimate mark


def build_context(parties: Parties, pools: Pools, brands: Brands, networks: list[Network],
                  rng: np.random.Generator) -> WorldContext:
    names, name_off, name_cnt = _flatten(parties.name_variants)
    addrs, addr_off, addr_cnt = _flatten(parties.address_variants)
    recs = brands.recordations
    prods = brands.products
    prod_start = np.array([v[0] for v in brands.products_by_recordation], dtype=np.int64)
    prod_cnt = np.array([len(v) for v in brands.products_by_recordation], dtype=np.int64)
    makers = [list(r.manufacturers) for r in recs]
    m_cnt = np.array([len(m) for m in makers], dtype=np.int64)
    m_off = np.concatenate([[0], np.cumsum(m_cnt)[:-1]]).astype(np.int64)
    g_desc, g_hts, g_low, g_high, g_bulk = [], [], [], [], []
    for cat in CATEGORIES:
        for j, d in enumerate(cat.generic):
            p = cat.products[j % len(cat.products)]
            g_desc.append(d)
            g_hts.append(p.hts_code)
            g_low.append(max(0.5, p.msrp_low * 0.05))
            g_high.append(max(2.0, p.msrp_low * 0.4))
            g_bulk.append(False)
    for d, hts, lo, hi in BULK_GOODS:
        g_desc.append(d)
        g_hts.append(hts)
        g_low.append(lo)
        g_high.append(hi)
        g_bulk.append(True)
    rings = [n for n in networks if n.kind == "counterfeiting_ring"]
    ring_w = np.array([n.weight for n in rings] or [1.0])
    return WorldContext(
        parties=parties, pools=pools, brands=brands, networks=networks,
        party_id=pa.array(parties.party_id, type=pa.string()),
        party_country=pa.array(parties.country, type=pa.string()),
        names=names, name_off=name_off, name_cnt=name_cnt, addrs=addrs, addr_off=addr_off, addr_cnt=addr_cnt,
        importer_cum=zipf_weights(rng, len(pools.importers)),
        shipper_cum=zipf_weights(rng, len(pools.shippers)),
        consumer_cum=zipf_weights(rng, len(pools.consumers), a=2.5),
        rec_mark=pa.array([r.mark for r in recs], type=pa.string()),
        rec_regno=pa.array([r.registration_number for r in recs], type=pa.string()),
        rec_cum=np.cumsum(brands.popularity) / brands.popularity.sum(),
        rec_prod_start=prod_start, rec_prod_cnt=prod_cnt,
        rec_maker_flat=np.array([m for ms in makers for m in ms], dtype=np.int64),
        rec_maker_off=m_off, rec_maker_cnt=m_cnt,
        rec_distributor=pools.importers[rng.integers(0, len(pools.importers), size=len(recs))],
        prod_name=pa.array([p.product for p in prods], type=pa.string()),
        prod_hts=pa.array([p.hts_code for p in prods], type=pa.string()),
        prod_msrp=np.array([p.msrp_usd for p in prods]),
        prod_rec=np.array([p.recordation for p in prods], dtype=np.int64),
        generic_desc=pa.array(g_desc, type=pa.string()), generic_hts=pa.array(g_hts, type=pa.string()),
        generic_low=np.array(g_low), generic_high=np.array(g_high), generic_is_bulk=np.array(g_bulk),
        ring_cum=np.cumsum(ring_w) / ring_w.sum(),
        cf_recs=[i for i, r in enumerate(recs) if r.type != "trade_name" and not r.host_word],
        host_recs=[i for i, r in enumerate(recs) if r.host_word],
        similar_recs=[i for i, r in enumerate(recs) if r.similar_to >= 0],
    )


def pick_variants(rng: np.random.Generator, party: np.ndarray, off: np.ndarray, cnt: np.ndarray,
                  canonical_share: float = 0.55) -> np.ndarray:
    """Index into a flat variant array: the canonical spelling often, another spelling otherwise."""
    c = cnt[party]
    alt = 1 + np.floor(rng.random(len(party)) * np.maximum(c - 1, 1)).astype(np.int64)
    use_canonical = (rng.random(len(party)) < canonical_share) | (c == 1)
    return off[party] + np.where(use_canonical, 0, alt)
