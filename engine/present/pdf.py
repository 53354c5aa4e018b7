"""HTML to PDF through WeasyPrint, with no network: a document is self-contained.

WeasyPrint needs the Pango system libraries (Debian: libpango-1.0-0, libpangoft2-1.0-0,
libharfbuzz-subset0; `make system-deps` installs them). It is imported when a PDF is asked
for, so every other command works on a machine without them.
"""

from __future__ import annotations

from typing import Any

from engine.present.document_format import DocumentError


def pdf_available() -> str | None:
    """None when WeasyPrint can be imported, else why it cannot (for a skip or an error)."""
    try:
        import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    except (ImportError, OSError) as error:  # OSError: the Pango libraries are missing
        return f"{type(error).__name__}: {error}"
    return None


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document; any URL it names is refused, not fetched."""
    problem = pdf_available()
    if problem is not None:
        raise DocumentError.at(
            "PDF output needs WeasyPrint and the Pango libraries; run `make install` "
            f"(it installs both) or choose --format html ({problem})"
        )
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher  # type: ignore[import-untyped]

    class _Refuse(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise FatalURLFetchingError(url)

    try:
        pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_Refuse()).write_pdf()
    except FatalURLFetchingError as error:
        raise DocumentError.at(
            f"the document refers to {error}; a document must be self-contained (no URLs)"
        ) from None
    return pdf
