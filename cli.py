"""The `sla` command line: parse options, call the engine's facade (`engine`), print.

No rules and no choice of report live here: each command turns its options into one or two
calls of the facade and writes what comes back. Only `engine` is imported; the facade imports
what a command needs when it runs, so `sla deadline` does not load Jinja or WeasyPrint.

Adding a command: a function decorated with `@main.command`, `@rules_option` (when it reads
rules), `@click.pass_context` and `@reports_errors`, with `--help` text that has an example
(tests/test_cli.py checks both); its work goes into the facade (docs/architecture.md).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

import engine
from engine.i18n import (
    DOCUMENT_LANGUAGE,
    _,
    choose_language,
    ngettext,
    reset_language,
    set_language,
)

if TYPE_CHECKING:
    from engine import RuleSet

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn engine errors into one line each on stderr and exit 1; never show a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except engine.SlaError as error:
            for problem in error.problems:
                click.echo(_("error: {problem}").format(problem=problem), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (`sla … | head`): not an error of ours. Point stdout at
            # /dev/null so that the interpreter's final flush does not complain again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as error:  # a bug: say so in one line, keep the traceback for SLA_DEBUG
            if os.environ.get("SLA_DEBUG"):
                raise
            click.echo(
                _(
                    "internal error: {kind}: {error}. This is a bug in sla; please report it "
                    "with the command you ran (SLA_DEBUG=1 shows the traceback)."
                ).format(kind=type(error).__name__, error=error),
                err=True,
            )
            sys.exit(3)

    wrapper.reports_errors = True  # type: ignore[attr-defined]  # found by a test of every command
    return wrapper  # type: ignore[return-value]


def rules_of(context: click.Context) -> RuleSet:
    """The rule set, loaded once per command from the --rules folder (default: shipped)."""
    state: dict[str, Any] = context.ensure_object(dict)
    if "rules" not in state:
        state["rules"] = engine.load_rules(state["rules_dir"])
    rules: RuleSet = state["rules"]
    return rules


def rules_dir_of(context: click.Context) -> Path:
    """The --rules folder, or the shipped rules."""
    folder: Path | None = context.ensure_object(dict)["rules_dir"]
    return folder or engine.RULES_DIR


def _set_rules_dir(context: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        context.ensure_object(dict)["rules_dir"] = value


# The same --rules as the group's, accepted after the command name too (`sla quote --rules …`).
rules_option = click.option(
    "--rules",
    type=click.Path(file_okay=False, path_type=Path),
    expose_value=False,
    callback=_set_rules_dir,
    metavar="DIR",
    help="Folder of rules to use instead of the shipped rules (e.g. a contracts repository's).",
)


def _set_language(context: click.Context, _param: click.Parameter, value: str | None) -> str:
    """The run's language: this --lang, else the group's --lang, else the locale, else English."""
    state = context.ensure_object(dict)
    if value is not None:
        state["lang"] = value
    chosen = choose_language(state.get("lang"))
    # Undone when the command ends: a program that calls main() twice starts afresh each time.
    context.call_on_close(functools.partial(reset_language, set_language(chosen)))
    return chosen


def language_option(*, expose_value: bool = True) -> Callable[[F], F]:
    """--lang nl|en, on the group and after any command name (SPEC §8)."""
    return click.option(
        "--lang",
        type=click.Choice(engine.LANGUAGES),
        default=None,
        callback=_set_language,
        expose_value=expose_value,
        is_eager=True,
        help="Language of messages and reports; default: the locale (LANGUAGE, LC_ALL, "
        "LC_MESSAGES, LANG), else English.",
    )


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
    default=None,
    show_default="the shipped rules",
    help="Folder of rules (tiers, add-ons, exceptions, calendars, prices, decisions).",
)
@click.version_option(package_name="sla")
@language_option(expose_value=False)
@click.pass_context
def main(context: click.Context, rules_dir: Path | None) -> None:
    """Service-level contracts of VIOMS: validate them, show what applies, compute deadlines."""
    context.ensure_object(dict)["rules_dir"] = rules_dir


@main.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(engine.PROBLEM_FORMATS),
    default="text",
    show_default=True,
    help="text: file:line:col: key.path: message; json: a list of objects; github: annotations.",
)
@language_option(expose_value=False)
@rules_option
@click.pass_context
@reports_errors
def validate_command(context: click.Context, paths: tuple[Path, ...], output_format: str) -> None:
    """Check rule, contract, incident, ledger and notice files; report every problem, then
    exit 1 if there was one.

    PATHS are files or folders (default: the rules folder, and contracts/ and examples/ of
    the working folder when it has them). Rule
    files are known by where they sit in the rules folder; other files by the schema their
    first line names (`# yaml-language-server: $schema=.../incident.schema.json`), and a
    file that names none is a contract.

    \b
    Example:
      sla validate contracts/
      sla validate --format github contracts/acme.yaml
    """
    report = engine.validate(list(paths), rules_dir_of(context))
    output = engine.problems_report(report.problems, output_format)
    if output_format == "json" or report.problems:
        click.echo(output, nl=False)
    if report.ok:
        if output_format == "text":
            click.echo(
                ngettext("{count} file valid", "{count} files valid", report.files).format(
                    count=report.files
                )
            )
        return
    if output_format == "text":
        problems = ngettext("{count} problem", "{count} problems", len(report.problems))
        files = ngettext("in {count} file", "in {count} files", report.files)
        problems = problems.format(count=len(report.problems))
        click.echo(f"{problems} {files.format(count=report.files)}", err=True)
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
    type=click.Choice(engine.CONTRACT_FORMATS),
    default="yaml",
    show_default=True,
)
@language_option(expose_value=False)
@rules_option
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
    contract = engine.resolve_target(rules_of(context), target, addons)
    click.echo(engine.contract_report(contract, output_format, explain=explain), nl=False)


class TimeType(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 time; without an offset it is Europe/Amsterdam wall time (SPEC §3)."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            return engine.parse_time(value)
        except engine.SlaError as error:
            self.fail(error.problems[0].message, param, ctx)


class IntervalType(click.ParamType):  # type: ignore[type-arg]
    """FROM/TO, two times as TimeType reads them."""

    name = "FROM/TO"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        try:
            return engine.parse_interval(value)
        except engine.SlaError as error:
            self.fail(error.problems[0].message, param, ctx)


format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(engine.REPORT_FORMATS),
    default="text",
    show_default=True,
)
lang_option = language_option()


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
@rules_option
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
    deadlines = engine.deadlines(
        rules_of(context),
        target,
        priority=priority,
        reported=reported,
        first_response=first_response,
        resolved=resolved,
        on_site=on_site,
        causes=causes,
        pauses=pauses,
        addons=addons,
    )
    click.echo(engine.deadline_report(deadlines, output_format, lang), nl=False)


@main.command("schema")
@click.argument("kind", type=click.Choice(engine.SCHEMA_KINDS), default="contract")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write every schema into this folder instead of printing KIND's.",
)
@language_option(expose_value=False)
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
        click.echo(engine.schema_text(kind), nl=False)
        return
    written = engine.write_schemas(output)
    click.echo(
        ngettext(
            "wrote {count} schema to {folder}", "wrote {count} schemas to {folder}", written
        ).format(count=written, folder=engine.display_path(output))
    )


@main.command("term")
@click.argument("contract")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="The date to judge (YYYY-MM-DD); default: today in Europe/Amsterdam.",
)
@format_option
@language_option(expose_value=False)
@rules_option
@click.pass_context
@reports_errors
def term_command(
    context: click.Context, contract: str, on: datetime | None, output_format: str
) -> None:
    """Show CONTRACT's current period, expiry, tacit renewal and notice deadline (§2.1).

    The expiry date is the last day of a period; the contract renews tacitly for the same
    period; notice must be given at least one month before it ends (for expiry 31 December:
    by 30 November). See engine/contract/terms.py for every rule, month ends and leap days included.

    \b
    Example:
      sla term contracts/bakkerij-de-vries.yaml
      sla term contracts/bakkerij-de-vries.yaml --on 2026-11-30 --format json
    """
    result = engine.contract_term(rules_of(context), contract, on.date() if on else None)
    click.echo(engine.terms_report(result, output_format, contract), nl=False)


@main.command("diff")
@click.argument("targets", nargs=-1, required=True)
@click.option("--rev", metavar="REV", help="Compare CONTRACT with itself at git revision REV.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(engine.DIFF_FORMATS),
    default="text",
    show_default=True,
    help="md: a Markdown table for a pull-request comment.",
)
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when the contracts differ, as git diff does."
)
@language_option(expose_value=False)
@rules_option
@click.pass_context
@reports_errors
def diff_command(
    context: click.Context,
    targets: tuple[str, ...],
    rev: str | None,
    output_format: str,
    exit_code: bool,
) -> None:
    """Show what differs between two effective contracts, with where each value comes from.

    A and B are tier ids or contract files; with --rev, CONTRACT is compared with the same
    file at an earlier git revision. Values are compared by meaning (60m equals 1h). Exit 0
    whether or not they differ; with --exit-code, 1 when they differ (errors also exit 1,
    and say so on stderr).

    \b
    Example:
      sla diff enterprise contracts/bakkerij-de-vries.yaml
      sla diff --rev HEAD~1 contracts/bakkerij-de-vries.yaml --format md
    """
    rules = rules_of(context)
    if rev is not None:
        if len(targets) != 1:
            raise click.UsageError(_("with --rev, give one contract file"))
        result = engine.diff_revision(rules, rev, Path(targets[0]))
    elif len(targets) != 2:
        raise click.UsageError(_("give two targets, A and B (or --rev REV and one contract)"))
    else:
        result = engine.diff_targets(rules, targets[0], targets[1])
    click.echo(engine.diff_report(result, output_format), nl=False)
    if exit_code and result.differs:
        sys.exit(1)


def _asker(no_input: bool) -> Callable[..., str]:
    """Prompt for a value (asked again while the answer is wrong), or with --no-input refuse."""

    def ask(
        option: str,
        question: str,
        *,
        check: Callable[[str], str],
        default: str | None = None,
        optional: bool = False,
    ) -> str:
        if no_input:
            if optional:
                return check(default or "")
            raise click.UsageError(
                _("missing {option}; give it, or leave out --no-input").format(option=option)
            )

        def convert(answer: str) -> str:
            try:
                return check(answer)
            except engine.SlaError as error:
                raise click.BadParameter(error.problems[0].message) from None

        try:
            answer: str = click.prompt(
                question, default=default, value_proc=convert, show_default=bool(default)
            )
        except click.Abort:  # end of input (Ctrl-D, empty stdin) or Ctrl-C: nothing is written
            click.echo(err=True)
            raise click.UsageError(
                f"no answer to {question!r} (the input ended); nothing was written. "
                f"Give it as {option}, or answer the prompts"
            ) from None
        return answer

    return ask


@main.command("new")
@click.option("--customer", help="The customer's legal name.")
@click.option("--tier", help="standaard, advanced, enterprise, maatwerk or geen-sla.")
@click.option("--base", help="maatwerk only: the tier whose values it starts from.")
@click.option("--addon", "addons", multiple=True, metavar="ID", help="An add-on (repeatable).")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="PATH=VALUE",
    help="maatwerk only: an override, e.g. targets.P1.first_response=1h (repeatable).",
)
@click.option(
    "--acknowledge",
    "acknowledgements",
    multiple=True,
    metavar="PATH=REASON",
    help="Acknowledge an override that is worse than the base, with the reason (repeatable).",
)
@click.option("--start", metavar="DATE", help="First day of the contract, YYYY-MM-DD.")
@click.option("--period-months", type=int, help="The prepaid period in months (1-120).")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--no-input", is_flag=True, help="Never prompt: a missing value is an error.")
@language_option(expose_value=False)
@rules_option
@click.pass_context
@reports_errors
def new_command(
    context: click.Context,
    customer: str | None,
    tier: str | None,
    base: str | None,
    addons: tuple[str, ...],
    settings: tuple[str, ...],
    acknowledgements: tuple[str, ...],
    start: str | None,
    period_months: int | None,
    output: Path | None,
    force: bool,
    no_input: bool,
) -> None:
    """Create a contract file, asking for what the options do not give; it is validated first.

    Asks for the customer, tier, base tier (maatwerk), add-ons the tier may have, every value
    still 'by_agreement', start and period; writes YAML with the schema line on top, and never
    over an existing file without --force.

    \b
    Example:
      sla new -o contracts/acme.yaml
      sla new --no-input --customer "Acme B.V." --tier maatwerk --base enterprise \\
        --set targets.P1.first_response=1h --start 2026-01-01 --period-months 12 \\
        -o contracts/acme.yaml
    """
    rules = rules_of(context)
    if output is not None:
        engine.refuse_overwrite(output, force)
    given = engine.NewContract(
        customer, tier, base, addons, settings, acknowledgements, start, period_months
    )
    ask = _asker(no_input)
    try:
        draft = engine.gather_contract(rules, given, ask, engine.today())
    except engine.BadOption as error:
        raise click.BadParameter(error.message, param_hint=error.option) from None
    if output is None:
        default = engine.default_contract_file(draft.customer)
        output = Path(ask("-o/--output", _("File to write"), check=str.strip, default=default))
        engine.refuse_overwrite(output, force)
    engine.write_contract(rules, draft, output, force)
    click.echo(_("wrote {file}").format(file=engine.display_path(output)))


@main.command("quote")
@click.argument("target")
@click.option(
    "--incident",
    "incident_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An incident file (YAML) that gives the facts instead of the options below.",
)
@click.option("--priority", type=click.IntRange(1, 4), help="PRIO 1 (urgent) to 4.")
@click.option("--start", type=TimeType(), help="When the call started; decides the hours.")
@click.option(
    "--minutes", type=click.IntRange(0, engine.MAX_CALL_MINUTES), help="Minutes worked on the call."
)
@click.option(
    "--work",
    "kind",
    type=click.Choice(engine.WORK_KINDS),
    help="incident (default), config-change or outside-sla (ad hoc).",
)
@click.option("--on-site", is_flag=True, help="An engineer came on site.")
@click.option(
    "--travel-minutes",
    type=click.IntRange(0, engine.MAX_CALL_MINUTES),
    help="Travel time of the visit.",
)
@click.option(
    "--cause",
    "causes",
    multiple=True,
    metavar="ID",
    help="An exception clause that applies (e.g. misbruik, derde-partij); repeatable.",
)
@click.option("--ticket", help="The support ticket id (§2.9).")
@addon_option
@format_option
@lang_option
@rules_option
@click.pass_context
@reports_errors
def quote_command(
    context: click.Context,
    target: str,
    incident_file: Path | None,
    priority: int | None,
    start: datetime | None,
    minutes: int | None,
    kind: str | None,
    on_site: bool,
    travel_minutes: int | None,
    causes: tuple[str, ...],
    ticket: str | None,
    addons: tuple[str, ...],
    output_format: str,
    lang: str,
) -> None:
    """What a call costs under TARGET (a tier id or a contract file), line by line.

    Work is billed per call in units of 15 minutes, rounded up. The start time decides
    office hours or the evening/weekend service (§1.3.16); a moment with neither is refused
    with the time service is next available. Amounts exclude VAT.

    \b
    Example:
      sla quote advanced --priority 1 --start "2026-11-28 11:00" --minutes 20
      sla quote standaard --priority 2 --start 2026-11-23T10:00 --minutes 40 --work config-change
      sla quote contracts/jansen-installatietechniek.yaml --priority 1 \\
          --start 2026-11-23T10:00 --minutes 60 --on-site --travel-minutes 20 --format json
      sla quote contracts/advocatenkantoor-meijer.yaml \\
          --incident examples/incidents/saturday-outage-meijer.yaml
    """
    rules = rules_of(context)
    facts = {
        "--priority": priority,
        "--start": start,
        "--minutes": minutes,
        "--work": kind,
        "--on-site": on_site or None,
        "--travel-minutes": travel_minutes,
        "--cause": causes or None,
        "--ticket": ticket,
    }
    if incident_file is not None:
        given = [name for name, value in facts.items() if value is not None]
        if given:
            raise click.UsageError(
                _("--incident gives the facts of the call; leave out {options}").format(
                    options=", ".join(given)
                )
            )
        work = engine.incident_work(rules, incident_file)
        call = engine.call_facts(work, rules, incident_file)
    else:
        missing = [n for n in ("--priority", "--start", "--minutes") if facts[n] is None]
        if missing:
            raise click.UsageError(
                _("missing {options} (or give --incident FILE)").format(options=", ".join(missing))
            )
        assert priority is not None and start is not None and minutes is not None
        work = engine.Work(
            priority=priority,
            start=start,
            minutes=minutes,
            kind=kind or "incident",
            on_site=on_site,
            travel_minutes=travel_minutes or 0,
            causes=causes,
            ticket=ticket,
        )
        call = engine.call_facts(work)
    result = engine.quote_call(rules, target, work, addons)
    click.echo(engine.quote_report(result, output_format, lang, call), nl=False)


@main.command("hours")
@click.argument("ledger", type=click.Path(dir_okay=False, path_type=Path))
@format_option
@lang_option
@rules_option
@click.pass_context
@reports_errors
def hours_command(context: click.Context, ledger: Path, output_format: str, lang: str) -> None:
    """The prepaid-hours card (strippenkaart) of LEDGER: balance, notifications, overdraft.

    LEDGER is a YAML file with `contract` (a contract file or tier id), `purchases` (date,
    hours) and `calls` (ticket, date, minutes). Calls are deducted in date order, rounded up
    to 15 minutes; time beyond the card is billed ad hoc. A bad row is reported on stderr
    with its file:line:col and left out, the rest is evaluated, and the exit code is 1.

    \b
    Example:
      sla hours examples/ledgers/jansen-strippenkaart.yaml
      sla hours examples/ledgers/meijer-overdrawn.yaml --format json
    """
    report = engine.prepaid_card(rules_of(context), ledger)
    click.echo(engine.ledger_report(report, output_format, lang), nl=False)
    for problem in report.rejected:
        click.echo(_("error: {problem}").format(problem=problem), err=True)
    if report.rejected:
        sys.exit(1)


@main.command("render")
@click.argument("target")
@click.option(
    "--doc",
    "document",
    type=click.Choice(engine.DOCUMENTS),
    required=True,
    help="annex: the SLA annex; quote: an incident quote; maintenance: a maintenance notice.",
)
@click.option(
    "--incident",
    "incident_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="--doc quote: the incident file (YAML) to price, as `sla quote --incident`.",
)
@click.option(
    "--notice",
    "notice_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="--doc maintenance: the notice file (YAML) with contact, window, duration, services "
    "and reason (§2.6).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(engine.DOCUMENT_FORMATS),
    default="html",
    show_default=True,
    help="html (self-contained, print-ready A4), md (Markdown) or pdf.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (written atomically, never over an input); html and md print to "
    "stdout without it.",
)
@click.option(
    "--date",
    "issued",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The document's date (YYYY-MM-DD); default today.",
)
@click.option(
    "--pdfa",
    is_flag=True,
    help="--format pdf: write PDF/A-3b for archiving, with the contract file embedded "
    "(contract.yaml).",
)
@addon_option
@lang_option
@rules_option
@click.pass_context
@reports_errors
def render_command(
    context: click.Context,
    target: str,
    document: str,
    incident_file: Path | None,
    notice_file: Path | None,
    output_format: str,
    output: Path | None,
    issued: datetime | None,
    addons: tuple[str, ...],
    lang: str,
    pdfa: bool = False,
) -> None:
    """Write a customer document for TARGET (a contract file or a tier id).

    Every target, rate and service status comes from the effective contract, the rules or
    the quote. PDF needs WeasyPrint and the Pango libraries (`make install` sets them up).
    The document is in Dutch unless --lang says otherwise (SPEC §8); messages follow the locale.

    \b
    Example:
      sla render contracts/bakkerij-de-vries.yaml --doc annex --format pdf -o annex.pdf
      sla render contracts/advocatenkantoor-meijer.yaml --doc quote \\
          --incident examples/incidents/saturday-outage-meijer.yaml --format md
      sla render contracts/bakkerij-de-vries.yaml --doc maintenance \\
          --notice examples/maintenance/bakkerij-server-update.yaml --lang en -o notice.html
    """
    if (incident_file is not None) != (document == "quote"):
        raise click.UsageError(_("--incident FILE goes with --doc quote, and only with it"))
    if (notice_file is not None) != (document == "maintenance"):
        raise click.UsageError(_("--notice FILE goes with --doc maintenance, and only with it"))
    if output_format == "pdf" and output is None:
        raise click.UsageError(_("--format pdf needs -o FILE"))
    suffixes = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md"}
    if output is not None and suffixes.get(output.suffix.lower(), output_format) != output_format:
        raise click.UsageError(
            f"-o {output.name} is a {suffixes[output.suffix.lower()]} file name but --format is "
            f"{output_format}; make them agree"
        )
    if pdfa and output_format != "pdf":
        raise click.UsageError(_("--pdfa goes with --format pdf"))
    rules = rules_of(context)
    content = engine.render_document(
        rules,
        engine.resolve_target(rules, target, addons),
        document,
        output_format,
        context.obj.get("lang") or DOCUMENT_LANGUAGE,  # a document: --lang, else Dutch
        issued.date() if issued else None,
        incident=incident_file,
        notice=notice_file,
        pdfa=pdfa,
    )
    for warning in engine.document_warnings(rules):
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
    if output is None:
        click.echo(content, nl=False)
        return
    inputs = [Path(target), *(p for p in (incident_file, notice_file) if p is not None)]
    engine.write_atomic(output, content, inputs=inputs)
    click.echo(_("wrote {file}").format(file=engine.display_path(output)))


@main.command("evaluate")
@click.argument("target")
@click.argument("incidents", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write each row's outcome (.csv or .jsonl) or a compliance report (.html).",
)
@click.option(
    "--as-of",
    type=TimeType(),
    help="Judge targets still open as of this time (at risk, breached); default: now.",
)
@addon_option
@lang_option
@rules_option
@click.pass_context
@reports_errors
def evaluate_command(
    context: click.Context,
    target: str,
    incidents: Path,
    output: Path | None,
    as_of: datetime | None,
    addons: tuple[str, ...],
    lang: str,
) -> None:
    """Evaluate a helpdesk export: deadlines, met/breached/at risk and costs of every incident.

    TARGET is a tier id or a contract file; INCIDENTS is CSV or JSON Lines (.csv, .jsonl,
    .ndjson), one incident a row with ticket, priority, reported and optionally
    first_response, resolved, on_site_arrival, pauses, causes, minutes, work, on_site,
    travel_minutes and priority_history. Each target is met, breached, open, at_risk,
    best_effort or n/a; rules/evaluation.yaml sets the at-risk share and what a priority
    change does. A bad row is reported on stderr with its line number and the rest is
    evaluated; the exit code is then 1. The summary is printed; -o also writes the rows or
    an HTML report.

    \b
    Example:
      sla evaluate advanced examples/exports/november.csv --as-of 2026-12-01T09:00
      sla evaluate contracts/advocatenkantoor-meijer.yaml examples/exports/november.csv \\
          -o outcome.csv
      sla evaluate standaard examples/exports/mixed.jsonl -o report.html --lang en
    """
    rules = rules_of(context)
    contract = engine.resolve_target(rules, target, addons)
    stderr = sys.stderr

    def show_progress(rows: int) -> None:
        stderr.write("\r" + _("{rows:,} rows evaluated").format(rows=rows))
        stderr.flush()

    progress = show_progress if stderr.isatty() else None  # none when piped or redirected

    def reject(problem: engine.Problem) -> None:
        if progress is not None:
            stderr.write("\r\033[K")
        click.echo(_("error: {problem}").format(problem=problem), err=True)

    result = engine.evaluate_file(
        rules,
        contract,
        incidents,
        as_of=as_of or datetime.now(engine.DEFAULT_ZONE),
        output=output,
        lang=lang,
        title=target,
        on_reject=reject,
        on_progress=progress,
    )
    if progress is not None:
        stderr.write("\r\033[K")
    click.echo(result.text, nl=False)
    if output is not None:
        click.echo(_("wrote {file}").format(file=engine.display_path(output)))
    if result.summary.rows_rejected:
        sys.exit(1)


@main.command("priority")
@click.option(
    "--scope",
    required=True,
    help="Who is affected: whole_company, crucial_users, other_users or none.",
)
@click.option(
    "--effect",
    required=True,
    help="What it does to operations: stopped, hampered, not_hampered or none.",
)
@click.option(
    "--priority",
    "explicit",
    type=click.IntRange(1, 4),
    help="An explicit priority; it always wins over the suggestion.",
)
@format_option
@lang_option
@click.pass_context
@reports_errors
def priority_command(
    context: click.Context,
    scope: str,
    effect: str,
    explicit: int | None,
    output_format: str,
    lang: str,
) -> None:
    """Suggest a priority from an incident's impact (rules/priorities.yaml, §2.3).

    A priority fits when both its scope and its effect are reached, so the suggestion is the
    less urgent of the two priorities the facts point at. The provider has the final word:
    --priority always wins.

    \b
    Example:
      sla priority --scope whole_company --effect stopped
      sla priority --scope whole_company --effect hampered --format json
    """
    import json

    from engine import priority as priorities

    found = priorities.suggest(rules_of(context).priorities, scope, effect)
    used = priorities.chosen(explicit, found)
    if output_format == "json":
        answer = {"priority": used, "suggested": found.priority, "by_fact": found.by_fact}
        click.echo(json.dumps(answer, indent=2))
    else:
        given = " " + _("(given)") if explicit else ""
        click.echo(f"PRIO {used}{given}: {found.reason(lang)}")


@main.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; other than loopback only with --users.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--contracts",
    "contracts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("contracts"),
    show_default="contracts/ of the working folder",
    help="The folder of contracts to list, configure and save into.",
)
@click.option(
    "--users",
    "users_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file of `name:argon2-hash` lines; then every page and call needs a login.",
)
@click.option("--hash-password", is_flag=True, help="Ask for a password and print a users line.")
@language_option(expose_value=False)
@click.pass_context
@reports_errors
def serve_command(
    context: click.Context,
    host: str,
    port: int,
    contracts_dir: Path,
    users_file: Path | None,
    hash_password: bool,
) -> None:
    """The contract configurator for sales and the JSON API (/api/v1) for the helpdesk.

    Listens on 127.0.0.1 unless --host says otherwise, which needs --users (a login for
    every page and call). The API's description is at /openapi.json.

    \b
    Example:
      sla serve                       # then open http://127.0.0.1:8000/
      sla serve --hash-password       # prints `name:$argon2id$…` for a users file
      sla serve --host 0.0.0.0 --users users.txt
    """
    from engine.serve.security import hash_password as make_hash
    from engine.serve.security import host_allowed

    if hash_password:
        name = click.prompt(_("User name"))
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
        click.echo(f"{name}:{make_hash(password)}")
        return
    if not host_allowed(host, users_file):
        raise click.UsageError(
            _(
                "--host {host} would let other machines in without a login; give --users FILE "
                "(see --hash-password), or keep the default 127.0.0.1"
            ).format(host=host)
        )
    import uvicorn

    from engine.serve.app import build_server, create_app

    server = build_server(rules_dir_of(context), contracts_dir, users_file)
    click.echo(
        _("sla serve: {url} (stop with Ctrl-C)").format(url=f"http://{host}:{port}/"), err=True
    )
    uvicorn.run(create_app(server), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
