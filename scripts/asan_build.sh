# Shared by scripts/sanitize.sh and scripts/fuzz.sh (source it): one clang
# build with AddressSanitizer + UndefinedBehaviorSanitizer holds the CLI, the
# test suite and the libFuzzer targets, so CI compiles the sources once for
# both. The library also gets libFuzzer's coverage instrumentation
# (fuzz/CMakeLists.txt), which the tests and the CLI run with unharmed.

# install_packages PKG... : apt-get install those not installed yet.
install_packages() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
}

# configure_asan_build SOURCE_DIR BUILD_DIR CXX : configure (idempotent).
# With clang++ the fuzz targets are part of the build; with g++ they are not.
configure_asan_build() {
  local src=$1 build=$2 cxx=$3 cc fuzz=OFF
  local flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
  if [ "$cxx" = clang++ ]; then
    cc=clang
    fuzz=ON
    # clang, and libFuzzer's and the sanitizers' runtimes (Debian 12: libclang-rt-dev).
    install_packages clang libclang-rt-dev
  else
    cc=gcc
    install_packages g++
  fi
  # A build directory configured with the other compiler cannot switch: start afresh.
  if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=.*$cxx\$" "$build/CMakeCache.txt"; then
    rm -rf "$build"
  fi
  install_packages cmake pkg-config libicu-dev libre2-dev libcli11-dev libfmt-dev libyaml-cpp-dev doctest-dev
  CC=$cc CXX=$cxx cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DPLANCMP_BUILD_TESTS=ON -DPLANCMP_BUILD_FUZZ=$fuzz >/dev/null
}
