import Foundation
import Testing
@testable import MamoriOutput

/// Counts resolver calls across the `@Sendable` lookup boundary.
// SAFETY: only touched by the test's own thread (the lookup runs synchronously inside
// `UserNames.name(for:)`), never concurrently.
private final class CallLog: @unchecked Sendable {
    var uids: [UInt32] = []
}

/// The uid → name cache: one lookup per uid, bounded size, negative caching.
@Suite struct UserNamesTests {
    @Test func resolvesOnceAndCaches() {
        let log = CallLog()
        var names = UserNames(capacity: 8) { uid in
            log.uids.append(uid)
            return uid == 0 ? "root" : nil
        }
        #expect(names.name(for: 0) == "root")
        #expect(names.name(for: 0) == "root")
        #expect(names.name(for: 5000) == nil)
        #expect(names.name(for: 5000) == nil)  // unknown uids are cached as unknown
        #expect(log.uids == [0, 5000])
        #expect(names.count == 2)

        names.removeAll()
        #expect(names.count == 0)
        #expect(names.name(for: 0) == "root")
        #expect(log.uids == [0, 5000, 0])
    }

    @Test func staysWithinCapacity() {
        let log = CallLog()
        var names = UserNames(capacity: 4) { uid in
            log.uids.append(uid)
            return "user\(uid)"
        }
        for uid in UInt32(0)..<100 { #expect(names.name(for: uid) == "user\(uid)") }
        #expect(names.count == 4)
        #expect(log.uids.count == 100)
        #expect(names.name(for: 99) == "user99")  // the newest entry is still cached
        #expect(log.uids.count == 100)
    }

    @Test func systemLookupFindsRoot() {
        // Every Linux system, container or not, has uid 0 in its passwd database.
        #expect(UserNames.passwdLookup(0) == "root")
        #expect(UserNames.passwdLookup(3_999_999_999) == nil)
    }
}
