#include "daemon/host_facts.hpp"

#include <fstream>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>

namespace siberius::daemon {

std::string local_ipv4() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0)
    return {};
  std::string found;
  for (auto* a = list; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK) ||
        !(a->ifa_flags & IFF_UP))
      continue;
    char buf[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf) != nullptr)
      found = buf;
  }
  ::freeifaddrs(list);
  return found;
}

std::string host_name() {
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0)
    return {};
  return buf;
}

std::uint64_t resident_bytes() {
#ifdef __linux__
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoull(line.substr(6)) * 1024; // the kernel reports kB
  return 0;
#else
  // macOS: the peak, not the current size (task_info would give the latter).
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss);
#endif
}

std::string machine_id() {
  for (const char* p : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    std::ifstream in(p);
    std::string id;
    if (in && std::getline(in, id) && !id.empty())
      return id;
  }
  return {};
}

} // namespace siberius::daemon
