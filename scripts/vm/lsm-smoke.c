#define _GNU_SOURCE
// Guest smoke check for `make test-vm`: loads lsm-smoke.bpf.o, attaches its BPF LSM program,
// marks one copy of /bin/true by inode and proves that exec of that copy fails with EPERM while
// an identical unmarked copy still runs. Prints one line and exits 0 only when both hold.
// Every handle is released on every path; the program detaches when this process exits anyway.
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

struct smoke_target { uint64_t ino; uint32_t dev; uint32_t armed; };

// Copies src to dst with mode 0755; returns 0 on success.
static int copy_file(const char *src, const char *dst)
{
    char buf[65536];
    ssize_t n;
    int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    int rc = (in < 0 || out < 0) ? -1 : 0;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, n) != n) rc = -1;
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    return rc;
}

// Runs path in a child; returns the errno execv failed with (0 when it ran and exited 0,
// -1 when it ran but failed).
static int exec_errno(const char *path)
{
    int pipefd[2], err = 0, status;
    if (pipe2(pipefd, O_CLOEXEC)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)path, NULL };
        execv(path, argv);
        err = errno;
        if (write(pipefd[1], &err, sizeof err) < 0) _exit(126);
        _exit(127);
    }
    close(pipefd[1]);
    if (read(pipefd[0], &err, sizeof err) != sizeof err) err = 0;
    close(pipefd[0]);
    waitpid(pid, &status, 0);
    if (err) return err;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *obj_path = argc > 1 ? argv[1] : "lsm-smoke.bpf.o";
    const char *denied = "/tmp/mamori-lsm-denied", *allowed = "/tmp/mamori-lsm-allowed";
    struct bpf_object *obj = NULL;
    struct bpf_link *link = NULL;
    struct stat st;
    int rc = 1;

    obj = bpf_object__open_file(obj_path, NULL);
    if (!obj) { printf("lsm smoke: open %s: %s\n", obj_path, strerror(errno)); return 1; }
    if (bpf_object__load(obj)) { printf("lsm smoke: load: %s\n", strerror(errno)); goto out; }
    struct bpf_program *prog = bpf_object__find_program_by_name(obj, "smoke_deny_exec");
    link = prog ? bpf_program__attach(prog) : NULL;
    if (!link) { printf("lsm smoke: attach lsm/bprm_check_security: %s\n", strerror(errno)); goto out; }
    if (copy_file("/bin/true", denied) || copy_file("/bin/true", allowed) || stat(denied, &st)) {
        printf("lsm smoke: cannot create the test executables in /tmp\n");
        goto out;
    }
    // The kernel's s_dev is the internal encoding (major << 20 | minor), not glibc's dev_t.
    struct smoke_target t = { .ino = st.st_ino,
                              .dev = (major(st.st_dev) << 20) | minor(st.st_dev), .armed = 1 };
    uint32_t key = 0;
    if (bpf_map__update_elem(bpf_object__find_map_by_name(obj, "smoke_target"),
                             &key, sizeof key, &t, sizeof t, BPF_ANY)) {
        printf("lsm smoke: map update: %s\n", strerror(errno));
        goto out;
    }
    int denied_rc = exec_errno(denied), allowed_rc = exec_errno(allowed);
    if (denied_rc == EPERM && allowed_rc == 0) {
        printf("lsm smoke: ok: exec of the marked file failed with EPERM, the unmarked copy ran\n");
        rc = 0;
    } else {
        printf("lsm smoke: FAILED: marked exec -> %d (want EPERM=%d), unmarked exec -> %d (want 0)\n",
               denied_rc, EPERM, allowed_rc);
    }
out:
    bpf_link__destroy(link);
    bpf_object__close(obj);
    unlink(denied);
    unlink(allowed);
    return rc;
}
