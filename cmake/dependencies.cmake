# Every dependency comes from a Debian 12 package. A missing one stops configure with the
# package to install, so nobody has to guess from a CMake stack trace.
include(FindPkgConfig)

macro(index_optimizer_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "Missing dependency: install it with `sudo apt-get install ${package}` "
                        "(or run ./scripts/run, which installs everything).")
  endif()
endmacro()

find_package(Boost 1.81 QUIET COMPONENTS json)
index_optimizer_require(Boost_FOUND "libboost1.81-dev libboost-json1.81-dev")

find_package(OpenSSL QUIET)
index_optimizer_require(OPENSSL_FOUND "libssl-dev")

find_package(yaml-cpp QUIET)
index_optimizer_require(yaml-cpp_FOUND "libyaml-cpp-dev")

find_package(prometheus-cpp CONFIG QUIET)
index_optimizer_require(prometheus-cpp_FOUND "prometheus-cpp-dev")

pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
index_optimizer_require(HIREDIS_FOUND "libhiredis-dev")

pkg_check_modules(SYSTEMD QUIET IMPORTED_TARGET libsystemd)
index_optimizer_require(SYSTEMD_FOUND "libsystemd-dev")

if(INDEX_OPTIMIZER_JEMALLOC)
  pkg_check_modules(JEMALLOC QUIET IMPORTED_TARGET jemalloc)
  index_optimizer_require(JEMALLOC_FOUND "libjemalloc-dev")
endif()

find_package(Threads REQUIRED)

if(INDEX_OPTIMIZER_BUILD_TESTS)
  find_package(GTest QUIET)
  index_optimizer_require(GTest_FOUND "libgtest-dev libgmock-dev")
endif()
if(INDEX_OPTIMIZER_BUILD_BENCH)
  find_package(benchmark QUIET)
  index_optimizer_require(benchmark_FOUND "libbenchmark-dev")
endif()
