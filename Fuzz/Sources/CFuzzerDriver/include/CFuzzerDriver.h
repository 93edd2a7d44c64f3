#ifndef KITCHEN_FUZZER_DRIVER_H
#define KITCHEN_FUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`): reads libFuzzer's flags and the
/// corpus folders from argv and calls `callback` on each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// Runs libFuzzer from a fuzz target's own entry point.
///
/// SwiftPM links every executable's `main` to `<Module>_main` (so tests can call it), and libFuzzer's
/// own `main` is then never used; under `-parse-as-library` nothing defines `<Module>_main`, so
/// each target defines it with `@_cdecl` and starts the driver through this function.
static inline int kitchen_run_fuzzer(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, callback);
}

#endif
