"""`tracker init` and `tracker import`: the database, the seeds and documents."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Document, Unit, User
from tracker.operations.importing import DocumentPlan, PlanError, apply_plan, plan_file
from tracker.operations.units import import_units_csv
from tracker.operations.users import create_user
from tracker.sources import Limits, SourceError

from .base import require_schema

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"

DEMO_UNIT = "省发展改革委"
DEMO_ACCOUNTS = (("admin", "admin", None), ("supervisor", "supervisor", None), ("fgw", "department", DEMO_UNIT))


@click.command("init")
@click.option("--demo", is_flag=True, help="Also create demo accounts and print their passwords.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Apply migrations (safe to run again)."""
    if demo and current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("--demo is refused when TRACKER_ENV=production")
    upgrade()
    click.echo("数据库已是最新结构。")
    if not db.session.scalar(select(func.count(Document.id))) and not db.session.scalar(select(func.count(Unit.id))):
        _import_seeds()
    if demo:
        _demo_accounts()


def _import_seeds() -> None:
    """An empty database gets the unit directory and the seed gazettes."""
    created, _ = import_units_csv((SEEDS / "units.csv").read_text(encoding="utf-8"))
    click.echo(f"单位目录：导入 {created} 个单位")
    for path in sorted(SEEDS.glob("*.txt")):
        for plan in plan_file(path.name, path.read_bytes()):
            apply_plan(plan)
            _echo_plan(plan)
    db.session.commit()


def _echo_plan(plan: DocumentPlan) -> None:
    line = (f"[{plan.status_label}] {plan.number or '（无文号）'}  {plan.title}  "
            f"任务 {len(plan.tasks)} 项，未明确单位 {plan.unassigned} 项")
    unknown = plan.unknown_units()
    if unknown:
        line += f"，目录外单位：{'、'.join(unknown)}"
    click.echo(line)
    if plan.recognised:
        low = min(plan.recognised.values())
        click.echo(f"  文字识别结果，请核对：{len(plan.recognised)} 行由扫描件识别，最低置信度 {low:.0%}")
    if plan.status == "duplicate":
        click.echo("  该文号在本次内容中已出现，不重复导入")
    elif plan.match == "title" and plan.status == "new":
        click.echo("  台账中已有同一发文机关、同一标题的文件，发文日期不全或不一致，按新文件导入")
    if plan.status == "revised":
        for draft in plan.added:
            click.echo(f"  + {draft.text[:40]}")
        for draft in plan.changed:
            click.echo(f"  ~ {draft.text[:40]}")
        for text in plan.removed:
            click.echo(f"  - {text[:40]}")


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would be imported; store nothing.")
@click.option("--yes", is_flag=True, help="Apply revisions of stored documents without asking.")
@with_appcontext
def import_command(paths: tuple[Path, ...], dry_run: bool, yes: bool) -> None:
    """Import documents (.txt in UTF-8 or GBK, .docx, .pdf) and their tasks."""
    require_schema()
    failed = False
    for path in paths:
        try:
            plans = plan_file(path.name, path.read_bytes(), limits=Limits.from_config(current_app.config))
        except SourceError as exc:
            click.echo(f"{path}: {exc}", err=True)
            failed = True
            continue
        if not plans:
            click.echo(f"{path}: 未发现任务")
        for plan in plans:
            # Unknown names are reported before anything is created for them.
            _echo_plan(plan)
            if dry_run or plan.status == "unchanged":
                continue
            if plan.status == "revised" and not yes and not click.confirm("  按修订内容更新该文件的任务？"):
                continue
            try:
                result = apply_plan(plan)
            except PlanError as exc:
                db.session.rollback()
                click.echo(f"  {exc}", err=True)
                failed = True
                continue
            for text in result.kept_removed:
                click.echo(f"  ! 修订后已无此任务，但已有进展报告，予以保留：{text[:40]}")
            db.session.commit()
    if dry_run:
        db.session.rollback()
    if failed:
        sys.exit(1)


def _demo_accounts() -> None:
    if Unit.lookup(db.session, DEMO_UNIT) is None:
        db.session.add(Unit(name=DEMO_UNIT, kind="department"))
        db.session.flush()
    for username, role, unit in DEMO_ACCOUNTS:
        if db.session.scalar(db.select(User).where(User.username == username)):
            click.echo(f"demo account {username} exists, left as it is")
            continue
        password = secrets.token_urlsafe(9)
        create_user(username, password, role, unit)
        click.echo(f"demo account: {username} / {password} ({role})")
    db.session.commit()
