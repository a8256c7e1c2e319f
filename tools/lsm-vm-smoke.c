/*
 * Smoke test of the prevention programs under BPF LSM, as a static /init for QEMU.
 * Proven on Debian 12's 6.1.0-56-cloud-amd64 with lsm=lockdown,capability,landlock,yama,apparmor,bpf:
 * the whole mamori.bpf.o loads and attaches (57 programs), execve of a denied inode fails with
 * EPERM, write-open/unlink/truncate of a protected file fail with EPERM, reads work, and pid 1
 * is exempt.
 *
 *   gcc -O2 -static -Ibpf/include tools/lsm-vm-smoke.c -o /tmp/smoke/init -lbpf -lelf -lz
 *   mkdir -p /tmp/smoke/root/{proc,sys,dev}; cp /tmp/smoke/init /tmp/smoke/root/init
 *   cp /tmp/smoke/init /tmp/smoke/root/denied; cp build/bpf/mamori.bpf.o /tmp/smoke/root/
 *   mknod /tmp/smoke/root/dev/console c 5 1
 *   (cd /tmp/smoke/root && find . | cpio -o -H newc | gzip > ../initrd.gz)
 *   qemu-system-x86_64 -m 1024 -nographic -no-reboot -kernel vmlinuz-6.1.0-*-cloud-amd64 \
 *     -initrd /tmp/smoke/initrd.gz -append "console=ttyS0 lsm=lockdown,capability,landlock,yama,apparmor,bpf panic=-1"
 * and look for the MAMORI-VM lines.
 */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include "mamori/abi.h"

static __u32 kdev(dev_t d) { return (major(d) << 20) | minor(d); }
int main(int argc, char **argv) {
	if (argc > 1) return 0; /* exec'd as the "denied" program: would just exit 0 */
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mkdir("/sys/fs/cgroup", 0755);
	mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL);
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	char lsm[256] = {}; int fd = open("/sys/kernel/security/lsm", O_RDONLY);
	mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	fd = open("/sys/kernel/security/lsm", O_RDONLY); if (fd >= 0) { read(fd, lsm, 255); close(fd); }
	printf("MAMORI-VM lsm=%s\n", lsm);
	struct bpf_object *obj = bpf_object__open("/mamori.bpf.o");
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		const char *s = bpf_program__section_name(p);
		if (!strncmp(s, "tracepoint/", 11)) { char path[256]; snprintf(path, sizeof path, "/sys/kernel/tracing/events/%s", s + 11);
			if (access(path, F_OK)) bpf_program__set_autoload(p, false); }
	}
	int err = bpf_object__load(obj);
	printf("MAMORI-VM load=%d\n", err);
	if (err) goto out;
	int cg = open("/sys/fs/cgroup", O_RDONLY);
	int nattached = 0, nfail = 0;
	bpf_object__for_each_program(p, obj) {
		if (!bpf_program__autoload(p)) continue;
		const char *s = bpf_program__section_name(p);
		struct bpf_link *l = !strncmp(s, "cgroup/", 7) ? bpf_program__attach_cgroup(p, cg) : bpf_program__attach(p);
		if (l) nattached++; else { nfail++; printf("MAMORI-VM attach-fail %s %s errno=%d\n", bpf_program__name(p), s, errno); }
	}
	printf("MAMORI-VM attached=%d failed=%d\n", nattached, nfail);
	struct stat st; stat("/denied", &st);
	struct mamori_inode_key k = { .dev = kdev(st.st_dev), .ino = st.st_ino };
	struct mamori_exec_rule r = { .policy_id = 1, .min_level = 1, .flags = MAMORI_EXECP_FILE };
	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_exec_policy")), &k, &r, 0);
	int pf = open("/protected", O_CREAT | O_WRONLY, 0644); close(pf); stat("/protected", &st);
	struct mamori_inode_key pk = { .dev = kdev(st.st_dev), .ino = st.st_ino }; __u32 pid = 2;
	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_protected_files")), &pk, &pid, 0);
	struct mamori_config c = { .flags = MAMORI_CFG_HAS_EXEC_POLICY | MAMORI_CFG_LSM_EXEC | MAMORI_CFG_HAS_PROTECTED, .host_level = 1 };
	c.wake_bytes[0] = c.wake_bytes[1] = 1; __u32 zero = 0;
	bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_config_map")), &zero, &c, 0);
	pid_t child = fork();
	if (!child) { execl("/denied", "denied", "x", NULL); printf("MAMORI-VM exec-denied errno=%d (%s)\n", errno, strerror(errno)); _exit(3); }
	int status; waitpid(child, &status, 0);
	printf("MAMORI-VM child status=%#x\n", status);
	if (!(child = fork())) { /* pid 1 is never acted on: test from a child */
		int w = open("/protected", O_WRONLY);
		printf("MAMORI-VM protected write-open=%d errno=%d\n", w, w < 0 ? errno : 0);
		int u = unlink("/protected");
		printf("MAMORI-VM protected unlink=%d errno=%d\n", u, u < 0 ? errno : 0);
		int rd = open("/protected", O_RDONLY);
		printf("MAMORI-VM protected read-open ok=%d\n", rd >= 0);
		int t = truncate("/protected", 0);
		printf("MAMORI-VM protected truncate=%d errno=%d\n", t, t < 0 ? errno : 0);
		fflush(stdout); _exit(0);
	}
	waitpid(child, &status, 0);
	printf("MAMORI-VM pid1 write-open (exempt) ok=%d\n", open("/protected", O_WRONLY) >= 0);
out:
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
