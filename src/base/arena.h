/* Arena allocation: one lifetime for many objects, freed at once.
 *
 * Two arenas exist per compilation: the session arena (interned names, loaded sources, schema) and
 * a rule arena (YAML tree, IR, diagnostics text) that dies with the rule. Nothing allocated here is
 * freed on its own. Foreign objects (libyaml documents, pcre2_code, json_t) are handed to the arena
 * with arena_on_free() so that they die with it. */
#ifndef SIGMAC_BASE_ARENA_H
#define SIGMAC_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ArenaBlock ArenaBlock;
typedef struct ArenaCleanup ArenaCleanup;

typedef struct Arena {
  ArenaBlock *blocks;     /* newest block first; allocation bumps inside the newest */
  ArenaCleanup *cleanups; /* run in reverse order of registration by arena_free() */
  size_t bytes_used;      /* payload bytes handed out, for limits and benchmarks */
} Arena;

/* Prepares an empty arena; no memory is taken until the first allocation. */
void arena_init(Arena *arena);

/* Runs the registered cleanups, then releases every block. The arena may be reused after. */
void arena_free(Arena *arena);

/* Returns size zeroed bytes aligned for any object, owned by the arena. Aborts on out-of-memory:
 * the library has no way to go on without memory, and a partial result would be worse. */
void *arena_alloc(Arena *arena, size_t size);

/* Arrays: n elements of size each, zeroed; overflow of n*size aborts like out-of-memory. */
void *arena_array(Arena *arena, size_t n, size_t size);

/* A large table of size zeroed bytes that is read at random (hash tables of megabytes): on
 * Linux it is asked for in huge pages, so that each look-up does not also miss the TLB. */
void *arena_table(Arena *arena, size_t size);

/* Grows an array owned by the arena from old_n to new_n elements (the old copy stays allocated). */
void *arena_grow(Arena *arena, void *old, size_t old_n, size_t new_n, size_t size);

/* Room for one more element in an array of count elements that only ever grows through this
 * function (from NULL and 0): the array itself, or a copy twice as large when count is a power of
 * two. The capacity needs no field of its own, and a list of n values costs linear memory, where
 * arena_grow(..., count, count + 1, ...) would cost quadratic (an arena frees nothing). */
void *arena_push_slot(Arena *arena, void *array, size_t count, size_t size);

/* Copies len bytes and a terminating NUL into the arena. The copy may hold NUL bytes. */
char *arena_strndup(Arena *arena, const char *text, size_t len);
char *arena_strdup(Arena *arena, const char *text);

/* printf into the arena. */
char *arena_printf(Arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *arena, const char *fmt, va_list args);

/* Registers fn(object) to run when the arena is freed: ownership of object passes to the arena. */
void arena_on_free(Arena *arena, void (*fn)(void *), void *object);

#endif
