"""The `sla` command line: parse options, call the engine, print. No rules live here."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from engine import contract_view, reporting
from engine.contracts import resolve_target
from engine.deadline_report import deadlines_as_dict, format_deadlines_text
from engine.deadlines import Incident
from engine.errors import SlaError
from engine.incident_clock import deadlines_for
from engine.output import write_atomic
from engine.paths import CONTRACTS_DIR, RULES_DIR, SCHEMAS_DIR, display_path
from engine.rules import RuleSet, load_rules
from engine.schemas import KINDS, schema_files
from engine.times import parse_interval, parse_time
from engine.validation import validate

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn engine errors into one line each on stderr and exit 1; never show a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SlaError as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as error:  # a bug: say so in one line, keep the traceback for SLA_DEBUG
            if os.environ.get("SLA_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error}. This is a bug in sla; "
                "please report it with the command you ran (SLA_DEBUG=1 shows the traceback).",
                err=True,
            )
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


def rules_of(context: click.Context) -> RuleSet:
    """The rule set, loaded once per command from the --rules folder."""
    state: dict[str, Any] = context.ensure_object(dict)
    if "rules" not in state:
        state["rules"] = load_rules(state["rules_dir"])
    rules: RuleSet = state["rules"]
    return rules


addon_option = click.option(
    "--addon",
    "addons",
    multiple=True,
    metavar="ID",
    help="Lay this add-on on the target as well (repeatable).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=RULES_DIR,
    show_default="the shipped rules/",
    help="Folder of rules (tiers, add-ons, exceptions, calendars, prices, decisions).",
)
@click.version_option(package_name="sla")
@click.pass_context
def main(context: click.Context, rules_dir: Path) -> None:
    """Service-level contracts of VIOMS: validate them, show what applies, compute deadlines."""
    context.ensure_object(dict)["rules_dir"] = rules_dir


@main.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(reporting.FORMATS),
    default="text",
    show_default=True,
    help="text: file:line:col: key.path: message; json: a list of objects; github: annotations.",
)
@click.pass_context
def validate_command(context: click.Context, paths: tuple[Path, ...], output_format: str) -> None:
    """Check every rule and contract file; report every problem, then exit 1 if there was one.

    PATHS are files or folders (default: the rules folder and contracts/). Rule files are
    known by where they sit in the rules folder; every other YAML file is a contract.

    \b
    Example:
      sla validate contracts/
      sla validate --format github contracts/acme.yaml
    """
    rules_dir: Path = context.obj["rules_dir"]
    roots = list(paths) or [rules_dir, CONTRACTS_DIR]
    report = validate(roots, rules_dir)
    output = reporting.REPORTERS[output_format](report.problems)
    if output_format == "json" or report.problems:
        click.echo(output, nl=False)
    if report.ok:
        if output_format == "text":
            click.echo(f"{report.files} files valid")
        return
    if output_format == "text":
        click.echo(f"{len(report.problems)} problems in {report.files} files", err=True)
    sys.exit(1)


@main.command("show")
@click.argument("target")
@addon_option
@click.option(
    "--explain", is_flag=True, help="Show for each value the layer and file:line that set it."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
)
@click.pass_context
@reports_errors
def show_command(
    context: click.Context,
    target: str,
    addons: tuple[str, ...],
    explain: bool,
    output_format: str,
) -> None:
    """Print the effective contract of TARGET: a tier id or a contract file.

    \b
    Example:
      sla show advanced --addon aws
      sla show contracts/bakkerij-de-vries.yaml --explain
    """
    contract = resolve_target(rules_of(context), target, addons)
    if explain:
        text = (
            contract_view.explain_json(contract)
            if output_format == "json"
            else contract_view.explain_text(contract)
        )
    elif output_format == "json":
        text = contract_view.contract_json(contract)
    else:
        text = contract_view.contract_yaml(contract)
    click.echo(text, nl=False)


class TimeType(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 time; without an offset it is Europe/Amsterdam wall time (SPEC §3)."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            return parse_time(value)
        except SlaError as error:
            self.fail(error.problems[0].message, param, ctx)


class IntervalType(click.ParamType):  # type: ignore[type-arg]
    """FROM/TO, two times as TimeType reads them."""

    name = "FROM/TO"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            return parse_interval(value)
        except SlaError as error:
            self.fail(error.problems[0].message, param, ctx)


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
lang_option = click.option(
    "--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="Language."
)


@main.command("deadline")
@click.argument("target")
@click.option("--priority", type=click.IntRange(1, 4), required=True, help="PRIO 1 (urgent) to 4.")
@click.option("--reported", type=TimeType(), required=True, help="When the incident was reported.")
@click.option("--first-response", type=TimeType(), help="When an engineer started on it.")
@click.option("--resolved", type=TimeType(), help="When it was resolved.")
@click.option("--on-site", type=TimeType(), help="When an engineer arrived on site (PRIO 1).")
@click.option(
    "--cause",
    "causes",
    multiple=True,
    metavar="ID",
    help="An exception clause that applies (e.g. derde-partij); repeatable.",
)
@click.option(
    "--pause",
    "pauses",
    multiple=True,
    type=IntervalType(),
    help="FROM/TO: waiting on the customer or a third party; repeatable.",
)
@addon_option
@format_option
@lang_option
@click.pass_context
@reports_errors
def deadline_command(
    context: click.Context,
    target: str,
    priority: int,
    reported: datetime,
    first_response: datetime | None,
    resolved: datetime | None,
    on_site: datetime | None,
    causes: tuple[str, ...],
    pauses: tuple[tuple[datetime, datetime], ...],
    addons: tuple[str, ...],
    output_format: str,
    lang: str,
) -> None:
    """When a ticket is due, and whether it was met, on the service clock of TARGET.

    TARGET is a tier id or a contract file. Times are ISO 8601; without an offset they are
    Europe/Amsterdam. Hours count only in service hours (and evening/weekend hours for PRIO 1
    and 2 with the aws add-on); a deadline that runs out at closing is due at closing.

    \b
    Example:
      sla deadline standaard --priority 1 --reported 2026-11-23T16:00
      sla deadline contracts/advocatenkantoor-meijer.yaml --priority 2 \\
          --reported "2026-11-27 18:00" --first-response "2026-11-27 19:10" --format json
    """
    rules = rules_of(context)
    contract = resolve_target(rules, target, addons)
    incident = Incident(
        priority=priority,
        reported=reported,
        first_response=first_response,
        resolved=resolved,
        on_site=on_site,
        causes=causes,
        pauses=pauses,
    )
    deadlines = deadlines_for(rules, contract, incident)
    if output_format == "json":
        click.echo(json.dumps(deadlines_as_dict(deadlines), indent=2, ensure_ascii=False))
    else:
        click.echo(format_deadlines_text(deadlines, lang))


@main.command("schema")
@click.argument("kind", type=click.Choice(KINDS), default="contract")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every schema into this folder instead of printing KIND's.",
)
@reports_errors
def schema_command(kind: str, output: Path | None) -> None:
    """Print the JSON Schema of KIND, or write all schemas to a folder for an editor.

    Point an editor's YAML support at them with a first line like
    `# yaml-language-server: $schema=schemas/contract.schema.json`.

    \b
    Example:
      sla schema contract > contract.schema.json
      sla schema -o .schemas/
    """
    if output is None:
        click.echo((SCHEMAS_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"), nl=False)
        return
    output.mkdir(parents=True, exist_ok=True)
    shipped = schema_files()
    for source in shipped:
        write_atomic(output / source.name, source.read_bytes(), inputs=shipped)
    click.echo(f"wrote {len(shipped)} schemas to {display_path(output)}")


if __name__ == "__main__":
    main()
