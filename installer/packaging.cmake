# Desktop integration files, the man page, and the Debian package (cpack -G DEB in the build folder).
include(GNUInstallDirs)

install(FILES ${CMAKE_SOURCE_DIR}/resources/sluice.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/io.github.sluice.Sluice.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/resources/icons/hicolor DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/sluice RENAME copyright)
install(FILES ${CMAKE_SOURCE_DIR}/installer/sluicectl.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME sluicectl)

# The man page is made from `sluicectl --help`, so the two never disagree.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(SLUICE_MAN ${CMAKE_BINARY_DIR}/sluicectl.1)
  add_custom_command(OUTPUT ${SLUICE_MAN}.gz
    COMMAND ${HELP2MAN} --no-info --section=1 --name=sluice\ command\ line:\ sync\ data\ into\ a\ database
            --version-string=${PROJECT_VERSION} --output=${SLUICE_MAN} $<TARGET_FILE:sluicectl>
    COMMAND gzip -9nf ${SLUICE_MAN}
    DEPENDS sluicectl
    COMMENT "Generating the sluicectl man page")
  add_custom_target(manpage ALL DEPENDS ${SLUICE_MAN}.gz)
  install(FILES ${SLUICE_MAN}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

set(CPACK_GENERATOR DEB)
# The build is optimised with debug info (the dev preset); the package carries the optimised code only.
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_NAME sluice)
set(CPACK_PACKAGE_VENDOR "The Sluice developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Desktop data-sync manager with Airbyte semantics")
set(CPACK_PACKAGE_DESCRIPTION "Sluice copies data from files, databases, HTTP APIs and Airbyte connectors into
 SQLite or PostgreSQL, stream by stream, with refreshes, data generations and resumable syncs.
 It has a Qt desktop app and a command line, sluicectl.")
set(CPACK_PACKAGE_CONTACT "The Sluice developers <sluice@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Plugins are loaded at run time, so shlibdeps cannot see them: the xcb platform and the SVG icons.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6gui6, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-client")
set(CPACK_STRIP_FILES ON)
include(CPack)
