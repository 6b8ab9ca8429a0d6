"""Metadata for the catalogue: TMDB, Kodi NFO sidecar files, and the skeleton guessed from a
file name when neither answers. Providers return `base.Details`; `apply.apply_details` writes
them onto a Title."""
