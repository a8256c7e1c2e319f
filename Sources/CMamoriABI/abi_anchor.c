/* Anchor so SwiftPM builds this header-only target; the ABI lives in bpf/include/mamori/abi.h. */
#include "mamori_abi.h"
