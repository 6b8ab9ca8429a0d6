"""ReadVault's metadata: ComicInfo.xml inside archives, file and folder names, and AniList;
applied to series in one place (readvault/metadata/apply.py)."""
