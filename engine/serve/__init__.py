"""`sla serve`: the contract configurator for sales and the JSON API for the helpdesk.

Every call into the engine goes through `backend`, so that pointing the web layer at another
engine surface (a facade) is a change of one module.
"""
