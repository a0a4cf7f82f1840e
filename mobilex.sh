#!/usr/bin/env bash
# MobileX developer entry point.
#   ./mobilex.sh run         install what the system needs and is missing, then start the AppHost (dashboard + every service)
#   ./mobilex.sh test        install what the system and its tests need and is missing, then build and run every test
#   ./mobilex.sh setup       only install what is missing, for both (idempotent: a second run installs nothing)
#   ./mobilex.sh setup run   only install what is missing for `run`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

log() { printf '[mobilex] %s\n' "$*"; }

# Something only the user can fix: one line saying what to do, and stop before anything is half installed.
fail() {
  printf '[mobilex] %s\n' "$*" >&2
  exit 1
}

# Programs set-up downloads where the distribution has no package for them (kubectl on Ubuntu, nats-server on
# Ubuntu 22.04). First on PATH, so the checks below find them, and so do the AppHost and the tests started from here.
TOOLS_BIN="$PWD/.tools/bin"
export PATH="$TOOLS_BIN:$PATH"

# ---- the system --------------------------------------------------------------------------------------------------

# MOBILEX_OS_RELEASE stands in for /etc/os-release, to try the Ubuntu and other-system branches on a Debian machine.
os_release() {
  sed -n "s/^$1=//p" "${MOBILEX_OS_RELEASE:-/etc/os-release}" 2>/dev/null | tr -d "\"'" | head -n 1
}

# debian, ubuntu (and its derivatives: their chromium is Ubuntu's snap), or other (set-up installs nothing there).
os_family() {
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    echo other
    return
  fi
  case " $(os_release ID) $(os_release ID_LIKE) " in
    *" ubuntu "*) echo ubuntu ;;
    *" debian "*) echo debian ;;
    *) echo other ;;
  esac
}

# Root for apt: being root, or sudo that needs no password, or one that can ask for it on this terminal.
can_be_root() {
  [ "$(id -u)" -eq 0 ] && return 0
  command -v sudo >/dev/null 2>&1 || return 1
  sudo -n true 2>/dev/null && return 0
  [ -t 0 ] && sudo -v
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
  case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" in *"install ok installed"*) return 0 ;; esac
  return 1
}

# A real package apt can install now: a renamed one's old name is only virtual ("Candidate: (none)") on the new release.
installable() {
  [[ "$(LC_ALL=C apt-cache policy "$1" 2>/dev/null)" =~ Candidate:\ [^\(] ]]
}

# A package that was renamed is written "new|old"; these give the name that is installed, or the first apt offers.
installed_name() {
  local name names
  IFS='|' read -ra names <<<"$1"
  for name in "${names[@]}"; do installed "$name" && { echo "$name"; return 0; }; done
  return 1
}

installable_name() {
  local name names
  IFS='|' read -ra names <<<"$1"
  for name in "${names[@]}"; do installable "$name" && { echo "$name"; return 0; }; done
  return 1
}

# On PATH, or in the sbin directories Debian's nats-server lives in and a non-root PATH lacks (where the AppHost looks).
program_path() {
  command -v "$1" 2>/dev/null && return 0
  local dir
  for dir in /usr/sbin /usr/local/sbin; do
    [ -x "$dir/$1" ] && { echo "$dir/$1"; return 0; }
  done
  return 1
}

# Debian/Ubuntu packages; "new|old" where a release renamed one (Debian 13 and Ubuntu 24.04 call libgtk-3-0
# libgtk-3-0t64, after the 64-bit time_t transition), so a second run finds what the first installed.
#   libgtk-3-0t64|libgtk-3-0   what OpenCvSharp's native runtime links against
#   opencv-data                the face cascades, read from /usr/share/opencv4 (Preprocessor:Crop:CascadePath)
#   chromium                   tests, Debian only: the real browser the page tests drive (Ubuntu's is a snap: see
#                              plan_browser)
#   python3-skimage            only downloaded (not installed): its public-domain portraits feed the synthetic camera
RUN_PACKAGES=("libgtk-3-0t64|libgtk-3-0" opencv-data)
# Programs, as program:package. From the package when the release has one, else downloaded into .tools/bin:
#   nats-server   the message bus in Local mode and in tests; Ubuntu 22.04 has no package
#   kubectl       tests: `kubectl kustomize` builds the plain manifests offline; any kubectl will do. Debian 12 has
#                 it in kubernetes-client, Debian 13 in kubectl (kubernetes-client is a transitional package there),
#                 Ubuntu only as a snap
RUN_PROGRAMS=("nats-server:nats-server")
TEST_PROGRAMS=("kubectl:kubectl|kubernetes-client")
NATS_VERSION=v2.10.27
KUBECTL_VERSION=v1.34.1
CASCADES=(/usr/share/opencv4/lbpcascades/lbpcascade_frontalface.xml
  /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml)

# What plan_system found: packages to install, what is there already, programs to download.
APT_MISSING=()
PRESENT=()
DOWNLOADS=()
UNAVAILABLE=()
STALE=0
# The browser the page tests drive, given to them as MOBILEX_CHROMIUM; set by plan_browser.
BROWSER=""
BROWSER_DOWNLOAD=0

# Works out what is missing without changing the system. $1: run | test. $2: 1 once the apt lists are fresh, so a
# package apt does not offer is really unavailable rather than unknown to stale (or never fetched) lists.
plan_system() {
  local scope=$1 fresh=$2 group name entry program path
  APT_MISSING=() PRESENT=() DOWNLOADS=() UNAVAILABLE=() STALE=0
  local packages=("${RUN_PACKAGES[@]}") programs=("${RUN_PROGRAMS[@]}")
  if [ "$scope" = test ]; then
    programs+=("${TEST_PROGRAMS[@]}")
    [ "$FAMILY" = debian ] && [ -z "${MOBILEX_CHROMIUM:-}" ] && packages+=(chromium)
  fi

  for group in "${packages[@]}"; do
    if name=$(installed_name "$group"); then
      PRESENT+=("$name")
    elif name=$(installable_name "$group"); then
      APT_MISSING+=("$name")
    elif [ "$fresh" -eq 1 ]; then
      UNAVAILABLE+=("${group//|/ or }")
    else
      # Not known yet: the oldest name, which a renamed package still accepts through its Provides.
      STALE=1
      APT_MISSING+=("${group##*|}")
    fi
  done

  for entry in "${programs[@]}"; do
    program=${entry%%:*} group=${entry#*:}
    if path=$(program_path "$program"); then
      PRESENT+=("$program ($path)")
    elif name=$(installable_name "$group"); then
      APT_MISSING+=("$name")
    else
      DOWNLOADS+=("$program")
    fi
  done

  if ! samples_present && ! installable python3-skimage; then
    if [ "$fresh" -eq 1 ]; then UNAVAILABLE+=(python3-skimage); else STALE=1; fi
  fi

  # The downloads need curl or wget (Ubuntu's desktop has wget, its container image neither).
  if [ ${#DOWNLOADS[@]} -gt 0 ] && ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
    for name in curl ca-certificates; do installed "$name" || APT_MISSING+=("$name"); done
  fi

  if [ "$scope" = test ]; then plan_browser "$fresh"; fi
}

# ---- the browser -------------------------------------------------------------------------------------------------

# Playwright's own Chromium build, kept in the repository; tools/browser pins the Playwright that Microsoft.Playwright
# (Directory.Packages.props) drives, so browser and driver match.
PLAYWRIGHT_DIR="$PWD/.tools/ms-playwright"

playwright() {
  PLAYWRIGHT_BROWSERS_PATH="$PLAYWRIGHT_DIR" node tools/browser/node_modules/playwright-core/cli.js "$@"
}

playwright_chromium() {
  PLAYWRIGHT_BROWSERS_PATH="$PLAYWRIGHT_DIR" node -e \
    'process.stdout.write(require("./tools/browser/node_modules/playwright-core").chromium.executablePath())'
}

# Ubuntu's chromium and chromium-browser debs only install the snap, which Playwright cannot drive reliably (the
# snap's private /tmp and confinement); /usr/bin/chromium-browser is then a script that runs /snap/bin/chromium.
is_snap() {
  local real
  real=$(readlink -f "$1")
  case "$real" in /snap/* | */bin/snap) return 0 ;; esac
  [ "$(head -c 2 "$real" 2>/dev/null)" = '#!' ] && grep -q '/snap/' "$real"
}

system_browser() {
  local name path
  for name in google-chrome google-chrome-stable chromium chromium-browser; do
    path=$(command -v "$name" 2>/dev/null) || continue
    is_snap "$path" || { echo "$path"; return 0; }
  done
  return 1
}

# A missing shared library makes ldd say "not found"; the fonts come in the same apt call as the libraries.
libraries_present() {
  local out
  out=$(ldd "$1" 2>&1) || true
  [[ $out != *"not found"* ]]
}

# What Playwright's Chromium needs and apt has not installed yet, as Playwright lists it for this release (it knows
# each Ubuntu's names, t64 ones included). Fails when it cannot tell, e.g. before the first apt-get update.
browser_packages() {
  local out
  out=$(playwright install-deps --dry-run chromium 2>/dev/null) || true
  case "$out" in
    *"All system dependencies are installed."*) return 0 ;;
    *"Missing system dependencies"*) awk '/^  [^ ]+$/ { print $1 }' <<<"$out" ;;
    *) return 1 ;;
  esac
}

# MOBILEX_CHROMIUM if the user set it; on Debian the chromium deb (a package in plan_system); elsewhere a Chrome or
# Chromium already installed, else Playwright's build, whose libraries join the apt packages. $1: lists fresh.
plan_browser() {
  local fresh=$1 packages
  BROWSER_DOWNLOAD=0
  if [ -n "${MOBILEX_CHROMIUM:-}" ]; then
    [ -x "$MOBILEX_CHROMIUM" ] || fail "MOBILEX_CHROMIUM is '$MOBILEX_CHROMIUM', which is not an executable: point it at Chrome or Chromium, or unset it."
    BROWSER=$MOBILEX_CHROMIUM
  elif [ "$FAMILY" = debian ]; then
    BROWSER=/usr/bin/chromium # the chromium package
    return
  elif BROWSER=$(system_browser); then
    :
  else
    setup_browser_installer
    BROWSER=$(playwright_chromium)
    if [ -x "$BROWSER" ] && libraries_present "$BROWSER"; then
      PRESENT+=("Playwright's Chromium")
      return
    fi
    [ -x "$BROWSER" ] || BROWSER_DOWNLOAD=1
    if packages=$(browser_packages); then
      # shellcheck disable=SC2206 # one package name a line
      APT_MISSING+=($packages)
    elif [ "$fresh" -eq 0 ]; then
      STALE=1
    else
      log "warning: Playwright cannot list Chromium's libraries for this system; the page test may not start"
    fi
    return
  fi
  PRESENT+=("browser ($BROWSER)")
}

setup_browser_installer() {
  if [ -f tools/browser/node_modules/playwright-core/cli.js ]; then
    return
  fi
  # Playwright 1.64 runs on Node.js 20 or newer; Ubuntu 24.04's own nodejs is 18.
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] ||
    fail "Playwright needs Node.js 20 or newer to download Chromium (found $(node --version)): install a newer Node.js, or Chrome or Chromium (not the snap), or set MOBILEX_CHROMIUM to one."
  log "installing Playwright's browser installer (npm ci in tools/browser)"
  npm ci --prefix tools/browser --no-audit --no-fund --loglevel=error >/dev/null
}

download_browser() {
  log "downloading Playwright's Chromium into .tools/ms-playwright"
  playwright install --no-shell chromium >/dev/null ||
    fail "Playwright could not download Chromium: install Chrome or Chromium (not the snap), or set MOBILEX_CHROMIUM to one."
  [ -x "$BROWSER" ] || fail "Playwright installed Chromium, but not at $BROWSER."
}

# ---- downloads where the distribution has no package -------------------------------------------------------------

download_arch() {
  case "$(uname -m)" in
    x86_64 | amd64) echo amd64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) return 1 ;;
  esac
}

fetch() {
  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$2" "$1"; else wget -q -O "$2" "$1"; fi
}

# The release tarball, checked against the release's SHA256SUMS.
download_nats_server() {
  local arch work name url
  arch=$(download_arch) || fail "no nats-server package here and no download for $(uname -m): install nats-server 2.9 or newer."
  name="nats-server-$NATS_VERSION-linux-$arch"
  url="https://github.com/nats-io/nats-server/releases/download/$NATS_VERSION"
  work=$(mktemp -d)
  log "downloading nats-server $NATS_VERSION into .tools/bin (no package for it here)"
  { fetch "$url/$name.tar.gz" "$work/$name.tar.gz" && fetch "$url/SHA256SUMS" "$work/SHA256SUMS"; } ||
    fail "could not download $url/$name.tar.gz: install nats-server 2.9 or newer yourself."
  (cd "$work" && grep -E "[ *]$name\.tar\.gz\$" SHA256SUMS | sha256sum -c --quiet -) ||
    fail "$name.tar.gz does not match the release's SHA256SUMS."
  tar -xzf "$work/$name.tar.gz" -C "$work"
  install -D -m 0755 "$work/$name/nats-server" "$TOOLS_BIN/nats-server"
  rm -rf "$work"
}

download_kubectl() {
  local arch work url
  arch=$(download_arch) || fail "no kubectl package here and no download for $(uname -m): install kubectl."
  url="https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/$arch/kubectl"
  work=$(mktemp -d)
  log "downloading kubectl $KUBECTL_VERSION into .tools/bin (no package for it here)"
  { fetch "$url" "$work/kubectl" && fetch "$url.sha256" "$work/kubectl.sha256"; } ||
    fail "could not download $url: install kubectl yourself."
  echo "$(cat "$work/kubectl.sha256")  $work/kubectl" | sha256sum -c --quiet - ||
    fail "kubectl $KUBECTL_VERSION does not match its published sha256."
  install -D -m 0755 "$work/kubectl" "$TOOLS_BIN/kubectl"
  rm -rf "$work"
}

# ---- set-up on Debian and Ubuntu ---------------------------------------------------------------------------------

# The exact commands a non-root user runs instead.
apt_command() {
  local command="sudo apt-get update"
  [ ${#APT_MISSING[@]} -eq 0 ] || command+=" && sudo apt-get install -y --no-install-recommends ${APT_MISSING[*]}"
  echo "$command"
}

setup_system() {
  local scope=$1 program
  plan_system "$scope" 0
  if [ ${#APT_MISSING[@]} -gt 0 ] || [ "$STALE" -eq 1 ]; then
    can_be_root || fail "need root to install: $(apt_command) (or run this as root)"
    as_root apt-get update -qq
    plan_system "$scope" 1
    [ ${#UNAVAILABLE[@]} -eq 0 ] ||
      fail "apt offers no ${UNAVAILABLE[*]} here (on Ubuntu they are in universe: sudo add-apt-repository universe)"
    if [ ${#APT_MISSING[@]} -gt 0 ]; then
      log "installing apt packages: ${APT_MISSING[*]}"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${APT_MISSING[@]}" >/dev/null
    fi
  fi
  [ ${#PRESENT[@]} -eq 0 ] || log "present: $(printf '%s, ' "${PRESENT[@]}" | sed 's/, $//')"
  for program in "${DOWNLOADS[@]}"; do
    case "$program" in
      nats-server) download_nats_server ;;
      kubectl) download_kubectl ;;
    esac
  done
  if [ "$BROWSER_DOWNLOAD" -eq 1 ]; then download_browser; fi
}

# ---- elsewhere: check only ---------------------------------------------------------------------------------------

gtk3_present() {
  local libraries
  libraries=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null) || true
  [[ $libraries == *libgtk-3.so.0* ]]
}

# Not Debian or Ubuntu: set-up installs nothing, but goes on when everything is there already.
setup_elsewhere() {
  local scope=$1 missing=() cascade prerequisite
  while read -r prerequisite; do missing+=("$prerequisite"); done < <(missing_prerequisites 1)
  program_path nats-server >/dev/null || missing+=("nats-server 2.9+ (on PATH or in /usr/sbin)")
  gtk3_present || missing+=("the GTK 3 runtime libgtk-3.so.0 (OpenCvSharp's native runtime links it)")
  for cascade in "${CASCADES[@]}"; do
    [ -f "$cascade" ] || missing+=("OpenCV's $cascade (opencv-data; the services can be pointed elsewhere with Preprocessor:Crop:CascadePath and VerifyCascadePath, the tests cannot)")
  done
  samples_present || missing+=("the sample portraits $SAMPLES_DIR/{${SAMPLE_FILES[*]}} (scikit-image's skimage/data)")
  if [ "$scope" = test ]; then
    if [ -n "${MOBILEX_CHROMIUM:-}" ]; then
      plan_browser 1
    elif BROWSER=$(system_browser); then
      :
    else
      missing+=("Chrome or Chromium for the page tests (on PATH, or MOBILEX_CHROMIUM=/path/to/it)")
    fi
    program_path kubectl >/dev/null || missing+=("kubectl (tests run kubectl kustomize)")
  fi
  [ ${#missing[@]} -eq 0 ] ||
    fail "set-up installs packages only on Debian and Ubuntu, and this is $(os_release PRETTY_NAME || true); install these, then rerun: $(printf '%s; ' "${missing[@]}" | sed 's/; $//')"
  log "not Debian or Ubuntu, but everything the system needs is present"
}

# ---- everywhere --------------------------------------------------------------------------------------------------

# The README's prerequisites, which set-up does not install, one a line. $1: 1 when .NET is needed too.
missing_prerequisites() {
  command -v node >/dev/null 2>&1 || echo "Node.js"
  command -v npm >/dev/null 2>&1 || echo "npm"
  if [ "$1" -eq 1 ] && ! [[ "$(dotnet --list-sdks 2>/dev/null)" =~ (^|$'\n')10\. ]]; then echo ".NET 10 SDK"; fi
}

# Checked first, so nothing is installed halfway before a missing prerequisite stops the run.
check_prerequisites() {
  local missing
  missing=$(missing_prerequisites "$1" | paste -sd ',' - | sed 's/,/, /g')
  [ -z "$missing" ] ||
    fail "missing $missing, which set-up does not install (README: Quick start): e.g. sudo apt-get install -y nodejs npm (Node.js 20+ for Playwright on Ubuntu), and .NET 10 from https://dot.net"
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

samples_present() {
  local f
  for f in "${SAMPLE_FILES[@]}"; do [ -f "$SAMPLES_DIR/$f" ] || return 1; done
}

setup_samples() {
  if samples_present; then
    log "sample portraits present in $SAMPLES_DIR"
    return
  fi
  log "fetching sample portraits (apt-get download python3-skimage)"
  local work file f
  work=$(mktemp -d)
  # setup_system refreshed the lists if they did not know python3-skimage.
  (cd "$work" && apt-get download python3-skimage >/dev/null) || fail "apt-get download python3-skimage failed."
  dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
  mkdir -p "$SAMPLES_DIR"
  for f in "${SAMPLE_FILES[@]}"; do
    file=$(find "$work/x" -path "*skimage/data/$f" | head -n 1)
    [ -n "$file" ] || fail "python3-skimage has no skimage/data/$f: put a portrait there yourself."
    cp "$file" "$SAMPLES_DIR/$f"
  done
  rm -rf "$work"
}

# $1: run (what the system needs) | test (that and what the tests need). $2: 1 when .NET is needed.
setup() {
  local scope=$1
  FAMILY=$(os_family)
  if [ "$FAMILY" = other ]; then
    setup_elsewhere "$scope"
  else
    check_prerequisites "$2"
    setup_system "$scope"
  fi
  setup_s3rver
  if [ "$scope" = test ]; then setup_k8s_validate; fi
  if [ "$FAMILY" != other ]; then setup_samples; fi
  if [ "$scope" = test ]; then log "page tests use $BROWSER (MOBILEX_CHROMIUM)"; fi
}

case "${1:-}" in
  setup)
    case "${2:-}" in
      "" | test) setup test 0 ;;
      run) setup run 0 ;;
      *)
        echo "usage: ./mobilex.sh setup [run | test]" >&2
        exit 2
        ;;
    esac
    ;;
  run)
    setup run 1
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
    setup test 1
    shift
    # The page tests launch this browser (Debian's chromium, or on Ubuntu a Chrome/Chromium or Playwright's).
    export MOBILEX_CHROMIUM="$BROWSER"
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
    echo "usage: ./mobilex.sh run | test | setup [run | test]" >&2
    exit 2
    ;;
esac
