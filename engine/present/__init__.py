"""What a person reads: text and JSON reports, the customer documents (annex, quote, maintenance
notice) as HTML, Markdown and PDF, and the compliance report.
"""
