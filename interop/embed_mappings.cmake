# Writes OUT: a C++ source defining kg::interop::events::ShippedMappings()
# from every DIR/NAME.json (mapping NAME). Run by interop/CMakeLists.txt.
file(GLOB files "${DIR}/*.json")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" text)
  string(APPEND body "      {\"${name}\", R\"kgmapping(${text})kgmapping\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
"// Generated from interop/mappings/*.json by interop/embed_mappings.cmake.
#include \"interop/events_mapping.h\"

namespace kg::interop::events {

const std::map<std::string, std::string>& ShippedMappings() {
  static const auto* const kMappings = new std::map<std::string, std::string>{
${body}  };
  return *kMappings;
}

}  // namespace kg::interop::events
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
