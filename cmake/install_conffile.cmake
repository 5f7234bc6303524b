# Installs one configuration file under /etc (or the prefix's sysconfdir) without
# overwriting the administrator's edits. Called at install time from CMakeLists.txt
# (warsha_install_file ... CONFFILE) with:
#   WARSHA_CONFFILE_SRC   the file to install (paths already swapped for the prefix)
#   WARSHA_CONFFILE_DIR   its directory on the host (absolute; DESTDIR is added here)
#   WARSHA_CONFFILE_NAME  its name there
# A missing file is installed; an identical one is left alone; a changed one is kept and
# the new version is written beside it as NAME.dpkg-dist (a suffix nginx's, Apache's and
# logrotate's include patterns all skip), to compare and merge by hand.
set(dest "$ENV{DESTDIR}${WARSHA_CONFFILE_DIR}/${WARSHA_CONFFILE_NAME}")
set(name "${WARSHA_CONFFILE_NAME}")
if(EXISTS "${dest}")
  file(READ "${dest}" have)
  file(READ "${WARSHA_CONFFILE_SRC}" new)
  if(have STREQUAL new)
    message(STATUS "Up-to-date: ${dest}")
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${WARSHA_CONFFILE_DIR}/${WARSHA_CONFFILE_NAME}")
    return()
  endif()
  set(name "${WARSHA_CONFFILE_NAME}.dpkg-dist")
  message(NOTICE "-- Kept: ${dest} (changed here); the new version is "
    "${WARSHA_CONFFILE_NAME}.dpkg-dist beside it: compare and merge by hand")
endif()
# file(INSTALL) adds DESTDIR itself and records the file in install_manifest.txt.
file(INSTALL DESTINATION "${WARSHA_CONFFILE_DIR}" TYPE FILE
  FILES "${WARSHA_CONFFILE_SRC}" RENAME "${name}")
