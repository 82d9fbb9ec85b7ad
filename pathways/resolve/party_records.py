"""Party records from the mention table: what entity resolution compares.

A party record is one person or organization mention plus the address, phone, e-mail and account
mentions its record states for the same party: those that share its record and field, or sit under
it (``subjects[0]`` has ``subjects[0].phone``). The record's id is the party mention's id.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from pathways.resolve.models import Mention, MentionKind
from pathways.resolve.records import COLUMNS as RECORD_COLUMNS

PARTY_KINDS = (MentionKind.PERSON.value, MentionKind.ORGANIZATION.value)
# attached kind -> record column, and whether the record takes the raw value or the normalized key
ATTACHED = {
    MentionKind.ADDRESS.value: ("address", "value"),
    MentionKind.PHONE.value: ("phone", "normalized"),
    MentionKind.EMAIL.value: ("email", "normalized"),
    MentionKind.ACCOUNT.value: ("identifier", "normalized"),
    MentionKind.USERNAME.value: ("identifier", "normalized"),
}
FETCH = 50_000
_SCHEMA = {"id": pl.String, "kind": pl.String, "value": pl.String, "normalized": pl.String, "source": pl.String,
           "record_type": pl.String, "record_id": pl.String, "field": pl.String, "entity_id": pl.String}


def _frame(session: Session, record_keys: Iterable[tuple[str, str]] | None = None) -> pl.DataFrame:
    kinds = (*PARTY_KINDS, *ATTACHED)
    cols = (Mention.id, Mention.kind, Mention.value, Mention.normalized, Mention.source, Mention.record_type,
            Mention.record_id, Mention.field, Mention.entity_id)
    stmt = select(*cols).where(Mention.kind.in_(kinds))
    parts: list[pl.DataFrame] = []
    if record_keys is None:
        result = session.execute(stmt.execution_options(yield_per=FETCH))
        for chunk in result.partitions(FETCH):
            parts.append(pl.DataFrame([tuple(r) for r in chunk], schema=_SCHEMA, orient="row"))
    else:
        by_type: dict[str, list[str]] = {}
        for rtype, rid in sorted(set(record_keys)):
            by_type.setdefault(rtype, []).append(rid)
        for rtype, ids in by_type.items():  # (record_type, record_id) is the index's order
            for i in range(0, len(ids), 500):
                rows = session.execute(stmt.where(Mention.record_type == rtype,
                                                  Mention.record_id.in_(ids[i:i + 500]))).all()
                parts.append(pl.DataFrame([tuple(r) for r in rows], schema=_SCHEMA, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=_SCHEMA)


def build(frame: pl.DataFrame) -> tuple[pa.Table, dict[str, list[str]], dict[str, str]]:
    """Records, the attached mention ids of each party, and each party mention's current entity."""
    df = frame.with_columns(pl.col("field").str.split(".").list.first().alias("party_field"))
    key = ["record_type", "record_id", "party_field"]
    parties = df.filter(pl.col("kind").is_in(PARTY_KINDS))
    attached = df.filter(~pl.col("kind").is_in(PARTY_KINDS)).with_columns(
        pl.col("kind").replace_strict({k: c for k, (c, _) in ATTACHED.items()}).alias("column"),
        pl.when(pl.col("kind").replace_strict({k: w for k, (_, w) in ATTACHED.items()}) == "value")
        .then(pl.col("value")).otherwise(pl.col("normalized")).alias("text"))
    firsts = attached.sort("id").group_by([*key, "column"]).agg(pl.col("text").first())
    wide = firsts.pivot(on="column", index=key, values="text") if firsts.height else pl.DataFrame(
        schema={k: pl.String for k in key})
    # Sources record every named party as an organization or a person by their field alone (a manifest's
    # importer may be a person); the kind is left to the resolver's own inference from the name.
    records = parties.join(wide, on=key, how="left").rename({"value": "name"}).drop("kind")
    # the parties of one source record keep each other's company (see ``company``)
    records = records.with_columns(pl.concat_str([pl.col("record_type"), pl.col("record_id")], separator=":")
                                   .alias("record"))
    for c in RECORD_COLUMNS:
        if c not in records.columns:
            records = records.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    records = records.sort("id")
    links = parties.select(["id", *key]).join(attached.select([pl.col("id").alias("attached_id"), *key]), on=key)
    attached_of: dict[str, list[str]] = {}
    for pid, aid in links.select(["id", "attached_id"]).iter_rows():
        attached_of.setdefault(pid, []).append(aid)
    current = {pid: eid for pid, eid in records.select(["id", "entity_id"]).iter_rows() if eid}
    return records.select(RECORD_COLUMNS).to_arrow(), attached_of, current


def party_records(session: Session) -> tuple[pa.Table, dict[str, list[str]], dict[str, str]]:
    """Every party record in the store (see ``build``)."""
    return build(_frame(session))


def records_for(session: Session, record_keys: Iterable[tuple[str, str]]) -> tuple[pa.Table, dict[str, list[str]],
                                                                                   dict[str, str]]:
    """The party records of some source records, given as (record_type, record_id)."""
    return build(_frame(session, list(record_keys)))
