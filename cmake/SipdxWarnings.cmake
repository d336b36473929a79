# Project-wide compile settings as INTERFACE targets, so every stage and tool
# links the same flags without repeating them.
add_library(sipdx_settings INTERFACE)
target_compile_features(sipdx_settings INTERFACE cxx_std_20)

# -Wnull-dereference is left out: with GCC 12 at -O2 it fires inside libstdc++ (false positives).
add_library(sipdx_warnings INTERFACE)
target_compile_options(sipdx_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Wunused -Woverloaded-virtual -Wimplicit-fallthrough)
if(SIPDX_WERROR)
    target_compile_options(sipdx_warnings INTERFACE -Werror)
    # GCC 12 at -O3 reports -Wrestrict inside libstdc++'s string concatenation (GCC bug 105329,
    # a false positive); it stays a warning so Release builds with -Werror still build.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(sipdx_warnings INTERFACE -Wno-error=restrict)
    endif()
endif()

if(SIPDX_SANITIZE)
    target_compile_options(sipdx_settings INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(sipdx_settings INTERFACE -fsanitize=address,undefined)
endif()
