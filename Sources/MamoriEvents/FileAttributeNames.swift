/// Words for the file attributes attackers set (`ActivityOp.xattrSet`, `.fileFlags`): the
/// capability names a security.capability value grants and the inode flags an ioctl sets.
///
/// Exists so rules, ECS output and the store see `cap_setuid` and `immutable` instead of bit
/// masks, decoded in one place. Pure functions of the record's values: any thread.
public enum FileAttributeNames {
    /// Capability numbers 0...40 of linux/capability.h, as setcap(8) spells them.
    static let capabilities: [String] = [
        "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid",
        "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable",
        "cap_net_bind_service", "cap_net_broadcast", "cap_net_admin", "cap_net_raw",
        "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot",
        "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
        "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
        "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override",
        "cap_mac_admin", "cap_syslog", "cap_wake_alarm", "cap_block_suspend", "cap_audit_read",
        "cap_perfmon", "cap_bpf", "cap_checkpoint_restore",
    ]

    /// The names of the bits set in a 64-bit capability set, comma-separated in bit order
    /// (`cap_setuid,cap_net_raw`); bits past the table are `cap_<n>`. Empty for no bits.
    public static func capabilityList(_ set: UInt64) -> String {
        var out = ""
        var bits = set
        while bits != 0 {
            let n = bits.trailingZeroBitCount
            bits &= bits - 1
            if !out.isEmpty { out += "," }
            out += n < capabilities.count ? capabilities[n] : "cap_\(n)"
        }
        return out
    }

    /// The FS_*_FL words rules judge (`immutable,append`), from a MAMORI_FS_*_FL mask.
    public static func flagList(_ flags: UInt32) -> String {
        var words: [String] = []
        if flags & 0x10 != 0 { words.append("immutable") }
        if flags & 0x20 != 0 { words.append("append") }
        if flags & 0x40 != 0 { words.append("nodump") }
        return words.joined(separator: ",")
    }
}

extension ActivityEvent {
    /// `.xattrSet`: the capabilities the written security.capability value permits
    /// (`cap_setuid,cap_setgid`), empty for a value that permits none.
    public var grantedCapabilities: String? {
        guard op == .xattrSet else { return nil }
        return FileAttributeNames.capabilityList(arg1)
    }

    /// `.xattrSet`: whether the value raises the permitted set into the effective one at exec
    /// (`+ep`: VFS_CAP_FLAGS_EFFECTIVE).
    public var capabilityEffective: Bool? {
        guard op == .xattrSet else { return nil }
        return arg0 & 0x1 != 0
    }

    /// `.fileFlags`: the flags being set (`immutable,append`), and those the inode had before.
    public var newFileFlags: String? {
        guard op == .fileFlags else { return nil }
        return FileAttributeNames.flagList(UInt32(bitPattern: value))
    }

    public var oldFileFlags: String? {
        guard op == .fileFlags else { return nil }
        return FileAttributeNames.flagList(UInt32(truncatingIfNeeded: arg1))
    }

}
