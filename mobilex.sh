#!/usr/bin/env bash
# MobileX developer entry point.
#   ./mobilex.sh run     install what is missing, then start the AppHost (dashboard + every service)
#   ./mobilex.sh test    install what is missing, then build and run every test
#   ./mobilex.sh setup   only install what is missing (idempotent: a second run installs nothing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

log() { printf '[mobilex] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian/Ubuntu packages the system and its tests run on:
#   nats-server            the message bus in Local mode and in tests
#   libgtk-3-0 opencv-data what OpenCvSharp's native runtime links against, and the face cascades
#   chromium               the real browser the web page tests drive
#   kubernetes-client      kubectl, unless one is installed already (offline `kubectl kustomize` in the tests)
#   python3-skimage        only downloaded (not installed): its public-domain portraits feed the synthetic camera
APT_PACKAGES=(nats-server libgtk-3-0 opencv-data chromium)

setup_apt() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # The Kubernetes tests build the plain manifests with `kubectl kustomize`; any kubectl will do, Debian's is
  # kubernetes-client.
  command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt packages present: ${APT_PACKAGES[*]} kubectl"
    return
  fi
  log "installing apt packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_s3rver() {
  if [ -f tools/s3rver/node_modules/s3rver/bin/s3rver.js ]; then
    log "s3rver present"
    return
  fi
  log "installing s3rver (npm ci in tools/s3rver)"
  npm ci --prefix tools/s3rver --no-audit --no-fund --loglevel=error >/dev/null
}

setup_k8s_validate() {
  if [ -f tools/k8s-validate/node_modules/kubernetes-models/package.json ] && [ -f tools/k8s-validate/node_modules/js-yaml/package.json ]; then
    log "k8s-validate present"
    return
  fi
  log "installing the Kubernetes schema validator (npm ci in tools/k8s-validate)"
  npm ci --prefix tools/k8s-validate --no-audit --no-fund --loglevel=error >/dev/null
}

# Sample portraits for the default synthetic camera, from Debian's python3-skimage (public domain / CC0).
SAMPLES_DIR=.data/samples
SAMPLE_FILES=(astronaut.png camera.png coffee.png chelsea.png)

setup_samples() {
  local have=1
  for f in "${SAMPLE_FILES[@]}"; do [ -f "$SAMPLES_DIR/$f" ] || have=0; done
  if [ $have -eq 1 ]; then
    log "sample portraits present in $SAMPLES_DIR"
    return
  fi
  log "fetching sample portraits (apt-get download python3-skimage)"
  local work
  work=$(mktemp -d)
  (cd "$work" && apt-get download python3-skimage >/dev/null 2>&1) || {
    as_root apt-get update -qq
    (cd "$work" && apt-get download python3-skimage >/dev/null)
  }
  dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
  mkdir -p "$SAMPLES_DIR"
  for f in "${SAMPLE_FILES[@]}"; do
    cp "$(find "$work/x" -path "*skimage/data/$f" | head -n 1)" "$SAMPLES_DIR/$f"
  done
  rm -rf "$work"
}

setup() {
  setup_apt
  setup_s3rver
  setup_k8s_validate
  setup_samples
}

case "${1:-}" in
  setup)
    setup
    ;;
  run)
    setup
    shift
    # Plain HTTP on loopback so the dashboard works without a developer certificate.
    export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
    export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:18888}"
    export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://127.0.0.1:18889}"
    export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://127.0.0.1:18890}"
    export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
    exec dotnet run --project MobileX.AppHost --no-launch-profile -- "$@"
    ;;
  test)
    setup
    shift
    dotnet build MobileX.sln -c Release -nologo -clp:ErrorsOnly
    results=$(mktemp)
    status=0
    dotnet test --solution MobileX.sln -c Release --no-build "$@" 2>&1 | tee "$results" || status=$?
    # One plain closing line, whatever the runner printed above it.
    passed=$(awk '/^  succeeded: /{print $2}' "$results" | tail -n 1)
    failed=$(awk '/^  failed: /{print $2}' "$results" | tail -n 1)
    rm -f "$results"
    echo "Tests: ${passed:-0} passed, ${failed:-0} failed"
    exit $status
    ;;
  *)
    echo "usage: ./mobilex.sh run | test | setup" >&2
    exit 2
    ;;
esac
