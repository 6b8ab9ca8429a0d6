"""Pages on their way to readers: signed page links, the /pages/ view nginx asks, the bytes
of one page read from its chapter's archive, and the images made from pages ahead of reading."""
