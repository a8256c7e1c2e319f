/// The kernel's internal device number encoding (`MAJOR << 20 | MINOR`, as `struct
/// super_block.s_dev` holds it), from the userspace `dev_t` that stat(2) returns.
///
/// Exists because BPF programs key files by the kernel's `dev_t` while userspace sees glibc's
/// encoding; every map key, policy entry and identity comparison must convert the same way,
/// so there is exactly one conversion. Stateless; any thread.
public enum KernelDevice {
    /// glibc `dev_t` → kernel `dev_t` (major << 20 | minor).
    public static func encode(_ dev: UInt) -> UInt32 {
        let d = UInt64(dev)
        let major = ((d >> 8) & 0xfff) | ((d >> 32) & ~UInt64(0xfff))
        let minor = (d & 0xff) | ((d >> 12) & ~UInt64(0xff))
        return UInt32(truncatingIfNeeded: (major << 20) | minor)
    }
}
