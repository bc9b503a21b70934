// What the heartbeat says about the machine; read from the kernel, never
// from the network (no external "what is my IP" calls).
#pragma once

#include <cstdint>
#include <string>

namespace siberius::daemon {

/// First non-loopback IPv4 address of an interface that is up, or empty.
std::string local_ipv4();
std::string host_name();
/// Resident set size of this process (VmRSS), 0 when unknown.
std::uint64_t resident_bytes();

} // namespace siberius::daemon
