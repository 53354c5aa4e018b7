"""The configurator in a browser, as a sales person uses it: a Maatwerk with a faster PRIO 1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli import main


def field(page: Any, name: str) -> Any:
    return page.locator(f'[name="{name}"]')


def error_beside(page: Any, name: str) -> Any:
    return page.locator(f"#err-{name.replace('.', '-')}")


def test_configure_a_maatwerk_with_faster_prio_1_save_and_download_the_pdf(
    served: tuple[str, Path], browser: Any, shots: Path | None, tmp_path: Path
) -> None:
    base, contracts = served
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(f"{base}/configure/new")
    field(page, "customer").fill("Tandartspraktijk Smit")
    field(page, "contact.name").fill("Jolien Smit")
    field(page, "contact.email").fill("jolien@tandartssmit.nl")
    page.select_option("#f-tier", "maatwerk")
    page.select_option("#f-base", "advanced")
    page.check("#a-aws")

    # Faster PRIO 1 than Advanced's 4 hours: the panel shows it as an override.
    field(page, "targets.P1.first_response").fill("1u")
    row = page.locator(
        "#panel table.rows tr", has=page.locator("code", has_text="targets.P1.first_response")
    )
    row.filter(has_text="afwijking").wait_for()
    assert "1 uur" in row.inner_text()
    assert page.locator('[data-field="targets.P1.first_response"].overridden').count() == 1

    # Slower resolution than the base: a deviation that asks for a reason, beside the field.
    field(page, "targets.P1.resolution").fill("6 uur")
    reason = page.locator('[data-reason-for="targets.P1.resolution"]')
    reason.wait_for(state="visible")
    message = error_beside(page, "reason-targets.P1.resolution")
    page.wait_for_function(
        "el => el.textContent.includes('Slechter voor de klant')", arg=message.element_handle()
    )
    assert "4 uur van basis Advanced" in message.inner_text()

    # A wrong amount: the message stands beside its own field and is announced.
    field(page, "rates.outside_sla").fill("veel")
    rate_error = error_beside(page, "rates.outside_sla")
    page.wait_for_function(
        "el => el.textContent.includes('geen bedrag')", arg=rate_error.element_handle()
    )
    assert rate_error.get_attribute("aria-live") == "polite"
    assert field(page, "rates.outside_sla").get_attribute("aria-invalid") == "true"
    if shots:
        page.screenshot(path=str(shots / "configure-nl.png"), full_page=True)

    field(page, "rates.outside_sla").fill("€ 85,-")
    page.wait_for_function("el => el.textContent === ''", arg=rate_error.element_handle())
    field(page, "reason.targets.P1.resolution").fill("Snellere reactie tegen een lagere prijs")
    page.wait_for_function("el => el.textContent === ''", arg=message.element_handle())

    # What if: the shipped November export under this contract and the base tier.
    page.select_option("#f-example", "november.csv")
    page.click("#run-whatif")
    page.locator("#whatif-result table").wait_for()
    assert "PRIO 1" in page.locator("#whatif-result").inner_text()
    if shots:
        page.locator("#whatif").screenshot(path=str(shots / "whatif-nl.png"))

    page.click("#save")
    page.wait_for_url(re.compile(r"/contracts/tandartspraktijk-smit"))
    assert "Opgeslagen" in page.locator("main").inner_text()
    file = contracts / "tandartspraktijk-smit.yaml"
    assert CliRunner().invoke(main, ["validate", str(file)]).exit_code == 0
    text = file.read_text(encoding="utf-8")
    assert "first_response: 1h" in text and 'outside_sla: "85.00"' in text
    if shots:
        page.screenshot(path=str(shots / "contract-nl.png"), full_page=True)

    with page.expect_download() as download:
        page.click('a[href$="annex.pdf?lang=nl"]')
    saved = tmp_path / "annex.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")


def test_every_control_has_a_label_and_the_keyboard_reaches_the_form(
    served: tuple[str, Path], browser: Any
) -> None:
    base, _ = served
    page = browser.new_page()
    for path in ("/", "/configure/new", "/contracts/bakkerij-de-vries/edit", "/quote"):
        page.goto(base + path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name)"""
        )
        assert unlabelled == [], path
    page.goto(base + "/configure/new")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "customer":
            break
    assert page.evaluate("document.activeElement.name") == "customer"
    page.keyboard.type("Via het toetsenbord")
    assert field(page, "customer").input_value() == "Via het toetsenbord"


def test_screenshots_in_both_languages(
    served: tuple[str, Path], browser: Any, shots: Path | None
) -> None:
    base, _ = served
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    for lang in ("nl", "en"):
        for path, name in (
            ("/", "contracts"),
            ("/contracts/bakkerij-de-vries/edit", "edit"),
            ("/quote", "quote"),
        ):
            page.goto(f"{base}{path}?lang={lang}")
            assert page.locator("html").get_attribute("lang") == lang
            if shots:
                page.screenshot(path=str(shots / f"{name}-{lang}.png"), full_page=True)
    page.goto(f"{base}/contracts/bakkerij-de-vries/edit?lang=en")
    assert "Configure a contract" in page.locator("h1").inner_text()


def test_changing_the_base_refills_the_fields_left_alone(
    served: tuple[str, Path], browser: Any
) -> None:
    base, _ = served
    page = browser.new_page()
    page.goto(f"{base}/configure/new")
    assert field(page, "targets.P2.first_response").input_value() == "8 uur"  # Advanced
    field(page, "targets.P1.first_response").fill("1u")
    page.select_option("#f-base", "enterprise")
    page.wait_for_function(
        "() => document.querySelector('[name=\"targets.P2.first_response\"]').value === '4 uur'"
    )
    assert field(page, "targets.P1.first_response").input_value() == "1u"  # typed: it stays
    assert field(page, "rates.outside_sla").input_value() == "€ 85,00"
