/* The KQL and SPL round trip (query_roundtrip.h). */
#include "query_roundtrip.h"

#include <stdlib.h>
#include <string.h>

#include "base/source.h"
#include "emit/emit.h"
#include "ir/ir_build.h"
#include "ir/ir_json.h"
#include "kql/kql.h"
#include "spl/spl.h"

static IrRule *compile(Arena *arena, bool kql, const char *text, size_t len) {
  DiagSink diags;
  diag_sink_init(&diags, arena);
  Source *src = source_from_text(arena, "<query>", text, len);
  IrNode *where;
  if (kql) {
    KqlNode *tree = kql_parse(arena, src, (Span){0, src->len}, NULL, &diags);
    where = tree ? kql_lower(arena, src, tree, NULL, &diags) : NULL;
  } else {
    where = spl_parse(arena, src, (Span){0, src->len}, 100, &diags);
  }
  return where ? ir_event_rule(arena, kql ? IR_LANG_KQL : IR_LANG_SPL, src, (Span){0, src->len}, 0,
                               "ecs", where)
               : NULL;
}

static char *json_of(IrRule *rule) {
  IrRuleSet set = {&rule, 1, 1};
  StrBuf out = STRBUF_INIT;
  ir_json_write(&set, &out);
  return out.data;
}

/* The rule written by the language's backend and parsed again, or NULL (refused: *refused set;
 * or not parsing back). */
static IrRule *written_again(Arena *arena, bool kql, IrRule *rule, bool *refused, char **text) {
  DiagSink diags;
  diag_sink_init(&diags, arena);
  IrRuleSet set = {&rule, 1, 1};
  EmitMeta meta = {0};
  EmitCtx ctx = {arena, &diags, NULL, &set, &set, &meta, false, 0, 0, 0, 0};
  StrBuf written = STRBUF_INIT;
  *refused = !emit_backend(kql ? "kql" : "spl")->query(&ctx, 0, &written);
  IrRule *again = *refused ? NULL : compile(arena, kql, sb_text(&written), written.len);
  *text = arena_strdup(arena, sb_text(&written));
  sb_free(&written);
  return again;
}

bool query_round_trips(bool kql, const char *text, size_t len, bool *written_back, char **why) {
  Arena arena;
  arena_init(&arena);
  bool ok = true, refused;
  char *written;
  *written_back = false;
  IrRule *rule = compile(&arena, kql, text, len);
  IrRule *again = rule ? written_again(&arena, kql, rule, &refused, &written) : NULL;
  if (rule && !refused) {
    *written_back = true;
    /* What search cannot say goes after a pipe as a regex, which parses back as one: the query
       means the same in another form, so the form must then hold from the next trip on. */
    if (again && !kql && strchr(written, '|')) {
      rule = again;
      again = written_again(&arena, kql, rule, &refused, &written);
    }
    char *first = json_of(rule), *second = again ? json_of(again) : NULL;
    ok = !refused && second && strcmp(first, second) == 0;
    if (!ok)
      *why = strdup(second ? second : "(does not parse back, or refused the second time)");
    free(first);
    free(second);
  }
  arena_free(&arena);
  return ok;
}

void query_file_parses(bool kql, const char *text, size_t len) {
  Arena arena;
  arena_init(&arena);
  DiagSink diags;
  diag_sink_init(&diags, &arena);
  Source *src = source_from_text(&arena, "<queries>", text, len);
  IrRuleSet rules = {0};
  if (kql)
    kql_compile(&arena, src, NULL, NULL, &diags, &rules);
  else
    spl_compile(&arena, src, &diags, &rules);
  arena_free(&arena);
}
