#!/usr/bin/env bash
# docker-smoke.sh: build the monitor's image and prove the container works, for real.
#
#   scripts/docker-smoke.sh [--prepare-only]
#
# Steps: pick an engine (Docker when its daemon answers, else rootful podman,
# installed from Debian's packages when missing and we are root); make sure the
# base image python:3.11-slim exists (pulled, or else built with debootstrap
# when no registry is reachable); build the image; serve the bundled sample web
# (and the tests' fake Bot API when it exists) on the host's 127.0.0.1; run the
# container with --network host and a named volume; then check that
#   1. /healthz turns healthy, and the image's own HEALTHCHECK passes;
#   2. alerts are delivered: to a chat subscribed through the fake Bot API
#      (TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL set), or, when the fake or the
#      Telegram notifier is missing or SMOKE_CHANNEL=console, to the console
#      notifier's /data/alerts.jsonl inside the volume; /metrics counts them;
#   3. `stop` makes it exit with status 0 within 10 s;
#   4. a new container on the same volume polls again and sends nothing again.
# It prints how long each phase took.
#
# Exit status: 0 passed; 1 failed; 77 skipped, the reason printed on a line
# starting with "SKIP:". It skips only for reasons outside the project: no
# engine and none installable, an engine that cannot run a container here, no
# base image to be had, no way to PyPI. Once a trivial container runs and PyPI
# answers, any failure is the image's or the monitor's: status 1.
#
# Environment knobs:
#   SMOKE_ENGINE=docker|podman   force an engine
#   SMOKE_INSTALL=0              never apt-get install an engine (skip instead)
#   SMOKE_BASE=auto|pull|debootstrap   how to get python:3.11-slim when missing
#   SMOKE_CA_DIR=DIR             extra CA certificates (*.crt) passed to the build
#                                (default /usr/local/share/ca-certificates)
#   SMOKE_KEEP=1                 keep the container, volume and work dir
#   SMOKE_CHANNEL=console        check alerts.jsonl even when the fake Bot API exists
#
# Facts this relies on (measured on a sandboxed Debian 12 machine, see issue 7):
# rootful podman needs the runc runtime and lowered default ulimits there;
# overlay storage is about ten times faster than vfs; `--format docker` keeps
# the HEALTHCHECK (the OCI format drops it); `--network host` lets both the
# build (pip) and the container reach what the host reaches, its loopback too.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PREPARE_ONLY=0
[[ "${1:-}" == "--prepare-only" ]] && PREPARE_ONLY=1

IMAGE=monitor:smoke
BASE_IMAGE=docker.io/library/python:3.11-slim
NAME=monitor-smoke-$$
VOLUME=monitor-smoke-data-$$
STATE_DIR=${SMOKE_STATE_DIR:-/var/tmp/monitor-smoke}
WORK=$(mktemp -d /tmp/monitor-smoke.XXXXXX)
FIXTURES_PID=""
T0=$(date +%s)

say() { printf '[smoke %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# --- the engine ----------------------------------------------------------------

pick_engine() {
    if [[ "${SMOKE_ENGINE:-}" != "podman" ]] && command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1; then
        ENGINE=docker
        return
    fi
    [[ "${SMOKE_ENGINE:-}" == "docker" ]] && skip "SMOKE_ENGINE=docker but no Docker daemon answers 'docker info'"
    if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
        [[ "${SMOKE_INSTALL:-1}" == "0" ]] && skip "no container engine (docker daemon or podman) and SMOKE_INSTALL=0"
        [[ $(id -u) == 0 ]] || skip "no container engine, and installing podman needs root"
        command -v apt-get >/dev/null || skip "no container engine, and no apt-get to install podman with"
        say "installing podman and runc from the distribution's packages"
        # shellcheck disable=SC2015  # (A && B) || skip: either failing skips
        timeout 300 apt-get update -qq >"$WORK/apt.log" 2>&1 \
            && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq podman runc >>"$WORK/apt.log" 2>&1 \
            || { tail -5 "$WORK/apt.log"; skip "could not install podman and runc with apt-get (see above)"; }
    fi
    [[ $(id -u) == 0 ]] || skip "podman is set up here as rootful (runc, overlay): run as root"
    ENGINE=podman
    # Rootful podman in a restricted sandbox: runc (crun fails there), lowered
    # default ulimits (the defaults are above what the sandbox grants), and a
    # storage root of our own with the overlay driver.
    mkdir -p "$STATE_DIR/storage" "$STATE_DIR/run"
    cat >"$STATE_DIR/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
    cat >"$STATE_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$STATE_DIR/storage"
runroot = "$STATE_DIR/run"
EOF
    export CONTAINERS_CONF=$STATE_DIR/containers.conf
    export CONTAINERS_STORAGE_CONF=$STATE_DIR/storage.conf
    timeout 60 podman info >"$WORK/podman-info.txt" 2>&1 \
        || { tail -5 "$WORK/podman-info.txt"; skip "podman is installed but 'podman info' fails here (see above)"; }
}

# podman without systemd (a sandbox, CI) complains on every run and stop that
# it cannot schedule health checks with systemd timers: expected, filtered out.
engine() { "$ENGINE" "$@" 2> >(grep -v 'systemd connection' >&2); }

# --- the base image --------------------------------------------------------------

base_by_debootstrap() {
    # Debian bookworm's python3 is 3.11, like the official python:3.11-slim;
    # made to look like it: `python` and `pip` on the PATH, pip allowed to
    # install (PEP 668's marker removed: the image is the environment).
    command -v debootstrap >/dev/null || {
        [[ "${SMOKE_INSTALL:-1}" == "0" ]] && skip "no registry reachable for the base image, no debootstrap, SMOKE_INSTALL=0"
        DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq debootstrap >>"$WORK/apt.log" 2>&1 \
            || skip "no registry reachable for the base image, and debootstrap cannot be installed"
    }
    local rootfs=$STATE_DIR/rootfs
    rm -rf "$rootfs"
    say "building the base image with debootstrap (no registry): about a minute"
    timeout 600 debootstrap --variant=minbase --include=python3,python3-pip,python3-venv,ca-certificates \
        bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
        || { tail -5 "$WORK/debootstrap.log"; rm -rf "$rootfs"; skip "no registry for the base image, and debootstrap failed (see above)"; }
    rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
    ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
    ln -sf /usr/bin/pip3 "$rootfs/usr/local/bin/pip"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | engine import --change 'CMD ["python3"]' --change 'ENV LANG=C.UTF-8' - "$BASE_IMAGE" \
        >"$WORK/import.log" 2>&1 || { tail -5 "$WORK/import.log"; skip "importing the debootstrapped base image failed"; }
    rm -rf "$rootfs"
}

ensure_base() {
    if engine image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
        say "base image $BASE_IMAGE is there"
        return
    fi
    local how=${SMOKE_BASE:-auto}
    if [[ $how != debootstrap ]]; then
        say "pulling $BASE_IMAGE"
        if timeout 120 "$ENGINE" pull "$BASE_IMAGE" >"$WORK/pull.log" 2>&1; then
            return
        fi
        [[ $how == pull ]] && { tail -5 "$WORK/pull.log"; fail "cannot pull $BASE_IMAGE"; }
        say "no registry reachable ($(tail -1 "$WORK/pull.log" | cut -c1-120))"
    fi
    base_by_debootstrap
}

# --- cleanup -----------------------------------------------------------------------

cleanup() {
    local status=$?
    [[ -n "$FIXTURES_PID" ]] && kill "$FIXTURES_PID" 2>/dev/null || true
    if [[ "${SMOKE_KEEP:-0}" == 1 ]]; then
        echo "kept: container $NAME, volume $VOLUME, work dir $WORK"
    else
        if [[ -n "${ENGINE:-}" ]]; then
            engine rm -f "$NAME" >/dev/null 2>&1 || true
            engine volume rm -f "$VOLUME" >/dev/null 2>&1 || true
        fi
        rm -rf "$WORK"
    fi
    exit $status
}
trap cleanup EXIT

# --- main ----------------------------------------------------------------------------

pick_engine
say "engine: $ENGINE ($(engine --version))"
ensure_base
# Can this engine run a container at all here, with the host's network?
timeout 120 "$ENGINE" run --rm --network host "$BASE_IMAGE" python -c "print('canary')" >"$WORK/canary.log" 2>&1 \
    || { tail -5 "$WORK/canary.log"; skip "$ENGINE cannot run a container on this machine (see above)"; }
T_PREPARED=$(date +%s)
[[ $PREPARE_ONLY == 1 ]] && { say "prepared"; exit 0; }

# Extra CA certificates (a TLS-intercepting proxy between pip and PyPI).
CA_DIR=${SMOKE_CA_DIR:-/usr/local/share/ca-certificates}
EXTRA_CA=""
if compgen -G "$CA_DIR/*.crt" >/dev/null; then
    EXTRA_CA=$(cat "$CA_DIR"/*.crt)
fi
# The build installs the pinned dependencies from PyPI: no way there, no verdict.
python3 -c "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/pip/', timeout=20)" 2>"$WORK/pypi.log" \
    || { tail -1 "$WORK/pypi.log"; skip "PyPI is not reachable from this machine: the image cannot install its dependencies"; }
FORMAT=()
[[ $ENGINE == podman ]] && FORMAT=(--format docker)
say "building $IMAGE (extra CA certificates: $(compgen -G "$CA_DIR/*.crt" | wc -l) from $CA_DIR)"
B0=$(date +%s)
timeout 600 "$ENGINE" build "${FORMAT[@]}" --network host --build-arg "EXTRA_CA_CERTS=$EXTRA_CA" \
    -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; fail "the image did not build"; }
BUILD_SECONDS=$(( $(date +%s) - B0 ))
say "built in ${BUILD_SECONDS}s"
[[ $(engine image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE") == *healthz* ]] \
    || fail "the built image has no HEALTHCHECK (podman needs --format docker)"

# The sites and the fake Bot API, on the host's loopback.
"$ROOT/.venv/bin/python" scripts/smoke_fixtures.py "$WORK" >"$WORK/fixtures.log" 2>&1 &
FIXTURES_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/fixtures.env" ]] && break; sleep 0.1; done
[[ -s "$WORK/fixtures.env" ]] || { cat "$WORK/fixtures.log"; fail "the sample web did not start"; }
# shellcheck disable=SC1091
source "$WORK/fixtures.env"   # HTTP_PORT, SOURCES, CHANNEL (telegram: BOT_TOKEN, BOT_URL, SUBSCRIBER)
if [[ $CHANNEL == telegram ]]; then
    say "sample web and fake Bot API up; chat $SUBSCRIBER has sent /subscribe"
else
    say "sample web up; no fake Bot API here: alerts checked in /data/alerts.jsonl"
fi

ENV_ARGS=(-e "MONITOR_HTTP_PORT=$HTTP_PORT" -e MONITOR_LOG_FORMAT=json -e MONITOR_LOG_LEVEL=INFO)
if [[ $CHANNEL == telegram ]]; then
    ENV_ARGS+=(-e "TELEGRAM_BOT_TOKEN=$BOT_TOKEN" -e "TELEGRAM_API_URL=$BOT_URL")
fi

run_container() {
    engine rm -f "$NAME" >/dev/null 2>&1 || true
    engine run -d --name "$NAME" --network host -v "$VOLUME:/data" \
        -v "$WORK/feeds.toml:/app/feeds.toml:ro" "${ENV_ARGS[@]}" \
        --health-interval 2s --health-start-period 5s "$IMAGE" >/dev/null
}

# The sum of the samples of one metric on the running container's /metrics:
# `metric monitor_alerts_total` sums every label set, `metric 'monitor_alerts_total{event="sent"}'` one.
metric() {
    python3 - "$HTTP_PORT" "$1" <<'PY'
import sys, urllib.request
port, name = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=3).read().decode()
total = 0.0
for line in text.splitlines():
    key, _, value = line.rpartition(" ")
    if not line.startswith("#") and (key == name or ("{" not in name and key.split("{")[0] == name)):
        total += float(value)
print(int(total))
PY
}

healthz() { python3 -c "import urllib.request,sys; print(urllib.request.urlopen('http://127.0.0.1:$HTTP_PORT/healthz', timeout=3).read().decode())" 2>/dev/null; }

wait_healthy() {
    local deadline=$(( $(date +%s) + 90 ))
    while (( $(date +%s) < deadline )); do
        [[ $(engine inspect --format '{{.State.Running}}' "$NAME") == true ]] || { engine logs "$NAME" | tail -30; fail "the container exited"; }
        if body=$(healthz) && [[ $body == *'"status": "ok"'* ]]; then
            return
        fi
        sleep 0.5
    done
    engine logs "$NAME" | tail -30
    fail "/healthz never turned healthy"
}

# Alerts delivered so far: received by the subscribed chat of the fake Bot API,
# or else lines of the console notifier's file in the volume.
alerts_delivered() {
    if [[ $CHANNEL == telegram ]]; then
        cat "$WORK/sent.count"
    else
        engine exec "$NAME" sh -c 'grep -c "\"event\": \"alert\"" /data/alerts.jsonl 2>/dev/null || true' | tr -d '\r'
    fi
}

stop_container() {
    local s0 took code
    s0=$(date +%s.%N)
    engine stop -t 10 "$NAME" >/dev/null
    took=$(python3 -c "print(f'{$(date +%s.%N) - $s0:.1f}')")
    code=$(engine inspect --format '{{.State.ExitCode}}' "$NAME")
    say "stop took ${took}s, exit status $code"
    [[ $code == 0 ]] || { engine logs "$NAME" | tail -30; fail "exit status $code after stop, not 0"; }
    python3 -c "import sys; sys.exit(0 if $took < 10 else 1)" || fail "stop took ${took}s, not under 10 s"
}

R0=$(date +%s)
run_container
wait_healthy
HEALTHY_SECONDS=$(( $(date +%s) - R0 ))
say "/healthz healthy ${HEALTHY_SECONDS}s after 'run': $(healthz | cut -c1-200)"
if [[ $ENGINE == podman ]]; then
    # podman schedules health checks with systemd timers, absent in a sandbox:
    # run the image's own HEALTHCHECK command once, by hand.
    engine healthcheck run "$NAME" || fail "the image's HEALTHCHECK command failed"
    say "the image's HEALTHCHECK passes (podman healthcheck run)"
else
    for _ in $(seq 60); do [[ $(engine inspect --format '{{.State.Health.Status}}' "$NAME") == healthy ]] && break; sleep 0.5; done
    [[ $(engine inspect --format '{{.State.Health.Status}}' "$NAME") == healthy ]] || fail "docker never reported the container healthy"
    say "docker reports the container healthy"
fi
engine logs "$NAME" 2>&1 | grep -q '"logger": "monitor.service", "message": "health endpoint on' \
    || { engine logs "$NAME" 2>&1 | tail -5; fail "MONITOR_LOG_FORMAT=json did not give JSON log lines"; }

# Every source polled once, an alert out, then the outbox empty: the Telegram
# notifier paces its messages, so the last alerts of the first poll go out
# seconds after the first one.
deadline=$(( $(date +%s) + 90 ))
while (( $(date +%s) < deadline )); do
    SENT=$(alerts_delivered)
    if (( SENT > 0 )) && (( $(metric 'monitor_job_duration_seconds_count{job="poll"}') >= SOURCES )) \
        && (( $(metric monitor_outbox_pending) == 0 )); then
        break
    fi
    sleep 0.5
done
(( SENT > 0 )) || { engine logs "$NAME" | tail -30; fail "no alert was delivered within 90 s"; }
(( $(metric monitor_outbox_pending) == 0 )) || fail "alerts still waiting in the outbox after 90 s: $(metric monitor_outbox_pending)"
sleep 1   # the delivery pass that emptied the outbox has returned; the count is final
SENT=$(alerts_delivered)
FIRST_ALERT_SECONDS=$(( $(date +%s) - R0 ))
if [[ $CHANNEL == telegram ]]; then
    say "$SENT alerts received by the subscribed chat $SUBSCRIBER (all within ${FIRST_ALERT_SECONDS}s of 'run')"
else
    say "$SENT alerts in /data/alerts.jsonl (all within ${FIRST_ALERT_SECONDS}s of 'run')"
fi
# shellcheck disable=SC2015  # (A && B) || fail: either failing fails
(( $(metric monitor_alerts_total) >= SENT )) && (( $(metric monitor_fetches_total) > 0 )) \
    || fail "/metrics does not count the fetches and alerts: $(metric monitor_fetches_total) fetches, $(metric monitor_alerts_total) alert events"
say "/metrics: $(metric monitor_fetches_total) fetches, $(metric monitor_articles_total) articles, $(metric monitor_stories_total) stories, $(metric monitor_announcements_total) announcements"
stop_container

# A new container on the same volume: it polls every source again (its
# /metrics starts from zero, so any poll counted is a poll after the restart),
# and sends nothing again.
run_container
wait_healthy
deadline=$(( $(date +%s) + 60 ))
while (( $(date +%s) < deadline )) && (( $(metric 'monitor_job_duration_seconds_count{job="poll"}') < SOURCES )); do sleep 0.5; done
(( $(metric 'monitor_job_duration_seconds_count{job="poll"}') >= SOURCES )) || fail "the restarted container did not poll its $SOURCES sources"
sleep 7   # more than one delivery pass (every 5 s) after the polls
AGAIN=$(alerts_delivered)
NEW_SENT=$(metric 'monitor_alerts_total{event="sent"}')
[[ $AGAIN == "$SENT" && $NEW_SENT == 0 ]] \
    || fail "after the restart: $AGAIN alerts in the file ($SENT before), $NEW_SENT sent by the new process"
say "restart on the same volume: $SOURCES sources polled again, nothing sent again ($AGAIN alerts in all)"
stop_container

say "PASS: engine $ENGINE; prepare $(( T_PREPARED - T0 ))s, build ${BUILD_SECONDS}s, healthy ${HEALTHY_SECONDS}s after run, total $(( $(date +%s) - T0 ))s"
