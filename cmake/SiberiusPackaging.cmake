# Installation and the Debian packages (packaging/, docs/operations.md
# "Installing on a VPS (Debian package)", docs/daemon.md). Two components,
# one .deb each:
#   server -> siberius-server: siberius-server, siberius-admin, the PDF reader,
#             the schema, the web app, the nginx snippet, the unit, server.env
#   daemon -> siberius-daemon: siberius-daemon, the PDF reader, the unit, daemon.env
# Build them (after the binaries and ui/dist): cpack --config build/CPackConfig.cmake
# or scripts/package. The install rules live here, beside the package they
# feed, rather than in each folder's CMakeLists.txt.

set(siberius_pkg ${PROJECT_SOURCE_DIR}/packaging)
set(SIBERIUS_MAINTAINER "Siberius maintainers <maintainers@siberius.example>")

# cpack (and `make install`) install only what is built: without this they
# would build every target first, tests and benchmarks included, when the
# packages need four binaries (scripts/package builds those).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# Paths are Debian's, whatever CMAKE_INSTALL_PREFIX says: the units name them.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)

# ---- siberius-server ----
install(TARGETS siberius-server siberius-admin RUNTIME DESTINATION bin COMPONENT server)
install(TARGETS siberius-pdf-reader RUNTIME DESTINATION lib/siberius COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/schema/ DESTINATION share/siberius/schema COMPONENT server
  FILES_MATCHING PATTERN "*.sql")
# The web app is built by npm (scripts/lib/ui.sh), not by CMake: refuse to
# package a server without it.
install(CODE "
  if(NOT EXISTS \"${PROJECT_SOURCE_DIR}/ui/dist/index.html\")
    message(FATAL_ERROR \"ui/dist is not built: source scripts/lib/ui.sh; siberius_ui_build (or use scripts/package)\")
  endif()" COMPONENT server)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/ui/dist/ DESTINATION share/siberius/ui COMPONENT server
  PATTERN ".siberius-build-sha256" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/nginx/siberius.conf DESTINATION share/siberius/nginx COMPONENT server)
install(FILES ${siberius_pkg}/systemd/siberius-server.service DESTINATION /lib/systemd/system COMPONENT server)
install(FILES ${siberius_pkg}/sysusers/siberius-server.conf DESTINATION lib/sysusers.d COMPONENT server)
install(FILES ${siberius_pkg}/etc/server.env DESTINATION /etc/siberius COMPONENT server
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# ---- siberius-daemon ----
install(TARGETS siberius-daemon RUNTIME DESTINATION bin COMPONENT daemon)
install(TARGETS siberius-pdf-reader RUNTIME DESTINATION lib/siberius COMPONENT daemon)
install(FILES ${siberius_pkg}/systemd/siberius-daemon.service DESTINATION /lib/systemd/system COMPONENT daemon)
install(FILES ${siberius_pkg}/sysusers/siberius-daemon.conf DESTINATION lib/sysusers.d COMPONENT daemon)
install(FILES ${siberius_pkg}/etc/daemon.env DESTINATION /etc/siberius COMPONENT daemon
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# ---- both: documentation and lintian overrides ----
foreach(component server daemon)
  set(PKG siberius-${component})
  set(MAINTAINER "${SIBERIUS_MAINTAINER}")
  configure_file(${siberius_pkg}/doc/changelog.in ${CMAKE_CURRENT_BINARY_DIR}/packaging/${PKG}/changelog @ONLY)
  # gzip -n: no name or time stamp in the header, so the package is reproducible.
  execute_process(COMMAND gzip -9nf ${CMAKE_CURRENT_BINARY_DIR}/packaging/${PKG}/changelog)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/packaging/${PKG}/changelog.gz
                ${siberius_pkg}/doc/copyright
          DESTINATION share/doc/${PKG} COMPONENT ${component})
  install(FILES ${siberius_pkg}/doc/README.Debian.${component} DESTINATION share/doc/${PKG}
          RENAME README.Debian COMPONENT ${component})
  install(FILES ${siberius_pkg}/lintian/${PKG} DESTINATION share/lintian/overrides COMPONENT ${component})
endforeach()

# ---- CPack ----
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server daemon)
set(CPACK_PACKAGE_NAME siberius)
set(CPACK_PACKAGE_VENDOR "Siberius")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${SIBERIUS_MAINTAINER}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SIBERIUS_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://siberius.example.com/")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binaries' libraries (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Maintainer scripts 0755, conffiles 0644, as dpkg-deb expects.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME siberius-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
# adduser: the user when systemd-sysusers is missing (deb-systemd-helper
# comes with init-system-helpers, which is essential). Both packages carry
# /usr/lib/siberius/siberius-pdf-reader, hence the Conflicts.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "postgresql, nginx")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONFLICTS "siberius-daemon")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Siberius server: the offices' PDFs, indexed and served on demand
siberius-server keeps the index of the business PDFs (quotes, service
orders, assembly orders) that the office daemons report, asks a daemon for
a PDF when someone opens it, caches it, and serves the web app and the REST
API. It needs PostgreSQL and runs behind nginx (a snippet is in
/usr/share/siberius/nginx). Includes the siberius-admin command line.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  "${siberius_pkg}/debian/server/postinst;${siberius_pkg}/debian/server/prerm;${siberius_pkg}/debian/server/postrm;${siberius_pkg}/debian/server/conffiles")

set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME siberius-daemon)
set(CPACK_DEBIAN_DAEMON_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONFLICTS "siberius-server")
set(CPACK_COMPONENT_DAEMON_DESCRIPTION "Siberius office daemon: indexes a PDF folder into siberius-server
siberius-daemon runs on the office machine beside the folder of business
PDFs. It reads the folder (never writes to it), sends each document's
metadata to siberius-server and uploads a PDF only when the server asks
for it. It keeps no state of its own.")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
  "${siberius_pkg}/debian/daemon/postinst;${siberius_pkg}/debian/daemon/prerm;${siberius_pkg}/debian/daemon/postrm;${siberius_pkg}/debian/daemon/conffiles")

include(CPack)
