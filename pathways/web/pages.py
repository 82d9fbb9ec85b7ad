"""The home page: a dashboard for signed-in users, a public landing page for everyone else."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from pathways.web.dashboard import DashboardCard
from pathways.web.deps import PageContext, page
from pathways.web.nav import NavItem, visible
from pathways.web.templating import render

router = APIRouter()

NAV = [NavItem("Home", "/", public=True, order=0)]


@router.get("/", response_class=HTMLResponse)
def home(request: Request, ctx: PageContext = Depends(page)) -> HTMLResponse:
    if ctx.viewer.is_anonymous:
        return render(request, "landing.html", title="Welcome")
    cards: list[DashboardCard] = []
    for provider in request.app.state.dashboard:
        cards.extend(provider(ctx.session, ctx.viewer))
    cards.sort(key=lambda c: c.order)
    links = [item for item in visible(request.app.state.nav, ctx.viewer) if item.description]
    return render(request, "home.html", title="Dashboard", cards=cards, links=links)
