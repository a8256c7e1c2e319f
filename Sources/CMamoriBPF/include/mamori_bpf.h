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
 * The isolation socket destroyer (bpf/sock_destroy.bpf.c, generated/sockdestroy.skel.h):
 * iter/tcp + iter/udp programs that call bpf_sock_destroy() (6.5+) on the sockets of one
 * cgroup subtree. open_load returns NULL with errno set when the skeleton is missing or the
 * kernel refuses it (no kfunc): the caller then keeps starving sockets instead.
 * run: destroy the non-loopback sockets of cgroup `cgid` and below whose peer is in none of
 * the `count` kept networks (`addrs` 16 bytes each, IPv4 mapped; `prefixes` = length over 128 bits + 1),
 * except below the `exempt_count` cgroups in `exempt` (protected scopes); at most 16 of each.
 * A socket iterator sees one network namespace: the caller's, then each of `netns_fds`
 * (open /proc/<pid>/ns/net descriptors; one that cannot be joined is skipped);
 * 0 or -errno, *destroyed = sockets destroyed by this run, *examined = sockets visited.
 */
struct mamori_sockdestroy;
int mamori_sockdestroy_embedded(void);
struct mamori_sockdestroy *mamori_sockdestroy_open_load(void);
int mamori_sockdestroy_run(struct mamori_sockdestroy *skel, unsigned long long cgid,
                           const unsigned char *addrs, const unsigned int *prefixes, int count,
                           const unsigned long long *exempt, int exempt_count,
                           const int *netns_fds, int netns_count,
                           unsigned long long *destroyed, unsigned long long *examined);
void mamori_sockdestroy_destroy(struct mamori_sockdestroy *skel);

/*
 * libbpf's messages (verifier logs included) are captured into a bounded in-memory buffer so
 * that a load error can carry them; with echo != 0 they are also written to stderr.
 */
void mamori_bpf_capture_log(int echo);
/* Copy the captured log into buf (NUL-terminated); returns the number of bytes copied. */
size_t mamori_bpf_read_log(char *buf, size_t len);
void mamori_bpf_clear_log(void);

#endif
