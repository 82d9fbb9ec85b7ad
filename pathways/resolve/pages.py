"""Entity pages: search, one entity across every source, and the review queue of uncertain pairs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pathways.core.errors import InvalidInput
from pathways.core.policy import Classification, Role, Viewer
from pathways.resolve import service, views
from pathways.resolve.entity_models import EntityStatus
from pathways.resolve.explain_parts import weight_parts
from pathways.resolve.mentions import ENTITY_READERS
from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page
from pathways.web.nav import NavItem
from pathways.web.tables import Column, Table
from pathways.web.templating import redirect, render

router = APIRouter()
READERS = ENTITY_READERS
REVIEWERS = frozenset({Role.INTELLIGENCE_ANALYST, Role.SUPERVISOR, Role.ADMIN})
NAV = [
    NavItem("Entities", "/entities", READERS, order=40,
            description="Every party seen anywhere, resolved into one entity: its names, identifiers and links."),
    NavItem("Review", "/resolve/review", REVIEWERS, order=41,
            description="Pairs the matcher is unsure about: judge whether they are the same party."),
]
LES = Classification.LAW_ENFORCEMENT_SENSITIVE
ENTITY_COLUMNS = [Column("name", "Entity"), Column("kind", "Kind"), Column("sources", "Seen in", sortable=False),
                  Column("mentions", "Mentions", numeric=True)]
REVIEW_COLUMNS = [Column("probability", "Match", numeric=True), Column("left", "Record A", sortable=False),
                  Column("right", "Record B", sortable=False), Column("kind", "Kind"),
                  Column("now", "Now", sortable=False),
                  Column("why", "Strongest evidence", sortable=False)]
VERDICTS = {"same": "Same party", "not_same": "Not the same", "unsure": "Unsure"}


def dashboard(session: Session, viewer: Viewer) -> list[DashboardCard]:
    if not viewer.has_role(*REVIEWERS):
        return []
    return [DashboardCard("Pairs to review", views.review_count(session, viewer), "/resolve/review",
                          "uncertain entity matches", order=45)]


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*READERS)
    table = Table.from_request("entities", "/entities", request.query_params, ENTITY_COLUMNS, "mentions", "desc",
                               filter_keys=("q", "kind"), empty="No entity matches.", caption="Entities")
    kind = table.filters["kind"] if table.filters["kind"] in ("person", "organization") else ""
    found = views.search(ctx.session, ctx.viewer, table.filters["q"], kind, limit=500)
    table.from_list(found, {"name": lambda e: e.names[0].lower(), "kind": lambda e: e.kind,
                            "mentions": lambda e: e.mentions})
    return render(request, "resolve/entities.html", title="Entities", table=table,
                  runs=views.runs(ctx.session, 1), marking=LES)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(entity_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*READERS)
    view = views.entity_page(ctx.session, ctx.viewer, entity_id)
    if view.entity.status == EntityStatus.MERGED and view.entity.merged_into:
        return redirect(f"/entities/{view.entity.merged_into}",
                        "That entity was merged into this one; its history is below.")
    return render(request, "resolve/entity.html", title=view.name, view=view, labels=views.SOURCE_LABELS,
                  can_review=ctx.viewer.has_role(*REVIEWERS), marking=LES)


@router.get("/resolve/review", response_class=HTMLResponse)
def review_page(request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*REVIEWERS)
    table = Table.from_request("review", "/resolve/review", request.query_params, REVIEW_COLUMNS, "",
                               empty="No pairs are waiting for review.", caption="Pairs to review")
    items = views.review_queue(ctx.session, ctx.viewer, limit=500)  # in the order that matters most
    table.from_list(items, {"probability": lambda i: i.pair.probability, "kind": lambda i: i.pair.kind})
    return render(request, "resolve/review.html", title="Review uncertain matches", table=table,
                  runs=views.runs(ctx.session, 1), marking=LES)


@router.get("/resolve/review/{pair_id}", response_class=HTMLResponse)
def pair_page(pair_id: str, request: Request, ctx: PageContext = Depends(page), error: str = "") -> Response:
    ctx.require(*REVIEWERS)
    return _pair(request, ctx, pair_id, error)


def _pair(request: Request, ctx: PageContext, pair_id: str, error: str = "", status_code: int = 200) -> Response:
    item = views.review_item(ctx.session, ctx.viewer, pair_id)
    sides = [(m, views.party_details(ctx.session, ctx.viewer, m), views.record_href(ctx.session, m))
             for m in (item.left, item.right)]
    return render(request, "resolve/pair.html", title="Same party?", item=item, sides=sides,
                  weights=weight_parts(item.pair.explanation), verdicts=VERDICTS,
                  labels=views.SOURCE_LABELS, error=error, marking=LES, status_code=status_code)


@router.post("/resolve/review/{pair_id}")
async def judge_post(pair_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    ctx.require(*REVIEWERS)
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    views.review_item(ctx.session, ctx.viewer, pair_id)  # both records must be visible to judge them
    try:
        j = service.judge(ctx.session, ctx.viewer, pair_id, form.get("verdict", ""), form.get("note", ""))
    except InvalidInput as exc:
        ctx.session.rollback()
        return _pair(request, ctx, pair_id, "Choose whether the two records are the same party.", 422) \
            if not form.get("verdict") else _pair(request, ctx, pair_id, exc.detail, 422)
    nxt = views.review_queue(ctx.session, ctx.viewer, limit=1)
    message = f"Recorded: {VERDICTS[j.verdict].lower()}. It holds on every later run."
    return redirect(f"/resolve/review/{nxt[0].pair.id}" if nxt else "/resolve/review", message)


@router.post("/entities/{entity_id}/mentions/{mention_id}/detach")
async def detach_post(entity_id: str, mention_id: str, request: Request, ctx: PageContext = Depends(page)) -> Response:
    """"Not this party": the mention is judged not the same as the mention that linked it here."""
    ctx.require(*REVIEWERS)
    view = views.entity_page(ctx.session, ctx.viewer, entity_id)
    match = view.matches.get(mention_id)
    if match is None or all(m.id != mention_id for m in view.mentions):
        raise InvalidInput("that mention is not linked into this entity")
    form = {k: str(v) for k, v in (await request.form()).items() if isinstance(v, str)}
    service.judge_mentions(ctx.session, ctx.viewer, mention_id, match.other_mention_id, "not_same",
                           form.get("note", ""))
    return redirect(f"/entities/{entity_id}", "Taken out of this entity; the judgement holds on every later run.")
