# Installation and the Debian package (CPack):
#   cmake --build build --target delvex && (cd build && cpack -G DEB)
# writes build/delvex_<version>_<arch>.deb (installing needs only the binary, not the tests). Layout:
#   /usr/bin/delvex                               the binary
#   /usr/share/delvex/{config,academy-content}   DELVEX_HOME (read-only data)
#   /etc/delvex/delvex.yaml                       settings (a conffile), root:delvex 0640
#   /usr/lib/systemd/system/delvex.service        the hardened unit (User=delvex, StateDirectory=delvex)
#   /usr/share/doc/delvex/                        README, OPERATIONS.md, the commented example config
# postinst creates the delvex system user and /var/lib/delvex (0700); the database lives there.
include(GNUInstallDirs)
# `install` and CPack need only the delvex binary: do not build the test executables for them.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS delvex RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config ${PROJECT_SOURCE_DIR}/academy-content
        DESTINATION ${CMAKE_INSTALL_DATADIR}/delvex)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/delvex.yaml DESTINATION /etc/delvex)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/delvex.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/OPERATIONS.md
              ${PROJECT_SOURCE_DIR}/config/delvex.example.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME delvex)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Delve Exchange")
set(CPACK_PACKAGE_CONTACT "Delve Exchange operators <ops@delvex.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Delve Exchange WhatsApp service (rooms, forums, ASM Academy)")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "delvex runs a miners' network from one WhatsApp business number on
the WhatsApp Business Cloud API: regional rooms relayed under aliases,
monthly forums and the ASM Academy. One process with SQLite; a hardened
systemd unit runs it as the delvex system user.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Shared-library dependencies as dpkg-shlibdeps finds them on the build machine, so one recipe fits Debian 12
# and 13 (each build names its own release's libraries).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The fonts are read at run time by cairo for the Academy certificate cards (shlibdeps finds cairo itself).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, ca-certificates, passwd, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
