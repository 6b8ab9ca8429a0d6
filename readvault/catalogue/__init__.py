"""The library as operators run it: the admin CMS (series, chapters, merge, cover, reading
order), site hidings, and the sample manga made at install."""
