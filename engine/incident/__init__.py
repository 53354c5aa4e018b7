"""One incident and its deadlines: the incident model, the exception matcher, and the three clocks
(first response, resolution, time on site) with pauses and priority history.
"""
