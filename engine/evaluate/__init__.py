"""A helpdesk export checked against a contract: rows read, every deadline judged, every call
priced, rows written and a summary that adds up.
"""
