/* Loading sources and mapping byte offsets to lines and columns. */
#include "base/source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Line breaks as YAML counts them: LF, CRLF and a lone CR each end a line. */
static void build_line_map(Arena *arena, Source *src) {
  size_t count = 1;
  for (size_t i = 0; i < src->len; i++)
    if (src->text[i] == '\n' ||
        (src->text[i] == '\r' && (i + 1 >= src->len || src->text[i + 1] != '\n')))
      count++;
  src->line_starts = arena_array(arena, count, sizeof(size_t));
  size_t line = 0;
  src->line_starts[line++] = 0;
  for (size_t i = 0; i < src->len; i++)
    if (src->text[i] == '\n' ||
        (src->text[i] == '\r' && (i + 1 >= src->len || src->text[i + 1] != '\n')))
      src->line_starts[line++] = i + 1;
  src->line_count = count;
}

Source *source_from_text(Arena *arena, const char *path, const char *text, size_t len) {
  Source *src = arena_alloc(arena, sizeof *src);
  src->path = arena_strdup(arena, path);
  src->text = arena_strndup(arena, text, len);
  src->len = len;
  build_line_map(arena, src);
  return src;
}

Source *source_from_file(Arena *arena, const char *path, size_t max_bytes, const char **error) {
  struct stat info;
  if (stat(path, &info) != 0) {
    *error = arena_printf(arena, "cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  if (S_ISDIR(info.st_mode)) {
    *error = arena_printf(arena, "'%s' is a directory", path);
    return NULL;
  }
  FILE *file = fopen(path, "rb");
  if (!file) {
    *error = arena_printf(arena, "cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  /* Start from st_size but keep reading past it: pipes and /proc files report 0 or too little. */
  size_t cap =
      S_ISREG(info.st_mode) && (size_t)info.st_size <= max_bytes ? (size_t)info.st_size + 1 : 4096;
  size_t len = 0;
  char *text = arena_alloc(arena, cap + 1);
  for (;;) {
    if (len == cap) {
      if (cap > max_bytes)
        break;
      text = arena_grow(arena, text, cap + 1, cap * 2 + 1, 1);
      cap *= 2;
    }
    size_t got = fread(text + len, 1, cap - len, file);
    len += got;
    if (got == 0)
      break;
  }
  int failed = ferror(file);
  fclose(file);
  if (failed) {
    *error = arena_printf(arena, "cannot read '%s'", path);
    return NULL;
  }
  if (len > max_bytes) {
    *error =
        arena_printf(arena, "'%s' is larger than the input limit of %zu bytes", path, max_bytes);
    return NULL;
  }
  Source *src = arena_alloc(arena, sizeof *src);
  src->path = arena_strdup(arena, path);
  text[len] = '\0';
  src->text = text;
  src->len = len;
  build_line_map(arena, src);
  return src;
}

static size_t line_index(const Source *src, size_t offset) {
  size_t lo = 0, hi = src->line_count;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (src->line_starts[mid] <= offset)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static int is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

void source_locate(const Source *src, size_t offset, size_t *line, size_t *column) {
  if (offset > src->len)
    offset = src->len;
  size_t index = line_index(src, offset);
  size_t chars = 0;
  for (size_t i = src->line_starts[index]; i < offset; i++)
    if (!is_continuation((unsigned char)src->text[i]))
      chars++;
  *line = index + 1 + src->first_line;
  *column = chars + 1;
}

static size_t line_end(const Source *src, size_t index) {
  size_t end = index + 1 < src->line_count ? src->line_starts[index + 1] : src->len;
  while (end > src->line_starts[index] &&
         (src->text[end - 1] == '\n' || src->text[end - 1] == '\r'))
    end--;
  return end;
}

size_t source_offset_at(const Source *src, size_t line0, size_t column0) {
  if (line0 < src->first_line || line0 - src->first_line >= src->line_count)
    return src->len;
  line0 -= src->first_line;
  size_t offset = src->line_starts[line0];
  size_t end = line_end(src, line0);
  size_t chars = 0;
  while (offset < end) {
    if (!is_continuation((unsigned char)src->text[offset])) {
      if (chars == column0)
        break;
      chars++;
    }
    offset++;
  }
  return offset;
}

void source_line(const Source *src, size_t line, const char **start, size_t *len) {
  if (line <= src->first_line || line - src->first_line > src->line_count) {
    *start = "";
    *len = 0;
    return;
  }
  size_t index = line - 1 - src->first_line;
  *start = src->text + src->line_starts[index];
  *len = line_end(src, index) - src->line_starts[index];
}

bool source_next_block(const Source *src, size_t *at,
                       bool (*separator)(const char *text, size_t start, size_t end), Span *block) {
  size_t start = src->len + 1, end = *at;
  while (*at < src->len) {
    const char *nl = memchr(src->text + *at, '\n', src->len - *at);
    size_t line_end = nl ? (size_t)(nl - src->text) : src->len;
    bool is_separator = separator(src->text, *at, line_end);
    if (is_separator && start <= src->len)
      break;
    if (!is_separator) {
      if (start > src->len)
        start = *at;
      end = line_end;
    }
    *at = nl ? line_end + 1 : src->len;
  }
  if (start > src->len)
    return false;
  *block = (Span){start, end};
  return true;
}
