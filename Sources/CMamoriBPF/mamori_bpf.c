#include "mamori_bpf.h"
#if __has_include("mamori.skel.h")
#include "mamori.skel.h"
int mamori_bpf_embedded(void) { return 1; }
#else
int mamori_bpf_embedded(void) { return 0; }
#endif
