// libFuzzer's driver, from compiler-rt's FuzzerInterface.h; `-sanitize=fuzzer` links its definition.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
