// MamoriSystem: the one place userspace talks to the kernel's descriptor and socket calls
// (docs/architecture.md). Built on swift-system's FileDescriptor and typed Errno; every retry of
// EINTR, every MSG_NOSIGNAL and every deadline lives here, so the modules above never write a
// read/write/poll loop of their own.
@_exported import SystemPackage
