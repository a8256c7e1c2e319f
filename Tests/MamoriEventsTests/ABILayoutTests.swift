import CMamoriABI
import MamoriEvents
import Testing

/// Pins the Swift view of abi.h to the sizes its _Static_asserts pin on the C side, plus the
/// offsets the decoder depends on, so drift fails here and not in production.
@Suite("ABI layout")
struct ABILayoutTests {
    @Test func structSizesMatchStaticAsserts() {
        #expect(MemoryLayout<mamori_header>.size == 32)
        #expect(MemoryLayout<mamori_subject>.size == 40)
        #expect(MemoryLayout<mamori_exec>.size == 168)
        #expect(MemoryLayout<mamori_fork>.size == 88)
        #expect(MemoryLayout<mamori_exit>.size == 80)
        #expect(MemoryLayout<mamori_net>.size == 120)
        #expect(MemoryLayout<mamori_file>.size == 120)
        #expect(MemoryLayout<mamori_gap>.size == 128)
        #expect(MemoryLayout<mamori_config>.size == 72)
        #expect(MemoryLayout<mamori_watch_key>.size == 16)
        #expect(MemoryLayout<mamori_action>.size == 128)
        #expect(MemoryLayout<mamori_inode_key>.size == 16)
        #expect(MemoryLayout<mamori_exec_rule>.size == 8)
        #expect(MemoryLayout<mamori_scope>.size == 8)
        #expect(MemoryLayout<mamori_egress_key>.size == 24)
        #expect(MemoryLayout<mamori_egress_rule>.size == 32)
        #expect(MemoryLayout<mamori_action>.stride == MemoryLayout<mamori_action>.size)
        // Explicit padding: no tail padding, so size == stride and records pack back to back.
        #expect(MemoryLayout<mamori_exec>.stride == MemoryLayout<mamori_exec>.size)
        #expect(MemoryLayout<mamori_file>.stride == MemoryLayout<mamori_file>.size)
    }

    @Test func headerOffsets() {
        #expect(MemoryLayout<mamori_header>.offset(of: \.kind) == 0)
        #expect(MemoryLayout<mamori_header>.offset(of: \.version) == 2)
        #expect(MemoryLayout<mamori_header>.offset(of: \.size) == 4)
        #expect(MemoryLayout<mamori_header>.offset(of: \.ktime_ns) == 8)
        #expect(MemoryLayout<mamori_header>.offset(of: \.tgid) == 16)
        #expect(MemoryLayout<mamori_header>.offset(of: \.pid) == 20)
        #expect(MemoryLayout<mamori_header>.offset(of: \.start_boottime_ns) == 24)
        // Every record starts with the header, and every non-gap record has its subject next.
        #expect(MemoryLayout<mamori_exec>.offset(of: \.hdr) == 0)
        #expect(MemoryLayout<mamori_fork>.offset(of: \.hdr) == 0)
        #expect(MemoryLayout<mamori_exit>.offset(of: \.hdr) == 0)
        #expect(MemoryLayout<mamori_net>.offset(of: \.hdr) == 0)
        #expect(MemoryLayout<mamori_file>.offset(of: \.hdr) == 0)
        #expect(MemoryLayout<mamori_gap>.offset(of: \.hdr) == 0)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.subj) == 32)
        #expect(MemoryLayout<mamori_net>.offset(of: \.subj) == 32)
        #expect(MemoryLayout<mamori_file>.offset(of: \.subj) == 32)
    }

    @Test func subjectOffsets() {
        #expect(MemoryLayout<mamori_subject>.offset(of: \.ppid) == 0)
        #expect(MemoryLayout<mamori_subject>.offset(of: \.euid) == 12)
        #expect(MemoryLayout<mamori_subject>.offset(of: \.cgroup_id) == 16)
        #expect(MemoryLayout<mamori_subject>.offset(of: \.comm) == 24)
        #expect(MemoryLayout.size(ofValue: mamori_subject().comm) == Int(MAMORI_COMM_LEN))
    }

    @Test func execOffsets() {
        #expect(MemoryLayout<mamori_exec>.offset(of: \.parent_start_boottime_ns) == 72)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.flags) == 92)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.loginuid) == 100)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.tty_index) == 108)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.tty_driver) == 112)
        #expect(MemoryLayout.size(ofValue: mamori_exec().tty_driver) == Int(MAMORI_TTY_NAME_LEN))
        #expect(MemoryLayout<mamori_exec>.offset(of: \.argc) == 120)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.exe_len) == 124)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.args_len) == 126)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.cwd_len) == 128)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.stdio_type) == 130)
        #expect(MemoryLayout<mamori_exec>.offset(of: \.stdio_ino) == 136)
    }

    @Test func otherRecordOffsets() {
        #expect(MemoryLayout<mamori_fork>.offset(of: \.parent_tgid) == 72)
        #expect(MemoryLayout<mamori_fork>.offset(of: \.parent_start_boottime_ns) == 80)
        #expect(MemoryLayout<mamori_exit>.offset(of: \.exit_code) == 72)
        #expect(MemoryLayout<mamori_net>.offset(of: \.op) == 72)
        #expect(MemoryLayout<mamori_net>.offset(of: \.result) == 80)
        #expect(MemoryLayout<mamori_net>.offset(of: \.sport) == 84)
        #expect(MemoryLayout<mamori_net>.offset(of: \.saddr) == 88)
        #expect(MemoryLayout<mamori_net>.offset(of: \.daddr) == 104)
        #expect(MemoryLayout<mamori_file>.offset(of: \.path_len) == 74)
        #expect(MemoryLayout<mamori_file>.offset(of: \.path2_len) == 76)
        #expect(MemoryLayout<mamori_file>.offset(of: \.owner_uid) == 96)
        #expect(MemoryLayout<mamori_file>.offset(of: \.ino) == 104)
        #expect(MemoryLayout<mamori_file>.offset(of: \.dev) == 112)
        #expect(MemoryLayout<mamori_gap>.offset(of: \.lane) == 32)
        #expect(MemoryLayout<mamori_gap>.offset(of: \.lost) == 40)
        #expect(MemoryLayout<mamori_config>.offset(of: \.udp_flow_ttl_ns) == 40)
        #expect(MemoryLayout<mamori_watch_key>.offset(of: \.ino) == 8)
        #expect(MemoryLayout<mamori_config>.offset(of: \.host_level) == 48)
        #expect(MemoryLayout<mamori_config>.offset(of: \.self_exe_ino) == 56)
        #expect(MemoryLayout<mamori_config>.offset(of: \.self_uid) == 68)
    }

    @Test func preventionOffsets() {
        #expect(MemoryLayout<mamori_action>.offset(of: \.subj) == 32)
        #expect(MemoryLayout<mamori_action>.offset(of: \.action) == 72)
        #expect(MemoryLayout<mamori_action>.offset(of: \.reason) == 74)
        #expect(MemoryLayout<mamori_action>.offset(of: \.level) == 76)
        #expect(MemoryLayout<mamori_action>.offset(of: \.needed_level) == 77)
        #expect(MemoryLayout<mamori_action>.offset(of: \.flags) == 78)
        #expect(MemoryLayout<mamori_action>.offset(of: \.policy_id) == 80)
        #expect(MemoryLayout<mamori_action>.offset(of: \.result) == 84)
        #expect(MemoryLayout<mamori_action>.offset(of: \.ino) == 88)
        #expect(MemoryLayout<mamori_action>.offset(of: \.dev) == 96)
        #expect(MemoryLayout<mamori_action>.offset(of: \.family) == 100)
        #expect(MemoryLayout<mamori_action>.offset(of: \.dport) == 102)
        #expect(MemoryLayout<mamori_action>.offset(of: \.daddr) == 104)
        #expect(MemoryLayout<mamori_action>.offset(of: \.protocol) == 120)
        #expect(MemoryLayout<mamori_action>.offset(of: \.path_len) == 122)
        #expect(MemoryLayout<mamori_egress_key>.offset(of: \.policy) == 4)
        #expect(MemoryLayout<mamori_egress_key>.offset(of: \.addr) == 8)
        #expect(MemoryLayout<mamori_egress_rule>.offset(of: \.ports) == 8)
        #expect(MemoryLayout<mamori_egress_rule>.offset(of: \.prefixlen) == 24)
        #expect(MemoryLayout<mamori_scope>.offset(of: \.egress_policy) == 4)
        #expect(MemoryLayout<mamori_exec_rule>.offset(of: \.flags) == 6)
        #expect(PreventionAction.killExec.rawValue == UInt16(MAMORI_ACT_KILL_EXEC.rawValue))
        #expect(PreventionAction.denyFile.rawValue == UInt16(MAMORI_ACT_DENY_FILE.rawValue))
        #expect(ActionReason.execDenylist.rawValue == UInt16(MAMORI_WHY_EXEC_DENYLIST.rawValue))
        #expect(ActionReason.protectedFile.rawValue == UInt16(MAMORI_WHY_PROTECTED_FILE.rawValue))
        #expect(PreventionAction.allCases.count == 5)
        #expect(ActionReason.allCases.count == 7)
    }

    @Test func swiftEnumsMirrorTheHeader() {
        #expect(EventKind.exec.rawValue == UInt16(MAMORI_KIND_EXEC.rawValue))
        #expect(EventKind.fork.rawValue == UInt16(MAMORI_KIND_FORK.rawValue))
        #expect(EventKind.exit.rawValue == UInt16(MAMORI_KIND_EXIT.rawValue))
        #expect(EventKind.network.rawValue == UInt16(MAMORI_KIND_NET.rawValue))
        #expect(EventKind.file.rawValue == UInt16(MAMORI_KIND_FILE.rawValue))
        #expect(EventKind.gap.rawValue == UInt16(MAMORI_KIND_GAP.rawValue))
        #expect(EventKind.action.rawValue == UInt16(MAMORI_KIND_ACTION.rawValue))
        #expect(EventKind.dns.rawValue == UInt16(MAMORI_KIND_DNS.rawValue))
        #expect(EventKind.activity.rawValue == UInt16(MAMORI_KIND_ACTIVITY.rawValue))
        // Every kind below MAMORI_KIND_COUNT but 0 (never written) has a Swift case.
        #expect(EventKind.allCases.count == Int(MAMORI_KIND_COUNT.rawValue) - 1)
        #expect(NetworkOp.connect.rawValue == UInt16(MAMORI_NET_CONNECT.rawValue))
        #expect(NetworkOp.send.rawValue == UInt16(MAMORI_NET_SEND.rawValue))
        #expect(FileOp.create.rawValue == UInt16(MAMORI_FILE_CREATE.rawValue))
        #expect(FileOp.rename.rawValue == UInt16(MAMORI_FILE_RENAME.rawValue))
        #expect(FileOp.chown.rawValue == UInt16(MAMORI_FILE_CHOWN.rawValue))
        #expect(FileOp.openRead.rawValue == UInt16(MAMORI_FILE_OPEN_READ.rawValue))
    }

    @Test func swiftFlagsMirrorTheHeader() {
        #expect(ExecFlags.argsTruncated.rawValue == MAMORI_EXEC_ARGS_TRUNCATED)
        #expect(ExecFlags.exeTruncated.rawValue == MAMORI_EXEC_EXE_TRUNCATED)
        #expect(ExecFlags.cwdTruncated.rawValue == MAMORI_EXEC_CWD_TRUNCATED)
        #expect(ExecFlags.argsFault.rawValue == MAMORI_EXEC_ARGS_FAULT)
        #expect(ExecFlags.hasTTY.rawValue == MAMORI_EXEC_HAS_TTY)
        #expect(FileFlags.pathTruncated.rawValue == MAMORI_FILE_PATH_TRUNCATED)
        #expect(FileFlags.path2Truncated.rawValue == MAMORI_FILE_PATH2_TRUNCATED)
        #expect(FileFlags.pathRelative.rawValue == MAMORI_FILE_PATH_RELATIVE)
        #expect(FileFlags.path2Relative.rawValue == MAMORI_FILE_PATH2_RELATIVE)
        #expect(FileFlags.watched.rawValue == MAMORI_FILE_WATCHED)
    }

    @Test func fixedSizesFollowTheStructs() {
        #expect(RecordDecoder.fixedSize(of: .exec) == MemoryLayout<mamori_exec>.size)
        #expect(RecordDecoder.fixedSize(of: .fork) == MemoryLayout<mamori_fork>.size)
        #expect(RecordDecoder.fixedSize(of: .exit) == MemoryLayout<mamori_exit>.size)
        #expect(RecordDecoder.fixedSize(of: .network) == MemoryLayout<mamori_net>.size)
        #expect(RecordDecoder.fixedSize(of: .file) == MemoryLayout<mamori_file>.size)
        #expect(RecordDecoder.fixedSize(of: .gap) == MemoryLayout<mamori_gap>.size)
        #expect(RecordDecoder.fixedSize(of: .action) == MemoryLayout<mamori_action>.size)
        // The largest fixed part plus every variable part fits the record bound.
        // MAMORI_RECORD_MAX is `(3 * 4096 + 512)`, an expression macro Swift does not import.
        let recordMax = 3 * 4096 + 512
        #expect(MemoryLayout<mamori_exec>.size + Int(MAMORI_PATH_MAX) * 2 + Int(MAMORI_ARGS_MAX) <= recordMax)
    }
}

/// The queue holds SensorEvent values inline: their size drives the queue's memory budget
/// (docs/memory.md). Fails loudly if a change makes events much bigger.
@Test("SensorEvent stays small enough for the queue budget")
func sensorEventSize() {
    print("MemoryLayout<SensorEvent>.size = \(MemoryLayout<SensorEvent>.size), stride \(MemoryLayout<SensorEvent?>.stride)")
    #expect(MemoryLayout<SensorEvent?>.stride <= 256)
}
