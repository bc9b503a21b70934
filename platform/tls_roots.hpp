// The system's trusted certificate authorities for an OpenSSL context. On
// Linux OpenSSL finds them itself (SSL_CERT_FILE, SSL_CERT_DIR, /etc/ssl);
// on Windows it does not read the system store, so the "ROOT" store's
// certificates are added one by one.
#pragma once

#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace siberius::platform {

/// Adds the system's trusted roots to `ctx`; false with `error` set when none could be loaded.
bool load_system_roots(SSL_CTX* ctx, std::string& error);

} // namespace siberius::platform
