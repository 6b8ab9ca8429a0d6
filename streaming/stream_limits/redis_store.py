"""Stream sessions in Redis, for installations with Redis (REDIS_URL): every key expires by
itself, so nothing needs sweeping.

Per site, `<prefix>:<site>:site` and per viewer `<prefix>:<site>:viewer:<key>` are sorted
sets of session ids scored by when each expires (milliseconds); `<prefix>:<site>:s:<id>`
holds the session's facts as JSON, and `<prefix>:<site>:stopped:<id>` marks a session
stopped from another device until it would have expired. A start and a beat are Lua
scripts: Redis runs a script alone, so counting and adding are one step and two devices
starting at the same instant cannot both take the last slot."""

from __future__ import annotations

import json
import time
from functools import cache

import redis

from streaming.stream_limits.store import Beat, Caps, Full, Playing

# KEYS: site set, viewer set, session, replaced session, replaced session's tombstone
# ARGV: now ms, ttl ms, per-viewer cap (-1: none), per-site cap, id, replaced id, facts
_START = """
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if ARGV[6] ~= '' and redis.call('ZSCORE', KEYS[2], ARGV[6]) then
  redis.call('ZREM', KEYS[1], ARGV[6])
  redis.call('ZREM', KEYS[2], ARGV[6])
  redis.call('DEL', KEYS[4], KEYS[5])
end
local per_viewer, per_site = tonumber(ARGV[3]), tonumber(ARGV[4])
if per_viewer >= 0 and redis.call('ZCARD', KEYS[2]) >= per_viewer then return 'viewer' end
if per_site >= 0 and redis.call('ZCARD', KEYS[1]) >= per_site then return 'site' end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[5])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[5])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[3], ARGV[7], 'PX', ttl)
return 'ok'
"""

# KEYS: site set, viewer set, session, tombstone; ARGV: now ms, ttl ms, id, viewer key
_BEAT = """
local facts = redis.call('GET', KEYS[3])
if not facts then
  if redis.call('GET', KEYS[4]) == ARGV[4] then return 'stopped' end
  return 'gone'
end
if cjson.decode(facts)['viewer_key'] ~= ARGV[4] then return 'gone' end
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[3])
redis.call('ZADD', KEYS[2], 'XX', now + ttl, ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 'live'
"""


@cache
def _client(url: str) -> redis.Redis:
    # One connection pool per process and URL (redis-py's pool is thread-safe).
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class RedisStore:
    def __init__(self, url: str, prefix: str = "sv:streams") -> None:
        self.redis = _client(url)
        self.prefix = prefix
        self._start = self.redis.register_script(_START)
        self._beat = self.redis.register_script(_BEAT)

    def start(self, playing: Playing, caps: Caps, ttl: float, replaces: str = "") -> Full | None:
        site = playing.tenant_id
        now = _now_ms()
        facts = json.dumps({**playing.__dict__, "started_at": now / 1000, "last_seen": now / 1000})
        keys = [
            self._site(site),
            self._viewer(site, playing.viewer_key),
            self._session(site, playing.id),
            self._session(site, replaces),
            self._tombstone(site, replaces),
        ]
        args: list[str | int] = [now, _ms(ttl), _cap(caps.per_viewer), _cap(caps.per_site)]
        answer = self._start(keys=keys, args=[*args, playing.id, replaces, facts])
        return None if answer == b"ok" else Full(answer.decode())

    def beat(self, tenant_id: int, session_id: str, viewer_key: str, ttl: float) -> Beat:
        keys = [
            self._site(tenant_id),
            self._viewer(tenant_id, viewer_key),
            self._session(tenant_id, session_id),
            self._tombstone(tenant_id, session_id),
        ]
        args: list[str | int] = [_now_ms(), _ms(ttl), session_id, viewer_key]
        return Beat(self._beat(keys=keys, args=args).decode())

    def stop(self, tenant_id: int, session_id: str, ttl: float) -> None:
        playing = self.get(tenant_id, session_id, ttl)
        if playing is None:
            return
        left_ms = max(int(playing.last_seen * 1000) + _ms(ttl) - _now_ms(), 1)
        with self.redis.pipeline() as pipe:
            pipe.zrem(self._site(tenant_id), session_id)
            pipe.zrem(self._viewer(tenant_id, playing.viewer_key), session_id)
            pipe.delete(self._session(tenant_id, session_id))
            pipe.set(self._tombstone(tenant_id, session_id), playing.viewer_key, px=left_ms)
            pipe.execute()

    def end(self, tenant_id: int, session_id: str, viewer_key: str) -> None:
        with self.redis.pipeline() as pipe:
            pipe.zrem(self._site(tenant_id), session_id)
            pipe.zrem(self._viewer(tenant_id, viewer_key), session_id)
            pipe.delete(self._session(tenant_id, session_id))
            pipe.execute()

    def get(self, tenant_id: int, session_id: str, ttl: float) -> Playing | None:
        found = self._load(tenant_id, [session_id])
        return found[0] if found else None

    def of_viewer(self, tenant_id: int, viewer_key: str, ttl: float) -> list[Playing]:
        return self._live_in(tenant_id, self._viewer(tenant_id, viewer_key))

    def of_site(self, tenant_id: int, ttl: float) -> list[Playing]:
        return self._live_in(tenant_id, self._site(tenant_id))

    def _live_in(self, tenant_id: int, key: str) -> list[Playing]:
        found: list[bytes] = self.redis.zrangebyscore(key, f"({_now_ms()}", "+inf")  # type: ignore[assignment]
        ids = [raw.decode() for raw in found]
        return sorted(self._load(tenant_id, ids), key=lambda p: (p.started_at, p.id))

    def _load(self, tenant_id: int, ids: list[str]) -> list[Playing]:
        if not ids:
            return []
        found = self.redis.mget([self._session(tenant_id, i) for i in ids])
        return [Playing(**json.loads(raw)) for raw in found if raw is not None]

    def _site(self, tenant_id: int) -> str:
        return f"{self.prefix}:{tenant_id}:site"

    def _viewer(self, tenant_id: int, viewer_key: str) -> str:
        return f"{self.prefix}:{tenant_id}:viewer:{viewer_key}"

    def _session(self, tenant_id: int, session_id: str) -> str:
        return f"{self.prefix}:{tenant_id}:s:{session_id}"

    def _tombstone(self, tenant_id: int, session_id: str) -> str:
        return f"{self.prefix}:{tenant_id}:stopped:{session_id}"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ms(seconds: float) -> int:
    return max(int(seconds * 1000), 1)


def _cap(cap: int | None) -> int:
    return -1 if cap is None else cap
