# The WebAssembly module: src/wasm (the binding) over the core.

# The pinned toolchain: the module is built and tested with exactly this emcc.
file(STRINGS "${CMAKE_SOURCE_DIR}/emsdk-version.txt" PG_EMSDK_PINNED LIMIT_COUNT 1)
string(STRIP "${PG_EMSDK_PINNED}" PG_EMSDK_PINNED)
execute_process(COMMAND "${CMAKE_CXX_COMPILER}" --version OUTPUT_VARIABLE PG_EMCC_OUT ERROR_QUIET)
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" PG_EMCC_FOUND "${PG_EMCC_OUT}")
if(NOT PG_EMCC_FOUND STREQUAL PG_EMSDK_PINNED)
  if(PG_ALLOW_EMCC_MISMATCH)
    message(WARNING "emcc is ${PG_EMCC_FOUND} but emsdk-version.txt pins ${PG_EMSDK_PINNED}; building anyway (PG_ALLOW_EMCC_MISMATCH)")
  else()
    message(FATAL_ERROR
      "emcc is ${PG_EMCC_FOUND} but emsdk-version.txt pins ${PG_EMSDK_PINNED}.\n"
      "Install the pinned Emscripten (Debian bookworm's 'emscripten' package is 3.1.6), "
      "or update emsdk-version.txt after re-running every test, "
      "or configure with -DPG_ALLOW_EMCC_MISMATCH=ON to build anyway.")
  endif()
endif()
message(STATUS "emcc ${PG_EMCC_FOUND} matches emsdk-version.txt")

# Size first: -Oz measured smaller than -O3 with no loss we could see on the stream bench
# (docs/performance.md). Exceptions stay disabled: the core never throws.
set(PG_WASM_OPT "-Oz" CACHE STRING "Optimisation level for the WASM module")
# Bulk memory turns memcpy/memset into single memory.copy/memory.fill instructions, where
# the default build copies in a loop: every string the core moves goes through them.
# (Node 20 and every current browser run it.)
set(PG_WASM_FEATURES -mbulk-memory)
# Link-time optimisation: the binding, the core and nlohmann's templates are optimised as
# one program, so code only one entry point needs is inlined or dropped across files.
# Smaller and no slower on the stream bench, faster on the relay's body check (each file
# keeps its own -O level before the link); emmalloc would be smaller still but made
# allocation-heavy calls slower. The figures are in docs/performance.md.
option(PG_WASM_LTO "Build the WASM module with link-time optimisation" ON)
if(PG_WASM_LTO)
  list(APPEND PG_WASM_FEATURES -flto)
endif()
target_compile_options(pgcore PRIVATE -fno-exceptions -fno-rtti ${PG_WASM_FEATURES})

# The per-byte and per-event hot paths are compiled for speed: at -Oz, clang inlines not even
# std::string::size(), so a loop over a chat stream made a call per byte. Everything else
# (request building, diagnosis, resources, a stream's end, a chunk the scanner leaves to be
# read whole) runs once per user action or for a few chunks of a stream and stays at -Oz.
# Each file gets exactly one level: emcc keeps size semantics when -Os/-Oz appears anywhere
# on a command line, even before a later -O2 (checked: std::string::size() stayed a call),
# so the build type's -Os is dropped and the level is set per source file instead.
set(PG_WASM_HOT_OPT "-O2" CACHE STRING "Optimisation level for the stream hot paths")
# Paths relative to src/core (what used to be one file is listed with every piece of it that
# is hot: secrets' matcher and fragment check; not the stream's end or its whole-chunk path).
set(PG_WASM_HOT_SOURCES
  base/detail/json_reader.cpp base/detail/json_writer.cpp
  answer/sse.cpp answer/detail/chunk_scanner.cpp answer/chat_stream.cpp
  answer/delta_builder.cpp
  secrets/redact.cpp secrets/secret_fragment.cpp secrets/detail/matcher.cpp)
foreach(hot IN LISTS PG_WASM_HOT_SOURCES)  # a renamed file must not silently leave the list
  if(NOT EXISTS "${CMAKE_SOURCE_DIR}/src/core/${hot}")
    message(FATAL_ERROR "PG_WASM_HOT_SOURCES names src/core/${hot}, which does not exist")
  endif()
endforeach()
set(CMAKE_CXX_FLAGS_MINSIZEREL "-DNDEBUG")
set(CMAKE_CXX_FLAGS_RELEASE "-DNDEBUG")
foreach(source IN LISTS PG_CORE_SOURCES)
  file(RELATIVE_PATH name "${CMAKE_SOURCE_DIR}/src/core" "${source}")
  if(name IN_LIST PG_WASM_HOT_SOURCES)
    set_source_files_properties("${source}" TARGET_DIRECTORY pgcore PROPERTIES COMPILE_OPTIONS "${PG_WASM_HOT_OPT}")
  else()
    set_source_files_properties("${source}" TARGET_DIRECTORY pgcore PROPERTIES COMPILE_OPTIONS "${PG_WASM_OPT}")
  endif()
endforeach()

# The module's exports: an explicit list per build, never EMSCRIPTEN_KEEPALIVE, so the linker
# drops every function no listed export reaches. The page's build (web/dist, downloaded)
# exports src/wasm/exports-page.txt; the relay's (relay/dist) that and exports-relay.txt.
set(PG_WASM_EXPORTS "page" CACHE STRING "Which export list the module gets: page or relay")
set_property(CACHE PG_WASM_EXPORTS PROPERTY STRINGS page relay)
set(PG_WASM_EXPORT_FILES "${CMAKE_SOURCE_DIR}/src/wasm/exports-page.txt")
if(PG_WASM_EXPORTS STREQUAL "page")
  # A browser never holds a provider key: the page's build leaves the secrets matcher out and
  # withholds whole any text a caller asks to redact against a non-empty list (redact.h).
  target_compile_definitions(pgcore PRIVATE PG_REDACT_WHOLE_TEXT)
elseif(PG_WASM_EXPORTS STREQUAL "relay")
  list(APPEND PG_WASM_EXPORT_FILES "${CMAKE_SOURCE_DIR}/src/wasm/exports-relay.txt")
else()
  message(FATAL_ERROR "PG_WASM_EXPORTS is '${PG_WASM_EXPORTS}': page or relay")
endif()
set(PG_WASM_EXPORTED "")
foreach(list_file IN LISTS PG_WASM_EXPORT_FILES)
  file(STRINGS "${list_file}" names REGEX "^pg_[a-z0-9_]+$")
  foreach(name IN LISTS names)
    list(APPEND PG_WASM_EXPORTED "'_${name}'")
  endforeach()
endforeach()
list(JOIN PG_WASM_EXPORTED "," PG_WASM_EXPORTED)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PG_WASM_EXPORT_FILES})

add_executable(playground-core "${CMAKE_SOURCE_DIR}/src/wasm/bindings.cpp")
target_link_libraries(playground-core PRIVATE pgcore)
target_compile_options(playground-core PRIVATE ${PG_WASM_OPT} -fno-exceptions -fno-rtti ${PG_WASM_FEATURES})
# Another output folder lets a bench build variants (other -O levels) beside the real module.
set(PG_WASM_OUT_DIR "${CMAKE_SOURCE_DIR}/web/dist" CACHE PATH "Where the module (playground-core.wasm) is written")
# A standalone .wasm and no Emscripten glue: web/core-module.js instantiates it (two imports,
# the memory view, the constructors). The glue was 3.2 KB gzip of the page's download for what
# that file does in about 40 lines; docs/performance.md has the figures.
set_target_properties(playground-core PROPERTIES
  SUFFIX ".wasm"
  RUNTIME_OUTPUT_DIRECTORY "${PG_WASM_OUT_DIR}")
# The glue an older build wrote beside the module goes, so nothing can load the two mismatched.
file(REMOVE "${PG_WASM_OUT_DIR}/playground-core.mjs")
# After the link's own wasm-opt pass, the size builds (-Oz/-Os: the page's) run its passes
# again until the module stops shrinking (--converge); docs/performance.md has what it saves.
# A speed build (the relay's -O3) gets nothing extra.
if(PG_WASM_OPT MATCHES "^-O[sz]$")
  set(PG_WASM_EXTRA_PASSES "--converge" CACHE STRING "wasm-opt passes run after the link's own, size builds only")
  if(PG_WASM_EXTRA_PASSES)
    target_link_options(playground-core PRIVATE "SHELL:-s BINARYEN_EXTRA_PASSES=${PG_WASM_EXTRA_PASSES}")
  endif()
  # Emscripten's small allocator: 1.9 KB gzip less than dlmalloc, and the stream bench the
  # same within its noise (docs/performance.md). The relay keeps dlmalloc for its many
  # concurrent calls.
  target_link_options(playground-core PRIVATE "SHELL:-s MALLOC=emmalloc")
endif()
target_link_options(playground-core PRIVATE
  ${PG_WASM_OPT}
  ${PG_WASM_FEATURES}
  -fno-exceptions
  # A reactor (no main): the exports keep their C names, and the module imports only
  # env.emscripten_notify_memory_growth and wasi proc_exit (web/core-module.js gives both).
  "SHELL:-s STANDALONE_WASM=1"
  --no-entry
  "SHELL:-s ALLOW_MEMORY_GROWTH=1"
  "SHELL:-s INITIAL_MEMORY=2MB"
  "SHELL:-s TOTAL_STACK=256KB"
  "SHELL:-s FILESYSTEM=0"
  "SHELL:-s ABORTING_MALLOC=0"
  "SHELL:-s EXPORTED_FUNCTIONS=[${PG_WASM_EXPORTED}]")
