# Writes OUTPUT, a C++ table of the preset cluster descriptions (one JSON
# file each in PRESETS, separated by ","), so that loadCluster finds them by name
# wherever the binary runs.
string(REPLACE "," ";" PRESETS "${PRESETS}")
set(text "// Generated from targets/cluster/presets/ by EmbedPresets.cmake.\n")
string(APPEND text "struct ClusterPreset {\n  const char *name;\n  const char *text;\n};\n")
string(APPEND text "const ClusterPreset kClusterPresets[] = {\n")
foreach(preset ${PRESETS})
  get_filename_component(name ${preset} NAME_WE)
  file(READ ${preset} json)
  string(APPEND text "    {\"${name}\", R\"lcpcluster(${json})lcpcluster\"},\n")
endforeach()
string(APPEND text "};\n")
file(WRITE ${OUTPUT}.tmp "${text}")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
