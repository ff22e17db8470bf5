# Warnings live on an interface target that our own targets link; third-party headers are
# included as system headers, so -Werror only judges our code.
add_library(index_optimizer_warnings INTERFACE)
target_compile_options(index_optimizer_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(INDEX_OPTIMIZER_WERROR)
  target_compile_options(index_optimizer_warnings INTERFACE -Werror)
endif()

# Sanitizers apply to everything we build (library, daemon, tests) so reports cover the whole
# process.
if(INDEX_OPTIMIZER_SANITIZERS)
  list(JOIN INDEX_OPTIMIZER_SANITIZERS "," _sanitizers)
  if(_sanitizers MATCHES "thread" AND _sanitizers MATCHES "address")
    message(FATAL_ERROR "INDEX_OPTIMIZER_SANITIZERS: 'thread' cannot be combined with 'address'")
  endif()
  add_compile_options(-fsanitize=${_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  # Sanitizer instrumentation defeats GCC's flow analysis: -Wmaybe-uninitialized then fires inside
  # libstdc++ (std::regex, std::function) and Beast. The plain build keeps the warning.
  target_compile_options(index_optimizer_warnings INTERFACE -Wno-maybe-uninitialized)
  add_link_options(-fsanitize=${_sanitizers})
  if(_sanitizers MATCHES "thread")
    # GCC 12 warns (-Wtsan) that TSan does not model std::atomic_thread_fence, which Asio's
    # fenced_block emits around every handler call. Asio never relies on those fences alone to
    # hand a handler between threads (its queues are mutex-protected, which TSan does see), so
    # the warning says nothing about our code. We keep the fences rather than defining
    # BOOST_ASIO_DISABLE_FENCED_BLOCK, so the TSan build runs the same Asio code as production.
    add_compile_options(-Wno-tsan)
  endif()
endif()
