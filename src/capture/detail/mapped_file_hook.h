// A seam for tests only: lets a test act (truncate the file) right after a mapping is made,
// so that "the file shrank while being read" can be reproduced deterministically, without
// sleeping, in code that maps and reads in one call (store::sha256_file).
#pragma once

#include <sipdx/capture/mapped_file.h>

namespace sipdx::capture::detail {

using MapHook = void (*)(const MappedFile& mapping);

// Called by MappedFile::map() after every successful mapping, on the mapping thread; nullptr
// (the default) removes it. Returns the previous hook.
MapHook set_map_hook_for_tests(MapHook hook);

} // namespace sipdx::capture::detail
