/*
 * Thin C wrapper around the bpftool-generated skeleton (generated/mamori.skel.h).
 * Swift drives libbpf through its public API on the returned bpf_object; this file only owns
 * what Swift cannot express well: the embedded skeleton and libbpf's varargs log callback.
 */
#ifndef MAMORI_BPF_H
#define MAMORI_BPF_H
#include <stddef.h>
#include <stdint.h>

struct mamori_bpf;
struct bpf_object;

/* 1 when the BPF object is embedded in this binary (built through the Makefile), else 0. */
int mamori_bpf_embedded(void);

/* Open the embedded object (not yet loaded). NULL with errno set on failure. */
struct mamori_bpf *mamori_bpf_open(void);
/* The libbpf object behind the skeleton: maps and programs are looked up on it by name. */
struct bpf_object *mamori_bpf_object(struct mamori_bpf *skel);
/* Load (verify) every program whose autoload is still set. 0 or -errno. */
int mamori_bpf_load(struct mamori_bpf *skel);
/* Free the skeleton; links must have been destroyed by their owners first. */
void mamori_bpf_destroy(struct mamori_bpf *skel);

/*
 * The benchmark floor (bpf/floor.bpf.c, generated/floor.skel.h): the same hook points as the
 * programs above with bodies that only return. Same contract as the mamori_bpf_* functions;
 * mamori_floor_embedded() is 0 when the floor skeleton was not generated.
 */
struct mamori_floor;
int mamori_floor_embedded(void);
struct mamori_floor *mamori_floor_open(void);
struct bpf_object *mamori_floor_object(struct mamori_floor *skel);
int mamori_floor_load(struct mamori_floor *skel);
void mamori_floor_destroy(struct mamori_floor *skel);

/*
 * libbpf's messages (verifier logs included) are captured into a bounded in-memory buffer so
 * that a load error can carry them; with echo != 0 they are also written to stderr.
 */
void mamori_bpf_capture_log(int echo);
/* Copy the captured log into buf (NUL-terminated); returns the number of bytes copied. */
size_t mamori_bpf_read_log(char *buf, size_t len);
void mamori_bpf_clear_log(void);

#endif
