"""The configurator's pages: server-rendered HTML, a little JavaScript for the live panel.

Every form carries a CSRF token (an HMAC of a per-browser cookie); every POST checks it.
Pages work without JavaScript: "Controleren" posts the form and the page comes back with the
panel and the messages; with JavaScript the panel follows each change.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.datastructures import FormData, UploadFile

from engine import priority as priorities
from engine.paths import TEMPLATES_DIR
from engine.serve import backend, changes, configure, panel, words
from engine.serve.context import MAX_UPLOAD, Server, server_of
from engine.serve.security import CSRF_COOKIE, SESSION_COOKIE, SESSION_SECONDS, new_nonce
from engine.serve.store import PreconditionRequired, Stale, etag_of, is_slug
from engine.serve.texts import EFFECTS, LANGS, SCOPES, TEXTS

router = APIRouter(include_in_schema=False)
LANG_COOKIE = "sla_lang"
NOTICE_DAYS = 60

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR / "serve"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "nl"
    return asked if asked in LANGS else "nl"


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    server = server_of(request)
    lang = lang_of(request)
    nonce = request.cookies.get(CSRF_COOKIE) or new_nonce()
    html = _env.get_template(template).render(
        t=TEXTS[lang],
        lang=lang,
        csrf=server.guard.csrf_token(nonce),
        user=getattr(request.state, "user", None),
        login_required=server.guard.login_required,
        here=request.url.path,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if CSRF_COOKIE not in request.cookies:
        response.set_cookie(CSRF_COOKIE, nonce, httponly=True, samesite="strict")
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, samesite="lax")
    return response


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token is checked against the browser's cookie."""
    form = await request.form(max_part_size=MAX_UPLOAD)
    token = form.get("csrf")
    nonce = request.cookies.get(CSRF_COOKIE)
    if not server_of(request).guard.csrf_ok(nonce, token if isinstance(token, str) else None):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")
    return form


# Login


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html.j2", next=_local(next), failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await checked_form(request)
    server = server_of(request)
    name, password = str(form.get("user", "")), str(form.get("password", ""))
    target = _local(str(form.get("next", "/")))
    if not server.guard.login_required or not server.guard.check_password(name, password):
        return render(request, "login.html.j2", 401, next=target, failed=True)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        server.guard.session_for(name),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _local(target: str) -> str:
    """Only a path on this server: never an open redirect to another site."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


# Contracts


@router.get("/")
def contracts_page(request: Request) -> Response:
    server = server_of(request)
    today = backend.today()
    rows = []
    for contract_id, loaded in server.store.all():
        contract = loaded.contract
        row: dict[str, Any] = {"id": contract_id, "valid": contract is not None}
        if contract is None:
            data = _plain_yaml(loaded.raw)
            row.update(
                customer=str(data.get("customer", contract_id)),
                tier=str(data.get("tier", "")),
                addons=[],
                period=None,
                notice=None,
                soon=False,
                problem=str(loaded.problems[0]),
            )
        else:
            found = backend.terms_of(contract, today) if contract.start else None
            days = (found.notice_deadline - today).days if found else None
            row.update(
                customer=contract.customer or contract_id,
                tier=_tier_label(server, contract),
                addons=[_addon_name(server, a, lang_of(request)) for a in contract.addons],
                period=f"{found.period_start:%d-%m-%Y} – {found.period_end:%d-%m-%Y}"
                if found
                else None,
                notice=f"{found.notice_deadline:%d-%m-%Y}" if found else None,
                soon=days is not None and 0 <= days <= NOTICE_DAYS,
                problem=None,
            )
        rows.append(row)
    return render(request, "contracts.html.j2", rows=rows)


def _plain_yaml(raw: bytes) -> dict[str, Any]:
    try:
        data = yaml.safe_load(raw.decode("utf-8", errors="replace"))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _tier_label(server: Server, contract: backend.EffectiveContract) -> str:
    name = str(server.rules.tiers[contract.tier].data.get("name", contract.tier))
    if contract.base:
        return f"{name} ({server.rules.tiers[contract.base].data.get('name', contract.base)})"
    return name


def _addon_name(server: Server, addon: str, lang: str) -> str:
    names = server.rules.addons[addon].data.get("name", {})
    return str(names.get(lang, addon)) if isinstance(names, dict) else str(names)


@router.get("/contracts/{contract_id}")
def contract_page(request: Request, contract_id: str, commit: str = "") -> Response:
    server = server_of(request)
    loaded = server.store.load(contract_id) if is_slug(contract_id) else None
    if loaded is None:
        raise HTTPException(404, "no such contract")
    rows = []
    found = None
    if loaded.contract is not None:
        rows = panel.rows_of(server.rules, loaded.contract, lang_of(request))
        if loaded.contract.start:
            found = backend.terms_of(loaded.contract, backend.today())
    return render(
        request,
        "contract.html.j2",
        contract_id=contract_id,
        contract=loaded.contract,
        problems=[str(p) for p in loaded.problems],
        rows=rows,
        terms=found,
        commit=commit[:12],
        tier_label=_tier_label(server, loaded.contract) if loaded.contract else "",
        addon_names=[_addon_name(server, a, lang_of(request)) for a in loaded.contract.addons]
        if loaded.contract
        else [],
    )


@router.get("/contracts/{contract_id}/annex")
def annex_preview(request: Request, contract_id: str, lang: str = "nl") -> Response:
    server = server_of(request)
    contract = _saved_contract(server, contract_id)
    html = backend.annex_html(server.rules, contract, _doc_lang(lang), backend.today())
    return HTMLResponse(html)


@router.get("/contracts/{contract_id}/annex.pdf")
def annex_pdf(request: Request, contract_id: str, lang: str = "nl") -> Response:
    server = server_of(request)
    contract = _saved_contract(server, contract_id)
    html = backend.annex_html(server.rules, contract, _doc_lang(lang), backend.today())
    return Response(
        backend.pdf_of(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="annex-{contract_id}-{lang}.pdf"'},
    )


def _doc_lang(lang: str) -> str:
    return lang if lang in LANGS else "nl"


def _saved_contract(server: Server, contract_id: str) -> backend.EffectiveContract:
    loaded = server.store.load(contract_id) if is_slug(contract_id) else None
    if loaded is None:
        raise HTTPException(404, "no such contract")
    if loaded.contract is None:
        raise HTTPException(422, "the contract is not valid; open it to see why")
    return loaded.contract


# Configure


@router.get("/configure/new")
def new_page(request: Request, tier: str = "maatwerk") -> Response:
    server = server_of(request)
    chosen = tier if tier in server.rules.tiers else "maatwerk"
    form = configure.form_for_new(server.rules, backend.today(), chosen)
    return _configure_page(request, form, None)


@router.get("/contracts/{contract_id}/edit")
def edit_page(request: Request, contract_id: str) -> Response:
    server = server_of(request)
    raw = server.store.read(contract_id) if is_slug(contract_id) else None
    if raw is None:
        raise HTTPException(404, "no such contract")
    form = configure.form_for_saved(contract_id, raw, etag_of(raw), server.rules)
    return _configure_page(request, form, raw)


def _configure_page(
    request: Request,
    form: configure.Form,
    saved_raw: bytes | None,
    status: int = 200,
    notice: str | None = None,
    stale: list[panel.Change] | None = None,
    draft: configure.Draft | None = None,
) -> Response:
    server = server_of(request)
    lang = lang_of(request)
    draft = draft or _draft(server, form, saved_raw)
    return render(
        request,
        "configure.html.j2",
        status,
        form=form,
        draft=draft,
        panel=panel.panel_for(server.rules, draft, _saved(server, form), lang),
        choices=_choices(server, form, lang),
        notice=notice,
        stale=stale,
        examples=_examples(server),
    )


def _draft(server: Server, form: configure.Form, saved_raw: bytes | None) -> configure.Draft:
    name = server.store.name(form.contract_id) if is_slug(form.contract_id) else "new contract"
    return configure.evaluate(server.rules, form, saved_raw, name)


def _saved(server: Server, form: configure.Form) -> backend.EffectiveContract | None:
    if not is_slug(form.contract_id):
        return None
    loaded = server.store.load(form.contract_id)
    return loaded.contract if loaded is not None else None


def _choices(server: Server, form: configure.Form, lang: str) -> dict[str, Any]:
    rules = server.rules
    tiers = [(t, str(rules.tiers[t].data.get("name", t))) for t in _TIER_ORDER if t in rules.tiers]
    addons = []
    for addon in sorted(rules.addons):
        data = rules.addons[addon].data
        addons.append(
            {
                "id": addon,
                "name": data["name"].get(lang, addon),
                "description": (data.get("description") or {}).get(lang)
                or _addon_summary(rules, data, lang),
                "tiers": list(data["tiers"]),
                "allowed": form.tier in data["tiers"],
            }
        )
    return {
        "tiers": tiers,
        "bases": [(t, n) for t, n in tiers if t in configure.BASE_TIERS],
        "addons": addons,
        "contact_fields": backend.contact_fields(),
        "priorities": (1, 2, 3, 4),
        "priority_keys": configure.PRIORITY_KEYS,
        "rate_paths": configure.RATE_PATHS,
        "allowance": configure.ALLOWANCE,
    }


def _addon_summary(rules: backend.RuleSet, data: dict[str, Any], lang: str) -> str:
    """What an add-on without a description does, from the services it includes."""
    services = data.get("sets", {}).get("services", {})
    names = [rules.services[s]["name"].get(lang, s) for s in services if s in rules.services]
    lead = "Neemt op in het contract" if lang == "nl" else "Adds to the contract"
    return f"{lead}: {', '.join(names)} ({data['source']})" if names else str(data["source"])


_TIER_ORDER = ("standaard", "advanced", "enterprise", "maatwerk", "geen-sla")


def _examples(server: Server) -> list[str]:
    folder = (server.examples or Path("/nonexistent")) / "exports"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".csv", ".jsonl"))


def _form_of(posted: FormData) -> configure.Form:
    values = {k: v for k, v in posted.multi_items() if isinstance(v, str)}
    addons = [v for v in posted.getlist("addons") if isinstance(v, str)]
    return configure.form_from_post(values, addons)


@router.post("/configure/preview")
async def preview(request: Request) -> Response:
    """The live panel and the messages per field, for the page's script."""
    server = server_of(request)
    form = _form_of(await checked_form(request))
    saved_raw = server.store.read(form.contract_id) if is_slug(form.contract_id) else None
    draft = _draft(server, form, saved_raw)
    lang = lang_of(request)
    html = _env.get_template("panel.html.j2").render(
        t=TEXTS[lang],
        lang=lang,
        draft=draft,
        panel=panel.panel_for(server.rules, draft, _saved(server, form), lang),
    )
    return JSONResponse(
        {
            "panel": html,
            "errors": draft.errors,
            "reasons": [d.path for d in draft.weakened],
            "overridden": sorted(draft.overrides),
            "base": draft.base_texts() if draft.base_values else {},
            "allowed_addons": backend.addons_for(server.rules, form.tier)
            if form.tier in server.rules.tiers
            else [],
        }
    )


@router.post("/configure/check")
async def check(request: Request) -> Response:
    """Without JavaScript: the form comes back with the panel and its messages."""
    server = server_of(request)
    form = _form_of(await checked_form(request))
    saved_raw = server.store.read(form.contract_id) if is_slug(form.contract_id) else None
    return _configure_page(request, form, saved_raw)


@router.post("/configure/save")
async def save(request: Request) -> Response:
    server = server_of(request)
    form = _form_of(await checked_form(request))
    new = not form.contract_id
    contract_id = form.contract_id or _slug_for(form.customer)
    if not is_slug(contract_id):
        raise HTTPException(400, "not a contract id")
    current = server.store.read(contract_id)
    if new and current is not None:
        return _configure_page(request, form, None, 409, notice="exists")
    draft = _draft(server, form, current if not new else None)
    if not draft.valid or draft.text is None or draft.contract is None:
        return _configure_page(request, form, current, 422, draft=draft)
    old = _saved(server, form)
    try:
        saved = server.store.write(
            contract_id,
            draft.text.encode("utf-8"),
            if_match=None if new else (form.etag or '""'),
            if_none_match="*" if new else None,
            message=changes.commit_message(contract_id, old, draft.contract),
        )
    except Stale as error:
        return _stale(request, server, form, error.current, draft)
    except PreconditionRequired:  # pragma: no cover - an edit always sends its ETag
        return _stale(request, server, form, current, draft)
    target = f"/contracts/{contract_id}" + (
        f"?commit={quote(saved.commit)}" if saved.commit else ""
    )
    return RedirectResponse(target, status_code=303)


def _stale(
    request: Request,
    server: Server,
    form: configure.Form,
    current: bytes | None,
    draft: configure.Draft,
) -> Response:
    changes_now: list[panel.Change] = []
    if current is not None and draft.contract is not None:
        try:
            theirs = backend.contract_of(
                server.rules, backend.parse_contract(current, form.contract_id)
            )
            changes_now = panel.changes_between(theirs, draft.contract, lang_of(request))
        except backend.SlaError:
            changes_now = []
    return _configure_page(
        request, form, current, 409, notice="stale", stale=changes_now, draft=draft
    )


def _slug_for(customer: str) -> str:
    return Path(backend.default_file_for(customer)).stem


@router.post("/configure/annex")
async def draft_annex(request: Request) -> Response:
    """The annex of the contract as configured, before it is saved: HTML, or PDF with ?pdf=1."""
    server = server_of(request)
    form = _form_of(await checked_form(request))
    saved_raw = server.store.read(form.contract_id) if is_slug(form.contract_id) else None
    draft = _draft(server, form, saved_raw)
    if draft.contract is None or not draft.valid:
        return _configure_page(request, form, saved_raw, 422, draft=draft)
    lang = _doc_lang(request.query_params.get("doc", "nl"))
    html = backend.annex_html(server.rules, draft.contract, lang, backend.today())
    if request.query_params.get("pdf") != "1":
        return HTMLResponse(html)
    name = form.contract_id or _slug_for(form.customer)
    return Response(
        backend.pdf_of(html),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="annex-{name}-concept-{lang}.pdf"'},
    )


@router.post("/configure/whatif")
async def whatif(request: Request) -> Response:
    """The export's tickets under the configured contract and the saved one (or base tier)."""
    server = server_of(request)
    posted = await checked_form(request)
    form = _form_of(posted)
    lang = lang_of(request)
    saved_raw = server.store.read(form.contract_id) if is_slug(form.contract_id) else None
    draft = _draft(server, form, saved_raw)
    upload = posted.get("export")
    example = str(posted.get("example", ""))
    content, suffix, name = b"", "", ""
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_UPLOAD + 1)
        suffix, name = Path(upload.filename).suffix.lower(), Path(upload.filename).name
    elif example in _examples(server) and server.examples is not None:
        source = server.examples / "exports" / example
        content, suffix, name = source.read_bytes(), source.suffix, example
    if not content or draft.contract is None:
        message = (
            "Kies of upload een export." if not content else "Het contract is nog niet geldig."
        )
        return JSONResponse({"html": f"<p class='error'>{_escape(message)}</p>"})
    compared = _saved(server, form)
    compared_label = TEXTS[lang]["diff_saved"]
    if compared is None:
        tier, compared = panel.base_of(server.rules, draft)
        known = server.rules.tiers.get(tier)
        compared_label = str(known.data.get("name", tier)) if known is not None else tier
    as_of = datetime.now(tz=backend.time_of("2026-01-01T00:00").tzinfo)
    try:
        mine, rejected = backend.evaluate_export(
            server.rules, draft.contract, content, suffix, name, as_of
        )
        theirs = (
            backend.evaluate_export(server.rules, compared, content, suffix, name, as_of)[0]
            if compared is not None
            else None
        )
    except backend.SlaError as error:
        return JSONResponse({"html": f"<p class='error'>{_escape(str(error.problems[0]))}</p>"})
    html = _env.get_template("whatif.html.j2").render(
        t=TEXTS[lang],
        mine=_outcome(mine, lang),
        theirs=_outcome(theirs, lang) if theirs is not None else None,
        compared_label=compared_label,
        rejected=[str(p) for p in rejected[:10]],
        rejected_count=len(rejected),
        name=name,
    )
    return JSONResponse({"html": html})


def _outcome(summary: backend.Summary, lang: str) -> dict[str, Any]:
    breaches = backend.breaches_by_priority(summary)
    return {
        "rows": [
            (p, breaches[p], words.shown(f"{summary.cost_by_priority.get(p, 0):.2f}", "rate", lang))
            for p in (1, 2, 3, 4)
        ],
        "breaches": sum(breaches.values()),
        "cost": words.shown(f"{summary.cost_total:.2f}", "rate", lang),
        "evaluated": summary.rows_out,
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Quote


@router.get("/quote")
def quote_page(request: Request) -> Response:
    return _quote_page(request, {}, None)


@router.post("/quote")
async def make_quote(request: Request) -> Response:
    posted = await checked_form(request)
    values = {k: v for k, v in posted.multi_items() if isinstance(v, str)}
    causes = [v for v in posted.getlist("causes") if isinstance(v, str)]
    return _quote_page(request, values, causes)


@router.post("/quote.pdf")
async def quote_pdf(request: Request) -> Response:
    posted = await checked_form(request)
    values = {k: v for k, v in posted.multi_items() if isinstance(v, str)}
    causes = [v for v in posted.getlist("causes") if isinstance(v, str)]
    server = server_of(request)
    outcome = _quote(server, values, causes, lang_of(request))
    if outcome["result"] is None:
        return _quote_page(request, values, causes)
    html = backend.quote_html(server.rules, outcome["result"], lang_of(request), backend.today())
    return Response(
        backend.pdf_of(html),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="offerte.pdf"'},
    )


def _quote_page(request: Request, values: dict[str, str], causes: list[str] | None) -> Response:
    server = server_of(request)
    lang = lang_of(request)
    outcome = _quote(server, values, causes or [], lang) if causes is not None else None
    targets = [*server.store.ids(), *[t for t in _TIER_ORDER if t in server.rules.tiers]]
    exceptions = [
        (e, server.rules.exceptions[e].data["name"].get(lang, e))
        for e in sorted(server.rules.exceptions)
    ]
    return render(
        request,
        "quote.html.j2",
        422 if outcome and outcome["errors"] else 200,
        values=values,
        causes=causes or [],
        outcome=outcome,
        targets=targets,
        exceptions=exceptions,
        scopes=SCOPES[lang],
        effects=EFFECTS[lang],
        kinds=backend.WORK_KINDS,
    )


def _quote(server: Server, values: dict[str, str], causes: list[str], lang: str) -> dict[str, Any]:
    errors: dict[str, str] = {}
    suggestion = None
    if values.get("scope") and values.get("effect"):
        try:
            suggestion = priorities.suggest(
                server.rules.priorities, values["scope"], values["effect"]
            )
        except backend.SlaError as error:
            errors["scope"] = error.problems[0].message
    explicit = values.get("priority", "")
    given = int(explicit) if explicit in ("1", "2", "3", "4") else None
    if explicit and given is None:
        errors["priority"] = "Kies PRIO 1, 2, 3 of 4."
    used = priorities.chosen(given, suggestion)
    if used is None and "priority" not in errors:
        errors["priority"] = "Geef een prioriteit, of wie getroffen is en het effect."
    minutes = values.get("minutes", "")
    if not minutes.isdigit():
        errors["minutes"] = "Geef het aantal minuten als heel getal."
    travel = values.get("travel_minutes", "") or "0"
    if not travel.isdigit():
        errors["travel_minutes"] = "Geef de reistijd in hele minuten."
    result = None
    work = None
    if not errors and used is not None:
        try:
            contract = server.target(values.get("contract", ""))
            work = backend.make_work(
                priority=used,
                start=backend.time_of(values.get("start", "")),
                minutes=int(minutes),
                kind=values.get("work", "incident") or "incident",
                on_site=values.get("on_site") == "on",
                travel_minutes=int(travel),
                causes=causes,
            )
            result = backend.quote_for(server.rules, contract, work)
        except backend.SlaError as error:
            errors["general"] = str(error.problems[0])
    shown = None
    if result is not None and work is not None:
        data = backend.quote_dict(result, work)
        key = "description" if lang == "nl" else "description_en"
        shown = {
            "lines": [(ln[key], words.shown(ln["amount"], "rate", lang)) for ln in data["lines"]],
            "total": words.shown(data["total"], "rate", lang),
            "notes": data["notes" if lang == "nl" else "notes_en"],
        }
    return {
        "errors": errors,
        "suggestion": suggestion.priority if suggestion else None,
        "reason": suggestion.reason(lang) if suggestion else None,
        "used": used,
        "result": result,
        "shown": shown,
    }
