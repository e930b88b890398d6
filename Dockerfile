# The monitor as a container: `monitor run` (scheduler, crawler, notifier,
# /healthz and /metrics) as a non-root user, its database in the /data volume.
#
#   docker build -t monitor .
#   docker run -d -v monitor-data:/data -p 8080:8080 --env-file .env monitor
#
# Behind a TLS-intercepting proxy, pass its CA certificates (PEM) to the build:
#   docker build --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)" -t monitor .
# They are added to the image's trust store (pip during the build) and to the
# certifi bundle that httpx trusts when the monitor fetches its sources.
FROM python:3.11-slim

ARG EXTRA_CA_CERTS=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    PATH=/opt/venv/bin:$PATH

SHELL ["/bin/sh", "-eu", "-c"]

# Extra CA certificates first: pip needs them to reach the package index.
# pip bundles its own CA list, so PIP_CERT points it at the system's one.
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
        printf '%s\n' "$EXTRA_CA_CERTS" > /usr/local/share/ca-certificates/extra-build-ca.crt; \
        update-ca-certificates; \
    fi; \
    groupadd --system --gid 10001 monitor; \
    useradd --system --uid 10001 --gid monitor --home-dir /app --shell /usr/sbin/nologin monitor; \
    mkdir -p /app /data; \
    chown monitor:monitor /data; \
    python -m venv /opt/venv

WORKDIR /app

# The dependencies, pinned (==) in pyproject.toml, in a layer of their own:
# it is rebuilt only when pyproject.toml changes, not on every code change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt; \
    pip install --requirement /tmp/requirements.txt; \
    rm /tmp/requirements.txt; \
    if [ -n "$EXTRA_CA_CERTS" ]; then \
        printf '%s\n' "$EXTRA_CA_CERTS" >> "$(python -c 'import certifi; print(certifi.where())')"; \
    fi

COPY README.md ./
COPY monitor ./monitor
RUN pip install --no-deps . && rm -rf build monitor.egg-info

# feeds.toml inside the image; mount your own over it: -v ./feeds.toml:/app/feeds.toml:ro
COPY feeds.toml ./feeds.toml

ENV MONITOR_CONFIG=/app/feeds.toml \
    MONITOR_DB=/data/monitor.db \
    MONITOR_HTTP_HOST=0.0.0.0 \
    MONITOR_HTTP_PORT=8080

VOLUME ["/data"]
EXPOSE 8080

# Readiness: 200 from /healthz (database writable, scheduler running, a recent
# successful poll). slim has no curl: python's urllib raises on a 503.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('MONITOR_HTTP_PORT', '8080'), timeout=4)"]

USER 10001:10001
# `monitor run` stops within 10 s of SIGTERM, inside docker stop's default grace.
STOPSIGNAL SIGTERM
CMD ["monitor", "run"]
