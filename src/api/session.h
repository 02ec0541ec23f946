/* The session behind the public API (include/sigmac/sigmac.h), shared by the files of src/api/
 * that implement it. */
#ifndef SIGMAC_API_SESSION_H
#define SIGMAC_API_SESSION_H

#include "base/arena.h"
#include "base/diag.h"
#include "base/strbuf.h"
#include "emit/emit.h"
#include "eql/eql.h"
#include "eval/evaluate.h"
#include "eval/expect.h"
#include "eval/index_mapping.h"
#include "eval/stream.h"
#include "schema/mapping.h"
#include "sigma/sigma.h"
#include "sigmac/sigmac.h"

struct SigmacSession {
  Arena arena; /* sources, rules and diagnostics of the whole run */
  DiagSink diags;
  IrRuleSet rules;
  SigmaOptions sigma;
  SigmaPlaceholders placeholders;
  Mapping *mapping;    /* NULL until chosen or first needed */
  bool mapping_chosen; /* by sigmac_set_mapping(), not taken as a default */
  EqlOptions eql;
  EventSet events;
  EvalFields fields; /* which event fields hold category, time and tiebreaker */
  SearchLimits limits;
  Expectations *expected; /* sigmac_test() compares with them; NULL: none */
  StreamInput *streams;   /* NDJSON event files not read yet: sigmac_test() streams them */
  size_t stream_count;
  const IndexMapping *index_mapping; /* of the events files added next (index_mapping.h) */
  EmitMeta meta;                     /* metadata flags for rules that have none (EQL) */
  const char *from; /* the front end for every input ("sigma", "eql", "elastic"), or NULL: by
                       file name */
  const Source **sigma_sources; /* the Sigma YAML files added, for sigmac_lint() */
  size_t sigma_source_count;
  /* conversions (convert.c): the rules as mapped for the last target, and what became of them */
  IrRuleSet mapped;
  const Mapping *mapped_with; /* the mapping of mapped, or NULL: not mapped yet */
  size_t converted, refused;
  SigmacProgressFn progress; /* long runs say how far they are; NULL: not */
  void *progress_user;
  struct FileRules *files;          /* sorted by path, for sigmac_convert_file() (convert.c) */
  size_t file_count, files_indexed; /* files_indexed: rules.count when files was built */
};

/* The mapping to use when the caller chose none: name, kept until one is chosen. */
bool session_default_mapping(SigmacSession *session, const char *name);

/* Hands a StrBuf's text to the caller as a malloc'd string ("" when empty). */
char *session_take(StrBuf *sb);

#endif
