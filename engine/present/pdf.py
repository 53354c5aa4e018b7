"""HTML to PDF through WeasyPrint, with no network: a document is self-contained.

WeasyPrint needs the Pango system libraries (Debian: libpango-1.0-0, libpangoft2-1.0-0,
libharfbuzz-subset0; `make system-deps` installs them). It is imported when a PDF is asked
for, so every other command works on a machine without them.
"""

from __future__ import annotations

import io
from typing import Any

from engine.i18n import _
from engine.present.document_format import DocumentError


def pdf_available() -> str | None:
    """None when WeasyPrint can be imported, else why it cannot (for a skip or an error)."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError) as error:  # OSError: the Pango libraries are missing
        return f"{type(error).__name__}: {error}"
    return None


PDFA_VARIANT = "pdf/a-3b"  # PDF/A-3 may carry files of any type, such as the contract's YAML
SOURCE_NAME = "contract.yaml"


def html_to_pdf(html: str, *, pdfa: bool = False, source: bytes | None = None) -> bytes:
    """The PDF of a self-contained HTML document; any URL it names is refused, not fetched.

    Title, author, subject (description) and language come from the document's <head> and
    `lang`, with or without `pdfa`. With `pdfa` the PDF is PDF/A-3b, and `source` (the bytes
    of the contract file) is embedded unchanged as `contract.yaml`, an associated file whose
    relationship to the document is Source: the document was made from it.
    """
    problem = pdf_available()
    if problem is not None:
        raise DocumentError.at(
            _(
                "PDF output needs WeasyPrint and the Pango libraries; run `make install` "
                "(it installs both) or choose --format html ({problem})"
            ).format(problem=problem)
        )
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher  # type: ignore[import-untyped]

    class _Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FatalURLFetchingError(url)

    options: dict[str, Any] = {}
    if pdfa:
        options["pdf_variant"] = PDFA_VARIANT
        if source is not None:
            options["attachments"] = [
                weasyprint.Attachment(
                    file_obj=io.BytesIO(source),
                    name=SOURCE_NAME,
                    description="The contract this document was made from",
                    relationship="Source",
                    url_fetcher=_Refuse(),
                )
            ]
    try:
        document = weasyprint.HTML(string=html, url_fetcher=_Refuse())
        pdf: bytes = document.write_pdf(finisher=_one_entry_per_associated_file, **options)
    except FatalURLFetchingError as error:
        raise DocumentError.at(
            _("the document refers to {url}; a document must be self-contained (no URLs)").format(
                url=error
            )
        ) from None
    return pdf


def _one_entry_per_associated_file(document: Any, pdf: Any) -> None:
    """WeasyPrint lists an embedded file twice in the catalog's /AF (once from the name tree,
    once from the file specifications); each associated file is listed once."""
    associated = pdf.catalog.get("AF")
    if associated:
        unique = list(dict.fromkeys(associated))
        associated.clear()
        associated.extend(unique)
