# ShadowVault image: one image for every process role (web, stream, worker, beat, migrate);
# docker-compose.yml picks the role with `command`. See deploy/README.md.
#
# Multi-arch (amd64 + arm64, e.g. `docker buildx build --platform linux/amd64,linux/arm64 .`):
# only the official Python base, Debian packages and pip wheels, nothing downloaded per arch.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# ffmpeg/ffprobe for ingest (probe, remux, thumbnails); aria2 for optional segmented downloads;
# libarchive13 for ReadVault's comic archives (RAR 4/5, 7z, tar through libarchive-c).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg aria2 libarchive13 \
    && rm -rf /var/lib/apt/lists/*

# Processes run as this user; the code stays root-owned, so they cannot change it.
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin shadowvault

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Fail the build on broken settings or imports. The secrets are dummies given to this RUN
# alone (never ENV, never in a layer's config); real ones come from the environment at run time.
# collectstatic is not run here: STATIC_ROOT lives on the /data volume, which an old volume
# would shadow after an upgrade, so the compose "migrate" service collects at every start.
# (Without it, whitenoise still serves static files from the app via its finders.)
RUN DATA_DIR=/tmp/build-check \
    SECRET_KEY=build-time-dummy-secret-key-not-used-at-run-time \
    LINK_SECRET=build-time-dummy-link-secret-not-used-at-run-time \
    python manage.py check \
    && rm -rf /tmp/build-check

# The data folder: media, collected static files, celerybeat schedule. Created here so that a
# fresh named volume mounted on it starts out owned by the app user.
ENV DATA_DIR=/data \
    MEDIA_ROOT=/data/media
RUN mkdir -p /data/media/public && chown -R shadowvault:shadowvault /data
VOLUME /data

USER shadowvault
EXPOSE 8000

# Liveness only (/readyz would mark the web container unhealthy whenever Redis or PostgreSQL
# blip). "localhost" must stay in ALLOWED_HOSTS if that is narrowed from the default "*".
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost'}), timeout=4)"]

# Default role: the WSGI site. Only nginx (or another container) reaches port 8000, so the
# forwarded headers nginx sets are trusted from any address.
CMD ["gunicorn", "shadowvault.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", \
     "--forwarded-allow-ips", "*"]
