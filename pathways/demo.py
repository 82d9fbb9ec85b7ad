"""``pathways demo``: a fresh, safe-to-repeat set-up of the embedded database with a synthetic world.

Each landed capability adds its loading step to ``DEMO_STEPS``; running the demo again skips what is
already there.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from pathways.core.console import console
from pathways.core.policy import OrgKind, Role, system_viewer
from pathways.core.settings import get_settings
from pathways.identity import service as identity
from pathways.store import migrate
from pathways.store.session import unit_of_work

DEMO_ORGS = {
    "rights_owner": ("Veltrano Holdings (demo rights owner)", OrgKind.RIGHTS_OWNER, "IT"),
    "partner": ("Coastal State Police (demo partner)", OrgKind.PARTNER_DOMESTIC, "US"),
}
# username -> (roles, office code or None, organization key or None for the agency)
DEMO_USERS: dict[str, tuple[tuple[Role, ...], str | None, str | None]] = {
    "admin": ((Role.ADMIN,), "HQ-TRIAGE", None),
    "supervisor": ((Role.SUPERVISOR,), "SAC-HOU", None),
    "agent": ((Role.SPECIAL_AGENT,), "SAC-HOU", None),
    "analyst": ((Role.INTELLIGENCE_ANALYST,), "HQ-TRIAGE", None),
    "officer": ((Role.BORDER_OFFICER,), "SAC-LAX", None),
    "tipline": ((Role.TIPLINE_OPERATOR,), "HQ-TRIAGE", None),
    "auditor": ((Role.AUDITOR,), None, None),
    "owner": ((Role.RIGHTS_OWNER,), None, "rights_owner"),
    "partner": ((Role.PARTNER,), None, "partner"),
}


@dataclass
class DemoInfo:
    url: str
    password: str
    world_dir: Path
    users: list[str]
    steps: list[str] = field(default_factory=list)


def _demo_password(var_dir: Path) -> str:
    """One password for every demo account, kept in var/ so a second run prints the same login."""
    path = var_dir / "demo-login.txt"
    if path.exists():
        return path.read_text().split("password:", 1)[1].strip()
    password = "demo-" + secrets.token_urlsafe(12)
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(f"username: admin\npassword: {password}\n")
    path.chmod(0o600)
    return password


def _ensure_users(session: Session, password: str) -> list[str]:
    viewer = system_viewer("cli", identity.agency(session).id)
    orgs = {key: identity.get_or_create_org(session, *spec) for key, spec in DEMO_ORGS.items()}
    known = {o.code for o in identity.list_offices(session)}
    for username, (roles, office, org_key) in DEMO_USERS.items():
        if identity.user_by_name(session, username) is None:
            identity.create_user(
                session,
                viewer,
                username=username,
                password=password,
                roles=frozenset(roles),
                org=orgs[org_key] if org_key else None,
                office_code=office if office in known else None,
                display_name=f"Demo {roles[0].label.lower()}",
            )
    return list(DEMO_USERS)


def _generate_world(world_dir: Path, seed: int, scale: str) -> str:
    from pathways.world.generate import generate_world

    if (world_dir / "world.json").exists():
        return f"world already generated in {world_dir}"
    summary = generate_world(world_dir, seed=seed, scale=scale)
    return f"world generated in {world_dir}: {summary}"


def _registry_step(world_dir: Path) -> str:
    from pathways.registry.importer import demo_step

    return demo_step(world_dir)


def _tips_step(world_dir: Path) -> str:
    from pathways.tips.importer import demo_step

    return demo_step(world_dir)


def _seizures_step(world_dir: Path) -> str:
    from pathways.seizures.importer import demo_step

    return demo_step(world_dir)


def _screening_step(world_dir: Path) -> str:
    from pathways.screening.demo import demo_step

    return demo_step(world_dir)


def _resolve_step(world_dir: Path) -> str:
    from pathways.resolve.demo import demo_step

    return demo_step(world_dir)


# Later capabilities append (name, step) pairs: each step loads its part of the world, idempotently.
DEMO_STEPS: list[tuple[str, Callable[[Path], str]]] = [
    ("IPR recordations", _registry_step),
    ("Manifest screening", _screening_step),
    ("Seizure history", _seizures_step),
    ("Tips", _tips_step),
    ("Entity resolution", _resolve_step),
]


def setup_demo(seed: int = 7, scale: str = "tiny") -> DemoInfo:
    settings = get_settings()
    var_dir = settings.var_dir
    migrate.upgrade()
    password = _demo_password(var_dir)
    with unit_of_work(system_viewer("cli")) as session:
        viewer = system_viewer("cli", identity.agency(session).id)
        identity.load_offices(session, viewer)
        users = _ensure_users(session, password)
    world_dir = var_dir / "world"
    steps = [_generate_world(world_dir, seed, scale)]
    for name, step in DEMO_STEPS:
        console.print(f"[bold]{name}[/] …")
        steps.append(step(world_dir))
    return DemoInfo(f"http://{settings.host}:{settings.port}", password, world_dir, users, steps)
