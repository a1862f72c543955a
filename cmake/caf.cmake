# Debian's libcaf-dev (CAF 0.17.6) ships no CMake config and no pkg-config file:
# find the headers and the three libraries by hand and wrap them in imported targets.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
find_library(CAF_OPENSSL_LIBRARY caf_openssl REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)

foreach(part core io openssl)
  string(TOUPPER ${part} upper)
  add_library(caf::${part} UNKNOWN IMPORTED)
  set_target_properties(caf::${part} PROPERTIES
    IMPORTED_LOCATION "${CAF_${upper}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}")
endforeach()
set_property(TARGET caf::core PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
set_property(TARGET caf::io PROPERTY INTERFACE_LINK_LIBRARIES caf::core)
set_property(TARGET caf::openssl PROPERTY INTERFACE_LINK_LIBRARIES
  caf::io OpenSSL::SSL OpenSSL::Crypto)
