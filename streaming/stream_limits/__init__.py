"""Concurrent streams, counted from player heartbeats (docs/franchise.md, "Concurrent
streams"): a player starts a stream session, beats while it plays, and a session silent for
STREAM_SESSION_TTL seconds is gone. Two stores keep the sessions behind one interface
(streaming.stream_limits.store): Redis with TTLs at scale, the database embedded; the
rules (who counts, the caps, who may stop what) live in streaming.stream_limits.admission."""
