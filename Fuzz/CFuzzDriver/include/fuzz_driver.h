#ifndef MAMORI_FUZZ_DRIVER_H
#define MAMORI_FUZZ_DRIVER_H
/* libFuzzer's entry for programs that own main() (SwiftPM names an executable's entry point
 * <Module>_main and aliases main to it, so libFuzzer's own main is never linked). */
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
