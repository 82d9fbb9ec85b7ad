"""Manifest lines, generated in fixed-size chunks: ordinary trade vectorized, planted lines merged in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pathways.world.context import WorldContext, draw, pick_variants
from pathways.world.networks import DAY0, DAYS
from pathways.world.ports import MODES, PORTS_BY_MODE
from pathways.world.rng import stream
from pathways.world.special_lines import (
    COUNTERFEIT,
    FRONT,
    HARD_NEGATIVE,
    SpecialLines,
    counterfeit_entry,
    front_entry,
    hard_negative_entry,
)
from pathways.world.writers import write_table

GENERIC, BRANDED = 0, 1

MANIFEST_SCHEMA = pa.schema([
    ("line_id", pa.string()), ("entry_number", pa.string()), ("arrival_date", pa.date32()),
    ("port_code", pa.string()), ("mode", pa.string()), ("importer_name", pa.string()),
    ("importer_address", pa.string()), ("importer_country", pa.string()), ("shipper_name", pa.string()),
    ("shipper_address", pa.string()), ("shipper_country", pa.string()), ("consignee_name", pa.string()),
    ("consignee_address", pa.string()), ("origin_country", pa.string()), ("hts_code", pa.string()),
    ("description", pa.string()), ("quantity", pa.int64()), ("unit_value_usd", pa.float64()),
])
MENTION_SCHEMA = pa.schema([("source", pa.string()), ("record_id", pa.string()), ("field", pa.string()),
                            ("party_id", pa.string())])

# entry mode shares, and per mode the chance an entry is counterfeit / hard negative / front / branded
_MODE_P = np.array([0.52, 0.28, 0.18, 0.02])
_KIND_P = {  # counterfeit, hard negative, front, branded (rest generic)
    "express": (0.021, 0.012, 0.0, 0.30),
    "mail": (0.021, 0.012, 0.0, 0.25),
    "cargo": (0.012, 0.012, 0.004, 0.35),
    "passenger": (0.20, 0.0, 0.0, 0.30),
}
_FILER = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class ManifestTruth:
    """Planted lines across all chunks (for truth files and seizures)."""

    rows: list[tuple[str, bool, int, str]] = field(default_factory=list)  # line_id, is_cf, rec, cue
    counterfeit: list[dict[str, object]] = field(default_factory=list)


def _entries(rng: np.random.Generator, n_lines: int) -> tuple[np.ndarray, np.ndarray]:
    """(mode index per entry, lines per entry) summing exactly to n_lines."""
    modes = rng.choice(len(MODES), size=n_lines, p=_MODE_P)
    small = 1 + np.minimum(rng.geometric(0.7, size=n_lines) - 1, 4)
    big = 1 + np.minimum(rng.poisson(4.0, size=n_lines), 30)
    lpe = np.where(modes == 2, big, small)
    cum = np.cumsum(lpe)
    e = int(np.searchsorted(cum, n_lines)) + 1
    lpe = lpe[:e].copy()
    lpe[-1] -= int(cum[e - 1]) - n_lines
    return modes[:e], lpe


def _kinds(rng: np.random.Generator, modes: np.ndarray) -> np.ndarray:
    u = rng.random(len(modes))
    kind = np.full(len(modes), GENERIC, dtype=np.int8)
    for mi, m in enumerate(MODES):
        cf, hn, fr, br = _KIND_P[m]
        sel = modes == mi
        kind[sel & (u < cf)] = COUNTERFEIT
        kind[sel & (u >= cf) & (u < cf + hn)] = HARD_NEGATIVE
        kind[sel & (u >= cf + hn) & (u < cf + hn + fr)] = FRONT
        kind[sel & (u >= cf + hn + fr) & (u < cf + hn + fr + br)] = BRANDED
    return kind


def _ports(rng: np.random.Generator, modes: np.ndarray) -> pa.Array:
    out = np.empty(len(modes), dtype=object)
    for mi, m in enumerate(MODES):
        sel = np.flatnonzero(modes == mi)
        codes = [c for c, _ in PORTS_BY_MODE[m]]
        w = np.array([x for _, x in PORTS_BY_MODE[m]])
        out[sel] = np.array(codes, dtype=object)[rng.choice(len(codes), size=len(sel), p=w / w.sum())]
    return pa.array(out, type=pa.string())


def _entry_numbers(rng: np.random.Generator, chunk: int, n: int) -> pa.Array:
    serial = chunk * 1_000_000 + np.arange(n, dtype=np.int64)
    check = (serial * 7 + serial // 10 * 3) % 10
    filer = rng.integers(0, len(_FILER), size=(3, n))
    letters = np.array(list(_FILER), dtype=object)
    prefix = letters[filer[0]] + letters[filer[1]] + letters[filer[2]]
    text = pc.binary_join_element_wise(pa.array(prefix, type=pa.string()),
                                       pc.utf8_lpad(pc.cast(pa.array(serial), pa.string()), 7, "0"),
                                       pc.cast(pa.array(check), pa.string()), "-")
    return text


def _ordinary(ctx: WorldContext, rng: np.random.Generator, ent: np.ndarray, modes_l: np.ndarray,
              kinds_l: np.ndarray, e_imp: np.ndarray, e_shp: np.ndarray, e_con: np.ndarray,
              e_rec: np.ndarray) -> dict[str, pa.Array | np.ndarray]:
    """Descriptions, HTS, quantities and values for generic and branded lines (vectorized)."""
    n = len(ent)
    small = modes_l != 2
    branded = kinds_l == BRANDED
    # generic
    g = rng.integers(0, len(ctx.generic_desc), size=n)
    bulk_ok = ~small | ~ctx.generic_is_bulk[g]
    g = np.where(bulk_ok, g, rng.integers(0, len(ctx.generic_desc) - 12, size=n))
    g_value = np.exp(rng.uniform(np.log(ctx.generic_low[g]), np.log(ctx.generic_high[g])))
    # branded
    rec = e_rec[ent]
    prod = ctx.rec_prod_start[rec] + np.floor(rng.random(n) * ctx.rec_prod_cnt[rec]).astype(np.int64)
    msrp = ctx.prod_msrp[prod]
    b_value = msrp * np.where(small, rng.uniform(0.7, 1.0, n), rng.uniform(0.35, 0.75, n))
    mark = ctx.rec_mark.take(pa.array(rec))
    pname = ctx.prod_name.take(pa.array(prod))
    style = rng.integers(0, 3, size=n)
    model = pc.cast(pa.array(rng.integers(100, 9999, size=n)), pa.string())
    b_desc = pc.choose(pa.array(style, type=pa.int8()),
                       pc.binary_join_element_wise(mark, pname, " "),
                       pc.binary_join_element_wise(pname, mark, ", brand "),
                       pc.binary_join_element_wise(mark, pname, pc.binary_join_element_wise("style", model, " "), " "))
    desc = pc.if_else(pa.array(branded), b_desc, ctx.generic_desc.take(pa.array(g)))
    hts = pc.if_else(pa.array(branded), ctx.prod_hts.take(pa.array(prod)), ctx.generic_hts.take(pa.array(g)))
    qty_small = rng.integers(1, 6, size=n)
    qty_big = np.exp(rng.uniform(np.log(20), np.log(20000), size=n)).astype(np.int64)
    qty = np.where(small, qty_small, qty_big)
    value = np.round(np.where(branded, b_value, g_value), 2)
    return {"description": desc, "hts_code": hts, "quantity": qty, "unit_value_usd": value}


def generate_chunk(ctx: WorldContext, seed: int, chunk: int, start_line: int, n_lines: int,
                   truth: ManifestTruth) -> tuple[pa.Table, pa.Table]:
    """One chunk of manifest lines and its truth mentions."""
    rng = stream(seed, "manifests", chunk)
    modes, lpe = _entries(rng, n_lines)
    n_e = len(modes)
    kinds = _kinds(rng, modes)
    days = DAY0 + rng.integers(0, DAYS, size=n_e)
    ports = _ports(rng, modes)
    entry_no = _entry_numbers(rng, chunk, n_e)
    pools = ctx.pools
    small_e = modes != 2
    e_rec = draw(rng, ctx.rec_cum, n_e)
    maker = ctx.rec_maker_flat[ctx.rec_maker_off[e_rec] + np.floor(
        rng.random(n_e) * ctx.rec_maker_cnt[e_rec]).astype(np.int64)]
    e_shp = np.where(kinds == BRANDED, maker, pools.shippers[draw(rng, ctx.shipper_cum, n_e)])
    consumer = pools.consumers[draw(rng, ctx.consumer_cum, n_e)]
    importer = np.where(kinds == BRANDED, ctx.rec_distributor[e_rec], pools.importers[draw(rng, ctx.importer_cum, n_e)])
    # small parcels: the buyer is often the importer of record, or an express forwarder files for them
    forwarder = pools.forwarders[rng.integers(0, len(pools.forwarders), size=n_e)]
    u = rng.random(n_e)
    e_imp = np.where(small_e & (u < 0.5), consumer, np.where(small_e & (u < 0.75), forwarder, importer))
    e_con = np.where(small_e, consumer, e_imp)
    # entry-level spellings: one entry writes each party once
    imp_nv = pick_variants(rng, e_imp, ctx.name_off, ctx.name_cnt)
    imp_av = pick_variants(rng, e_imp, ctx.addr_off, ctx.addr_cnt)
    shp_nv = pick_variants(rng, e_shp, ctx.name_off, ctx.name_cnt)
    shp_av = pick_variants(rng, e_shp, ctx.addr_off, ctx.addr_cnt)
    con_nv = np.where(e_con == e_imp, imp_nv, pick_variants(rng, e_con, ctx.name_off, ctx.name_cnt))
    con_av = np.where(e_con == e_imp, imp_av, pick_variants(rng, e_con, ctx.addr_off, ctx.addr_cnt))

    # ordinary lines
    ent = np.repeat(np.arange(n_e), lpe)
    seq = np.arange(len(ent)) - np.repeat(np.cumsum(lpe) - lpe, lpe)
    keep = (kinds[ent] == GENERIC) | (kinds[ent] == BRANDED)
    ent_o, seq_o = ent[keep], seq[keep]
    cols = _ordinary(ctx, rng, ent_o, modes[ent_o], kinds[ent_o], e_imp, e_shp, e_con, e_rec)

    # planted lines
    sp = SpecialLines()
    for e in np.flatnonzero(kinds >= COUNTERFEIT).tolist():
        k, m, n, d = int(kinds[e]), MODES[int(modes[e])], int(lpe[e]), int(days[e])
        if k == COUNTERFEIT:
            counterfeit_entry(sp, ctx, rng, e, n, m, d)
        elif k == HARD_NEGATIVE:
            hard_negative_entry(sp, ctx, rng, e, n, m)
        else:
            front_entry(sp, ctx, rng, e, n, d)

    n_o, n_s = len(ent_o), len(sp.entry)
    all_ent = np.concatenate([ent_o, np.array(sp.entry, dtype=np.int64)])
    all_seq = np.concatenate([seq_o, np.array(sp.seq, dtype=np.int64)])
    order = np.lexsort((all_seq, all_ent))
    take = pa.array(order)
    ent_all = all_ent[order]
    imp_p = np.concatenate([e_imp[ent_o], np.array(sp.imp, dtype=np.int64)])[order]
    shp_p = np.concatenate([e_shp[ent_o], np.array(sp.shp, dtype=np.int64)])[order]
    con_p = np.concatenate([e_con[ent_o], np.array(sp.con, dtype=np.int64)])[order]

    def merged(ordinary: pa.Array, special: Sequence[object], typ: pa.DataType) -> pa.Array:
        return pa.concat_arrays([ordinary.cast(typ), pa.array(special, type=typ)]).take(take)

    line_num = start_line + np.arange(n_lines, dtype=np.int64)
    line_id = pc.binary_join_element_wise("L", pc.utf8_lpad(pc.cast(pa.array(line_num), pa.string()), 9, "0"), "")
    origin_o = ctx.party_country.take(pa.array(e_shp[ent_o]))
    table = pa.table({
        "line_id": line_id,
        "entry_number": entry_no.take(pa.array(ent_all)),
        "arrival_date": pa.array(days[ent_all].astype("int32"), type=pa.int32()).cast(pa.date32()),
        "port_code": ports.take(pa.array(ent_all)),
        "mode": pa.array(np.array(MODES, dtype=object)[modes[ent_all]], type=pa.string()),
        "importer_name": merged(ctx.names.take(pa.array(imp_nv[ent_o])), sp.imp_name, pa.string()),
        "importer_address": merged(ctx.addrs.take(pa.array(imp_av[ent_o])), sp.imp_addr, pa.string()),
        "importer_country": ctx.party_country.take(pa.array(imp_p)),
        "shipper_name": merged(ctx.names.take(pa.array(shp_nv[ent_o])), sp.shp_name, pa.string()),
        "shipper_address": merged(ctx.addrs.take(pa.array(shp_av[ent_o])), sp.shp_addr, pa.string()),
        "shipper_country": ctx.party_country.take(pa.array(shp_p)),
        "consignee_name": merged(ctx.names.take(pa.array(con_nv[ent_o])), sp.con_name, pa.string()),
        "consignee_address": merged(ctx.addrs.take(pa.array(con_av[ent_o])), sp.con_addr, pa.string()),
        "origin_country": merged(origin_o, sp.origin, pa.string()),
        "hts_code": merged(cols["hts_code"], sp.hts, pa.string()),  # type: ignore[arg-type]
        "description": merged(cols["description"], sp.description, pa.string()),  # type: ignore[arg-type]
        "quantity": merged(pa.array(cols["quantity"]), sp.quantity, pa.int64()),
        "unit_value_usd": merged(pa.array(cols["unit_value_usd"]), sp.unit_value, pa.float64()),
    }, schema=MANIFEST_SCHEMA)

    # truth: mentions of every line, planted facts of special lines
    fields = ("importer", "shipper", "consignee")
    mentions = pa.table({
        "source": pa.array(["manifests"] * (3 * n_lines), type=pa.string()),
        "record_id": pa.concat_arrays([line_id] * 3).take(pa.array(np.arange(3 * n_lines).reshape(3, -1).T.ravel())),
        "field": pa.array(np.tile(np.array(fields, dtype=object), n_lines), type=pa.string()),
        "party_id": ctx.party_id.take(pa.array(np.stack([imp_p, shp_p, con_p], axis=1).ravel())),
    }, schema=MENTION_SCHEMA)
    _collect_truth(ctx, truth, table, sp, np.argsort(order)[n_o:], n_s)
    return table, mentions


def _collect_truth(ctx: WorldContext, truth: ManifestTruth, table: pa.Table, sp: SpecialLines,
                   position: np.ndarray, n_s: int) -> None:
    if n_s == 0:
        return
    cols = {c: table.column(c).take(pa.array(position)).to_pylist() for c in (
        "line_id", "entry_number", "arrival_date", "port_code", "mode", "importer_name", "importer_address",
        "shipper_name", "shipper_address")}
    for i in range(n_s):
        line_id = cols["line_id"][i]
        truth.rows.append((line_id, sp.is_counterfeit[i], sp.recordation[i], sp.cue[i]))
        if sp.is_counterfeit[i]:
            prod = ctx.brands.products[sp.product[i]]
            rec = {c: cols[c][i] for c in cols}
            rec.update(origin_country=sp.origin[i], recordation=sp.recordation[i], product_category=prod.category,
                       description=sp.description[i], quantity=sp.quantity[i], unit_value=sp.unit_value[i],
                       msrp=prod.msrp_usd, network=sp.network[i], importer=sp.imp[i], shipper=sp.shp[i])
            truth.counterfeit.append(rec)


def write_manifests(ctx: WorldContext, seed: int, n_lines: int, chunk_lines: int, out: Path, fmt: str,
                    truth: ManifestTruth, progress: Callable[[int], None] | None = None) -> list[Path]:
    paths: list[Path] = []
    ext = {"parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}[fmt]
    start, chunk = 0, 0
    while start < n_lines:
        n = min(chunk_lines, n_lines - start)
        table, mentions = generate_chunk(ctx, seed, chunk, start, n, truth)
        p = out / "manifests" / f"part-{chunk:05d}.{ext}"
        write_table(p, table, fmt, chunk_lines)
        m = out / "truth" / "manifest_mentions" / f"part-{chunk:05d}.parquet"
        write_table(m, mentions, "parquet", 3 * chunk_lines)
        paths += [p, m]
        start += n
        chunk += 1
        if progress:
            progress(n)
    return paths
