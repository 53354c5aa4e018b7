// The live panel of the configure page: after each change, ask the server for the panel and
// the messages per field, and show them in place. No library: fetch and a few DOM calls.
"use strict";
(function () {
  const form = document.getElementById("configure");
  if (!form) return;
  const panel = document.getElementById("panel");
  const summary = document.getElementById("summary");
  let timer = null;
  let asked = 0;

  function fieldData() {
    const data = new FormData(form);
    data.delete("export");  // the export goes only with "what if"
    return data;
  }

  function idOf(name) { return name.split(".").join("-"); }

  function showErrors(errors) {
    form.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; });
    form.querySelectorAll(".has-error").forEach(function (f) { f.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
    Object.keys(errors).forEach(function (name) {
      const reason = name.startsWith("reason.");
      const id = reason ? "err-reason-" + idOf(name.slice(7)) : "err-" + idOf(name);
      const p = document.getElementById(id);
      if (!p) return;
      p.textContent = errors[name];
      const box = p.closest(".field, fieldset");
      if (box) box.classList.add("has-error");
      const input = box && box.querySelector("input, select, textarea");
      if (input) input.setAttribute("aria-invalid", "true");
    });
    const count = Object.keys(errors).length;
    summary.textContent = count ? (document.documentElement.lang === "en" ? "Messages: " : "Meldingen: ") + count : "";
  }

  function showReasons(paths) {
    form.querySelectorAll("[data-reason-for]").forEach(function (box) {
      box.hidden = paths.indexOf(box.getAttribute("data-reason-for")) < 0;
    });
    document.getElementById("no-deviations").hidden = paths.length > 0;
  }

  function showOverrides(paths) {
    form.querySelectorAll("[data-field]").forEach(function (box) {
      box.classList.toggle("overridden", paths.indexOf(box.getAttribute("data-field")) >= 0);
    });
  }

  function showAddons(allowed) {
    form.querySelectorAll(".addon").forEach(function (box) {
      const input = box.querySelector("input");
      const ok = allowed.indexOf(input.value) >= 0;
      box.hidden = !ok;
      if (!ok) input.checked = false;
    });
  }

  // A field still showing what tier, base and add-ons gave follows them when they change;
  // a value the user typed stays. Returns whether a field changed (then ask again).
  function followBase(base) {
    let changed = false;
    Object.keys(base).forEach(function (name) {
      const input = form.querySelector('input[name="' + name + '"]');
      if (!input || input.dataset.base === undefined || input.dataset.base === base[name]) return;
      if (input.value === input.dataset.base || input.value === "") {
        input.value = base[name];
        changed = true;
      }
      input.dataset.base = base[name];
    });
    return changed;
  }

  function refresh() {
    const mine = ++asked;
    fetch("/configure/preview" + location.search, { method: "POST", body: fieldData(), credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer || mine !== asked) return;  // a later change has asked again
        if (followBase(answer.base || {})) { refresh(); return; }
        panel.innerHTML = answer.panel;
        showErrors(answer.errors);
        showReasons(answer.reasons);
        showOverrides(answer.overridden);
        showAddons(answer.allowed_addons);
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") later();
  });
  // The base tier is a Maatwerk's only.
  const tier = document.getElementById("f-tier");
  const baseBox = form.querySelector('[data-field="base"]');
  tier.addEventListener("change", function () { baseBox.hidden = tier.value !== "maatwerk"; });

  form.addEventListener("change", function (event) {
    if (event.target.type !== "file" && event.target.name !== "example") later();
  });

  const whatif = document.getElementById("run-whatif");
  const result = document.getElementById("whatif-result");
  whatif.hidden = false;
  whatif.addEventListener("click", function () {
    result.textContent = "…";
    fetch("/configure/whatif" + location.search, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (answer) { result.innerHTML = answer.html; })
      .catch(function () { result.textContent = "?"; });
  });
})();
