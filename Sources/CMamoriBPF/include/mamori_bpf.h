/*
 * Thin C wrapper around the bpftool-generated skeleton (generated/mamori.skel.h).
 * Swift cannot use the skeleton's macros and struct-of-pointers comfortably; these functions
 * give it one opaque handle with explicit lifecycle: open -> configure -> load -> attach -> destroy.
 */
#ifndef MAMORI_BPF_H
#define MAMORI_BPF_H
#include <stddef.h>
#include <stdint.h>

struct mamori_bpf;

/* 1 when the BPF object is embedded in this binary (built through the Makefile). */
int mamori_bpf_embedded(void);

#endif
