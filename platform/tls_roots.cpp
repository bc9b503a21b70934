#include "platform/tls_roots.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <wincrypt.h>
#endif

namespace siberius::platform {

bool load_system_roots(SSL_CTX* ctx, std::string& error) {
#ifdef _WIN32
  HCERTSTORE store = ::CertOpenSystemStoreW(0, L"ROOT");
  if (store == nullptr) {
    error = "cannot open the Windows certificate store";
    return false;
  }
  X509_STORE* trusted = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  for (PCCERT_CONTEXT cert = ::CertEnumCertificatesInStore(store, nullptr); cert != nullptr;
       cert = ::CertEnumCertificatesInStore(store, cert)) {
    const unsigned char* der = cert->pbCertEncoded;
    X509* x = d2i_X509(nullptr, &der, static_cast<long>(cert->cbCertEncoded));
    if (x == nullptr)
      continue;
    if (X509_STORE_add_cert(trusted, x) == 1)
      ++added;
    X509_free(x);
  }
  ::CertCloseStore(store, 0);
  ERR_clear_error(); // duplicates are refused with an error: not a failure
  if (added == 0) {
    error = "the Windows certificate store has no usable root certificates (set CA_FILE)";
    return false;
  }
  return true;
#else
  if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    error = "cannot load the system CA store";
    return false;
  }
  return true;
#endif
}

} // namespace siberius::platform
