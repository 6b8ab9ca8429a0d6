"""`{% load running_time %}{{ seconds|running_time }}`: a length as people say it.

Seconds under a minute ("10 s": a 10 s clip is not "1 min"), minutes under an hour, then
hours and minutes ("1 h 42 min").
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def running_time(seconds: float | int | None) -> str:
    if seconds is None or seconds != seconds or seconds <= 0:  # unknown, NaN
        return ""
    if seconds < 59.5:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
