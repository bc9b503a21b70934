// host_facts.hpp on Windows.
#include "daemon/host_facts.hpp"

#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <psapi.h>
#include <windows.h>

#include <vector>

#include "platform/files.hpp"

namespace siberius::daemon {

std::string local_ipv4() {
  ULONG size = 16 * 1024;
  std::vector<unsigned char> buf;
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 3 && rc == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buf.resize(size);
    rc = ::GetAdaptersAddresses(AF_INET, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER,
                                nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()), &size);
  }
  if (rc != NO_ERROR)
    return {};
  for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()); a != nullptr; a = a->Next) {
    if (a->OperStatus != IfOperStatusUp || a->IfType == IF_TYPE_SOFTWARE_LOOPBACK)
      continue;
    for (auto* u = a->FirstUnicastAddress; u != nullptr; u = u->Next) {
      auto* in = reinterpret_cast<sockaddr_in*>(u->Address.lpSockaddr);
      if (in->sin_family != AF_INET)
        continue;
      char text[INET_ADDRSTRLEN] = {0};
      if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) != nullptr && std::string(text).rfind("127.", 0) != 0)
        return text;
    }
  }
  return {};
}

std::string host_name() {
  wchar_t buf[256] = {0};
  DWORD size = 256;
  if (!::GetComputerNameExW(ComputerNameDnsHostname, buf, &size))
    return {};
  return platform::narrow(std::wstring(buf, size));
}

std::uint64_t resident_bytes() {
  PROCESS_MEMORY_COUNTERS counters{};
  if (!::GetProcessMemoryInfo(::GetCurrentProcess(), &counters, sizeof counters))
    return 0;
  return counters.WorkingSetSize;
}

std::string machine_id() {
  wchar_t buf[128] = {0};
  DWORD size = sizeof buf;
  if (::RegGetValueW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Cryptography", L"MachineGuid",
                     RRF_RT_REG_SZ | RRF_SUBKEY_WOW6464KEY, nullptr, buf, &size) != ERROR_SUCCESS)
    return {};
  return platform::narrow(buf);
}

} // namespace siberius::daemon
