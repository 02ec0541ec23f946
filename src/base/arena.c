/* Bump allocation in growing blocks, with cleanup hooks for foreign objects. */
#define _DEFAULT_SOURCE /* madvise */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

enum { ARENA_MIN_BLOCK = 64 * 1024, ARENA_ALIGN = 16 };

struct ArenaBlock {
  ArenaBlock *next;
  size_t used;     /* bytes of data[] handed out */
  size_t capacity; /* bytes of data[] */
  _Alignas(16) unsigned char data[];
};

struct ArenaCleanup {
  ArenaCleanup *next;
  void (*fn)(void *);
  void *object;
};

static void out_of_memory(void) {
  fputs("sigmac: out of memory\n", stderr);
  abort();
}

void arena_init(Arena *arena) { memset(arena, 0, sizeof *arena); }

void arena_free(Arena *arena) {
  for (ArenaCleanup *c = arena->cleanups; c; c = c->next)
    c->fn(c->object);
  ArenaBlock *block = arena->blocks;
  while (block) {
    ArenaBlock *next = block->next;
    free(block);
    block = next;
  }
  arena_init(arena);
}

static ArenaBlock *new_block(Arena *arena, size_t min_size) {
  size_t capacity = min_size > ARENA_MIN_BLOCK ? min_size : ARENA_MIN_BLOCK;
  ArenaBlock *block = malloc(sizeof(ArenaBlock) + capacity);
  if (!block)
    out_of_memory();
  block->used = 0;
  block->capacity = capacity;
  /* A big request gets its own block behind the current one, so the current keeps its free tail. */
  if (arena->blocks && min_size > ARENA_MIN_BLOCK / 4) {
    block->next = arena->blocks->next;
    arena->blocks->next = block;
  } else {
    block->next = arena->blocks;
    arena->blocks = block;
  }
  return block;
}

void *arena_alloc(Arena *arena, size_t size) {
  if (size > SIZE_MAX - ARENA_ALIGN)
    out_of_memory();
  size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if (size == 0)
    size = ARENA_ALIGN;
  ArenaBlock *block = arena->blocks;
  if (!block || block->capacity - block->used < size)
    block = new_block(arena, size);
  void *result = block->data + block->used;
  block->used += size;
  arena->bytes_used += size;
  memset(result, 0, size);
  return result;
}

void *arena_array(Arena *arena, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    out_of_memory();
  return arena_alloc(arena, n * size);
}

void *arena_table(Arena *arena, size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  enum { HUGE_PAGE = 2 * 1024 * 1024 };
  if (size >= HUGE_PAGE) {
    size_t rounded = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
    void *table = aligned_alloc(HUGE_PAGE, rounded);
    if (!table)
      out_of_memory();
    madvise(table, rounded, MADV_HUGEPAGE); /* advice: without it, ordinary pages */
    memset(table, 0, rounded);
    arena_on_free(arena, free, table);
    arena->bytes_used += rounded;
    return table;
  }
#endif
  return arena_alloc(arena, size);
}

void *arena_grow(Arena *arena, void *old, size_t old_n, size_t new_n, size_t size) {
  void *grown = arena_array(arena, new_n, size);
  if (old && old_n)
    memcpy(grown, old, (old_n < new_n ? old_n : new_n) * size);
  return grown;
}

void *arena_push_slot(Arena *arena, void *array, size_t count, size_t size) {
  if (count == 0 || (count & (count - 1)) == 0)
    return arena_grow(arena, array, count, count ? count * 2 : 1, size);
  return array;
}

char *arena_strndup(Arena *arena, const char *text, size_t len) {
  char *copy = arena_alloc(arena, len + 1);
  if (len)
    memcpy(copy, text, len);
  copy[len] = '\0';
  return copy;
}

char *arena_strdup(Arena *arena, const char *text) {
  return arena_strndup(arena, text, strlen(text));
}

char *arena_vprintf(Arena *arena, const char *fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  int len = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (len < 0)
    len = 0;
  char *text = arena_alloc(arena, (size_t)len + 1);
  vsnprintf(text, (size_t)len + 1, fmt, args);
  return text;
}

char *arena_printf(Arena *arena, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char *text = arena_vprintf(arena, fmt, args);
  va_end(args);
  return text;
}

void arena_on_free(Arena *arena, void (*fn)(void *), void *object) {
  ArenaCleanup *cleanup = arena_alloc(arena, sizeof *cleanup);
  cleanup->fn = fn;
  cleanup->object = object;
  cleanup->next = arena->cleanups;
  arena->cleanups = cleanup;
}
