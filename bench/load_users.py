"""The viewers and the operator of bench/load.py, for locust (run by it as a subprocess:
gevent's monkey-patching stays out of the bench's own process).

    locust -f bench/load_users.py --headless ...   # LOAD_CONFIG names the seed's JSON

Every request is written, as one JSON line, to LOAD_RECORDS (when it started, its kind, how
it ended, the slice cache's word on media), so that load.py can put each failure in the
window of the fault that caused it; locust's own CSV holds the usual figures.

A viewer signs in with an account of its own (so its progress saves form one sequence the
database must end on), then mixes: browse, search, title pages, the player page with a
progress save through its CSRF form field and ranges of the film on the page's signed link,
the manga reader with its manifest and page images, and API calls with its token. The
operator submits the next small film to ingest over the API every few seconds.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time

from locust import FastHttpUser, between, constant_pacing, events, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115 (read once)
RECORDS = open(os.environ["LOAD_RECORDS"], "a", buffering=1)  # noqa: SIM115 (the run's life)
RANGE_BYTES = 64 * 1024
PLAYER_CONFIG = re.compile(r'<script id="player-config" type="application/json">(.*?)</script>')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
accounts = itertools.count()
films = itertools.count()
write_lock = threading.Lock()


def write(record: dict) -> None:
    with write_lock:
        RECORDS.write(json.dumps(record) + "\n")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, context=None,
            exception=None, start_time=None, **_kwargs) -> None:  # fmt: skip
    headers = getattr(response, "headers", None) or {}
    record = {
        "t": start_time or time.time(),
        "ms": round(response_time or 0, 1),
        "kind": name,
        "ok": exception is None,
        "status": getattr(response, "status_code", 0) or 0,
        "cache": headers.get("X-Cache-Status", ""),
    }
    if exception is not None:
        record["error"] = f"{type(exception).__name__}: {exception}"[:200]
    record.update(context or {})
    write(record)


class Viewer(FastHttpUser):
    wait_time = between(0.5, 1.5)
    network_timeout = 20.0
    connection_timeout = 5.0

    def on_start(self) -> None:
        self.account = CONFIG["viewers"][next(accounts) % len(CONFIG["viewers"])]
        self.token = {"Authorization": f"Token {self.account['token']}"}
        for _ in range(5):  # a sign-in cut by a fault is tried again
            if self._sign_in():
                return
            time.sleep(2)

    def _sign_in(self) -> bool:
        with self.client.get("/account/login/", name="sign-in", catch_response=True) as page:
            found = CSRF_FIELD.search(page.text or "")
            if not found:
                page.failure(f"no CSRF field ({page.status_code})")
                return False
        form = {
            "username": self.account["username"],
            "password": self.account["password"],
            "csrfmiddlewaretoken": found[1],
        }
        with self.client.post("/account/login/", data=form, name="sign-in",
                              allow_redirects=False, catch_response=True) as answer:  # fmt: skip
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}")
                return False
        return True

    @task(3)
    def browse(self) -> None:
        self.client.get("/", name="home")
        self.client.get("/browse/", name="catalogue")

    @task(2)
    def search(self) -> None:
        word = random.choice(CONFIG["search_words"])
        self.client.get(f"/search/?q={word}", name="search")

    @task(2)
    def title_page(self) -> None:
        film = random.choice(CONFIG["films"])
        self.client.get(f"/title/{film['slug']}/", name="title page")

    @task(3)
    def watch(self) -> None:
        film = random.choice(CONFIG["films"])
        with self.client.get(f"/watch/{film['media']}/", name="player page",
                             catch_response=True) as page:  # fmt: skip
            found = PLAYER_CONFIG.search(page.text or "") if page.status_code == 200 else None
            if not found:
                page.failure(f"no player config ({page.status_code})")
                return
        config = json.loads(found[1])
        self._save_progress(film, config)
        if config.get("src"):
            for _ in range(2):
                self._media_range(config["src"], film)

    def _save_progress(self, film: dict, config: dict) -> None:
        position = round(random.uniform(0, (config.get("duration") or 10) * 0.8), 2)
        context = {"user": self.account["username"], "media": film["media"], "position": position}
        body = {"csrfmiddlewaretoken": config["csrfToken"], "position": f"{position:.2f}"}
        with self.client.post(config["progressUrl"], data=body, name="progress save",
                              context=context, catch_response=True) as answer:  # fmt: skip
            if answer.status_code != 204:
                answer.failure(f"progress answered {answer.status_code}")

    def _media_range(self, link: str, film: dict) -> None:
        size = film.get("size") or RANGE_BYTES
        start = random.randrange(0, max(1, size - RANGE_BYTES)) if size > RANGE_BYTES else 0
        end = min(size, start + RANGE_BYTES) - 1
        headers = {"Range": f"bytes={start}-{end}"}
        with self.client.get(link, headers=headers, name="media range",
                             catch_response=True) as answer:  # fmt: skip
            # A stream "finished": every byte asked for arrived, as a 206.
            if answer.status_code != 206:
                answer.failure(f"media answered {answer.status_code}")
            elif len(answer.content or b"") != end - start + 1:
                answer.failure(f"short body: {len(answer.content or b'')} of {end - start + 1}")

    @task(2)
    def read_manga(self) -> None:
        chapter = random.choice(CONFIG["chapters"])
        self.client.get(f"/read/{chapter}/", name="reader page")
        with self.client.get(f"/read/{chapter}/pages.json", name="reader manifest",
                             catch_response=True) as answer:  # fmt: skip
            try:
                pages = answer.json()["pages"]
            except (ValueError, KeyError, TypeError):
                answer.failure(f"no manifest ({answer.status_code})")
                return
        for page in random.sample(pages, min(2, len(pages))):
            with self.client.get(page["src"], name="page image", catch_response=True) as image:
                if image.status_code != 200 or not image.content:
                    image.failure(f"page image answered {image.status_code}")

    @task(2)
    def api(self) -> None:
        self.client.get("/api/titles/", headers=self.token, name="api titles")
        film = random.choice(CONFIG["films"])
        self.client.get(f"/api/titles/{film['id']}/", headers=self.token, name="api title")


class Operator(FastHttpUser):
    """Queues one small film a step, the way an operator's script would: POST /api/ingest/."""

    fixed_count = 1
    wait_time = constant_pacing(CONFIG["ingest_every"])
    network_timeout = 30.0

    @task
    def ingest(self) -> None:
        number = next(films)
        if number >= len(CONFIG["ingest_urls"]):
            return
        url = CONFIG["ingest_urls"][number]
        headers = {"Authorization": f"Token {CONFIG['operator_token']}"}
        with self.client.post("/api/ingest/", json={"urls": [url]}, headers=headers,
                              name="ingest submit", context={"source": url},
                              catch_response=True) as answer:  # fmt: skip
            if answer.status_code != 201:
                answer.failure(f"ingest answered {answer.status_code}")
