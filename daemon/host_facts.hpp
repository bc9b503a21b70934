// What the heartbeat says about the machine; read from the kernel, never
// from the network (no external "what is my IP" calls). host_facts_posix.cpp
// (Linux, macOS) and host_facts_windows.cpp.
#pragma once

#include <cstdint>
#include <string>

namespace siberius::daemon {

/// First non-loopback IPv4 address of an interface that is up, or empty.
std::string local_ipv4();
std::string host_name();
/// Resident set size of this process (VmRSS; the working set on Windows), 0 when unknown.
std::uint64_t resident_bytes();
/// A stable id of this machine (/etc/machine-id; the MachineGuid on
/// Windows), or empty. Only hashed into the default CLIENT_ID.
std::string machine_id();

} // namespace siberius::daemon
