#ifndef GUGUS_CSPAWN_H
#define GUGUS_CSPAWN_H

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module does not import
/// (it needs _GNU_SOURCE): the child keeps only the descriptors below `from`.
int cspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
