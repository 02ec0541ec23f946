/* Data files compiled into the library by tools/embed.c (see CMakeLists.txt). Each array is
 * NUL-terminated; _len does not count the NUL. */
#ifndef SIGMAC_SCHEMA_EMBEDDED_H
#define SIGMAC_SCHEMA_EMBEDDED_H

#include <stddef.h>

extern const unsigned char embedded_ecs_fields[];
extern const size_t embedded_ecs_fields_len;
extern const unsigned char embedded_mapping_ecs_windows[];
extern const size_t embedded_mapping_ecs_windows_len;
extern const unsigned char embedded_mapping_splunk_windows[];
extern const size_t embedded_mapping_splunk_windows_len;
extern const unsigned char embedded_mapping_splunk_cim[];
extern const size_t embedded_mapping_splunk_cim_len;
extern const unsigned char embedded_sigma_schema_detection[];
extern const size_t embedded_sigma_schema_detection_len;
extern const unsigned char embedded_sigma_schema_correlation[];
extern const size_t embedded_sigma_schema_correlation_len;
extern const unsigned char embedded_index_patterns[];
extern const size_t embedded_index_patterns_len;
extern const unsigned char embedded_sigma_taxonomy[];
extern const size_t embedded_sigma_taxonomy_len;
extern const unsigned char embedded_sigma_schema_filter[];
extern const size_t embedded_sigma_schema_filter_len;
extern const unsigned char embedded_attack[];
extern const size_t embedded_attack_len;
extern const unsigned char embedded_evtx_logsources[];
extern const size_t embedded_evtx_logsources_len;

#endif
