import Testing
@testable import MamoriStore
