"""The service clock: calendars compiled from the rules, business time (adding and counting service
hours), and reading and writing times and durations.
"""
