"""Age caps: which ComicInfo age ratings a site, or a reader, chooses not to see.

A cap is an age in years (13: "nothing rated above 13"). Each ComicInfo rating stands for
the youngest age it suits; a rating above the cap is hidden, and so is an unknown or pending
rating, because a cap is a promise about everything shown (Kavita hides unrated titles under
an age restriction by default too; the admin rates a series to show it).
"""

from __future__ import annotations

from django.db.models import Q

# ComicInfo AgeRating value -> the youngest age it suits. "" and "Rating Pending" are unrated.
AGE_OF_RATING: dict[str, int] = {
    "Everyone": 0,
    "Early Childhood": 0,
    "G": 0,
    "Kids to Adults": 6,
    "Everyone 10+": 10,
    "PG": 10,
    "Teen": 13,
    "MA15+": 15,
    "Mature 17+": 17,
    "M": 17,
    "R18+": 18,
    "Adults Only 18+": 18,
    "X18+": 18,
}


def ratings_within(cap: int) -> list[str]:
    """The ratings a cap of `cap` years lets through (never the unrated ones)."""
    return sorted(rating for rating, age in AGE_OF_RATING.items() if age <= cap)


def age_cap_rule(cap: int | None, series: str = "") -> Q:
    """Series at the end of the path `series` that a cap of `cap` lets through (everything
    when there is no cap)."""
    if cap is None:
        return Q()
    return Q(**{f"{series}age_rating__in": ratings_within(cap)})


def stricter_cap(*caps: int | None) -> int | None:
    """The lowest of the caps given (a site's and a reader's), None when none is set."""
    set_caps = [cap for cap in caps if cap is not None]
    return min(set_caps) if set_caps else None
