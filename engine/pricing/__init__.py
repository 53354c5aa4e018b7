"""What a call costs: quotes with exact line items, rates and billing units, evening/weekend
service windows, and the prepaid-hours card.
"""
