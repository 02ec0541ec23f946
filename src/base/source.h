/* Source files and line maps: diagnostics point into these by byte offset. */
#ifndef SIGMAC_BASE_SOURCE_H
#define SIGMAC_BASE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "sigmac/source.h"

/* Wraps len bytes of text (copied into arena) as a source named path (also copied). */
Source *source_from_text(Arena *arena, const char *path, const char *text, size_t len);

/* Reads the file at path into arena. On failure returns NULL and sets *error to a message in arena
 * (the file is missing, unreadable, a directory, or over max_bytes). */
Source *source_from_file(Arena *arena, const char *path, size_t max_bytes, const char **error);

/* 1-based line and column of a byte offset; columns count characters (UTF-8 code points). */
void source_locate(const Source *src, size_t offset, size_t *line, size_t *column);

/* Byte offset of 0-based line and 0-based character column (libyaml marks), clamped to the line. */
size_t source_offset_at(const Source *src, size_t line0, size_t column0);

/* The next block of a file of queries from *at: its lines up to the next separator line
 * (separator(text, start, end) says whether the line text[start..end) is one: blank lines,
 * comment lines), leading separators skipped. False when no block is left; *at moves past it. */
bool source_next_block(const Source *src, size_t *at,
                       bool (*separator)(const char *text, size_t start, size_t end), Span *block);

/* The text of 1-based line (without its line break). */
void source_line(const Source *src, size_t line, const char **start, size_t *len);

#endif
