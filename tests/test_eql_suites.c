/* Conformance of the evaluator with the EQL engines' own test suites: each query of Elasticsearch's
 * EQL QA suites (../shared/corpus/eql-es) over its data set, and each query of the Endgame suite
 * (../shared/corpus/eql/test_queries.json) over test_data.json, must return exactly the expected
 * event ids. The data are loaded as Elasticsearch's DataLoader loads them (Windows filetimes turned
 * into @timestamp), each data set with its index mapping (sigmac --index-mapping: the aliases
 * event.category -> event_type, null values, date formats, version fields).
 *
 * The Endgame suite's expectations come from a case-insensitive engine (flags say when they hold
 * case-sensitively too); sigmac runs Elasticsearch's semantics, and where they differ
 * Elasticsearch wins: such cases are listed as exceptions, with the result Elasticsearch gives.
 *
 * The cases that do not pass are listed, with their reasons, in tests/eql_suite_exceptions.tsv
 * (and docs/evaluation.md): the test fails when a case outside that list fails, and when a listed
 * case passes, so that the list stays exact. Skipped, with a message, without ../shared/corpus. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sigmac/sigmac.h"
#include "support.h"

/* How a data set's documents are changed before indexing (DataLoader's transforms). */
typedef enum Transform {
  AS_IS,
  FILETIME_TO_MILLIS, /* @timestamp = the Windows filetime 'timestamp' in epoch milliseconds */
  FILETIME_AS_NANOS,  /* @timestamp = 'timestamp' read as epoch nanoseconds */
} Transform;

typedef struct Suite {
  const char *queries; /* relative to the corpus folder */
  const char *data[4]; /* data files, each with its .mapping beside it (eql-es/data) */
  Transform transform;
  const char *tiebreaker; /* NULL: none */
  const char *id_field;   /* the field the expected ids are read from */
  const char *syntax;     /* "endgame" for the Endgame suite */
} Suite;

static const Suite suites[] = {
    {"eql-es/test_queries.json",
     {"@endgame"},
     FILETIME_TO_MILLIS,
     "serial_event_id",
     "serial_event_id",
     NULL},
    {"eql-es/additional_test_queries.json",
     {"@endgame"},
     FILETIME_TO_MILLIS,
     "serial_event_id",
     "serial_event_id",
     NULL},
    {"eql-es/test_queries_date.json",
     {"@endgame"},
     FILETIME_TO_MILLIS,
     "serial_event_id",
     "serial_event_id",
     NULL},
    {"eql-es/test_queries_date_nanos.json",
     {"@endgame"},
     FILETIME_AS_NANOS,
     "serial_event_id",
     "serial_event_id",
     NULL},
    {"eql-es/test_extra.json", {"extra"}, AS_IS, "sequence", "sequence", NULL},
    {"eql-es/test_missing_events.json", {"missing-events"}, AS_IS, "sequence", "sequence", NULL},
    {"eql-es/test_sample.json", {"sample1", "sample2", "sample3"}, AS_IS, NULL, "id", NULL},
    {"eql-es/test_sample_multi.json", {"sample-multi"}, AS_IS, NULL, "id", NULL},
    {"eql-es/test_failing_shards.json",
     {"@endgame", "endgame-shard-failures"},
     FILETIME_TO_MILLIS,
     "serial_event_id",
     "serial_event_id",
     NULL},
    {"eql/test_queries.json",
     {"@endgame"},
     FILETIME_TO_MILLIS,
     "serial_event_id",
     "serial_event_id",
     "endgame"},
};

/* ---- data sets ------------------------------------------------------------------------------- */

/* Reads a JSON file whose lines may be '//' comments (missing-events.data has some). */
static json_t *load_json(const char *path) {
  char *text = test_read_file(path, NULL);
  if (!text)
    return NULL;
  for (char *line = text; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0)) {
    char *start = line + strspn(line, " \t");
    if (start[0] == '/' && start[1] == '/')
      memset(start, ' ', strcspn(start, "\n"));
  }
  json_error_t error;
  json_t *root = json_loads(text, 0, &error);
  free(text);
  return root;
}

static void transform(json_t *doc, Transform how) {
  json_t *filetime = json_object_get(doc, "timestamp");
  if (how == FILETIME_TO_MILLIS && json_is_integer(filetime)) {
    json_int_t millis = json_integer_value(filetime) / 10000 - 11644473600000LL;
    json_object_set_new(doc, "@timestamp", json_integer(millis));
  } else if (how == FILETIME_AS_NANOS && json_is_integer(filetime)) {
    char digits[32], text[40];
    snprintf(digits, sizeof digits, "%lld", (long long)json_integer_value(filetime));
    const char *fraction = digits + 12;
    snprintf(text, sizeof text, "%.12s%s%s", digits, strcmp(fraction, "000000") ? "." : "",
             strcmp(fraction, "000000") ? fraction : "");
    json_object_set_new(doc, "@timestamp", json_string(text));
    json_object_set_new(doc, "timestamp", json_integer(json_integer_value(filetime) / 1000000));
  }
}

typedef struct DataSet {
  char dir[64];
  char paths[4][96];      /* one NDJSON file per data set: event queries stream them */
  char mappings[4][4096]; /* each one's index mapping */
  size_t files;
  long long *ids; /* the id of each event, in input order across the files */
  size_t count;
} DataSet;

/* Writes each of the suite's data sets, transformed as DataLoader does, one document per line;
 * the index mapping (aliases, null values, date formats) is applied by sigmac itself. */
static bool write_data(const char *corpus, const Suite *suite, DataSet *out) {
  strcpy(out->dir, "/tmp/sigmac-eql-suite-XXXXXX");
  if (!mkdtemp(out->dir))
    return false;
  out->ids = NULL;
  out->count = out->files = 0;
  for (size_t d = 0; d < 4 && suite->data[d]; d++, out->files++) {
    bool endgame = strcmp(suite->data[d], "@endgame") == 0;
    char path[4096];
    snprintf(path, sizeof path, endgame ? "%s/eql/test_data.json" : "%s/eql-es/data/%s.data",
             corpus, suite->data[d]);
    snprintf(out->mappings[d], sizeof out->mappings[d], "%s/eql-es/data/%s.mapping", corpus,
             !endgame                                ? suite->data[d]
             : suite->transform == FILETIME_AS_NANOS ? "endgame-140-nanos"
                                                     : "endgame-140");
    snprintf(out->paths[d], sizeof out->paths[d], "%s/events%zu.ndjson", out->dir, d);
    FILE *file = fopen(out->paths[d], "w");
    json_t *docs = load_json(path);
    cr_assert(file && json_is_array(docs), "%s is not a JSON array", path);
    out->ids = realloc(out->ids, (out->count + json_array_size(docs)) * sizeof(long long));
    size_t i;
    json_t *doc;
    json_array_foreach(docs, i, doc) {
      transform(doc, suite->transform);
      json_t *id = json_object_get(doc, suite->id_field);
      out->ids[out->count++] = json_is_integer(id) ? (long long)json_integer_value(id) : -2;
      char *line = json_dumps(doc, JSON_COMPACT);
      fprintf(file, "%s\n", line);
      free(line);
    }
    json_decref(docs);
    if (fclose(file) != 0)
      return false;
  }
  return true;
}

/* ---- running a case ------------------------------------------------------------------------ */

typedef struct Outcome {
  char ids[2048]; /* the ids returned, "[1, 2, -1]", or why there are none */
  bool ran;
} Outcome;

static Outcome run_query(const Suite *suite, const DataSet *data, const json_t *spec) {
  const char *query = json_string_value(json_object_get(spec, "query"));
  Outcome result = {{0}, false};
  SigmacSession *session = sigmac_session_new();
  const json_t *size = json_object_get(spec, "size");
  const json_t *per_key = json_object_get(spec, "max_samples_per_key");
  sigmac_set_search_limits(session, json_is_integer(size) ? json_integer_value(size) : -1,
                           json_is_integer(per_key) ? json_integer_value(per_key) : 1);
  if (suite->syntax)
    sigmac_set_eql_syntax(session, suite->syntax);
  sigmac_set_event_fields(session, "event.category", "@timestamp", suite->tiebreaker);
  char *out = NULL;
  bool ok = sigmac_add_text(session, "query.eql", query, strlen(query));
  for (size_t f = 0; f < data->files; f++)
    ok = ok && sigmac_set_index_mapping(session, data->mappings[f]) &&
         sigmac_add_events(session, data->paths[f]);
  ok = ok && sigmac_finish(session) && sigmac_test(session, "json", &out);
  json_t *root = ok ? json_loads(out, 0, NULL) : NULL;
  json_t *matches = json_object_get(json_array_get(json_object_get(root, "rules"), 0), "matches");
  if (!json_is_array(matches)) {
    char *why = sigmac_render_diagnostics(session);
    snprintf(result.ids, sizeof result.ids, "not run: %.*s", (int)strcspn(why, "\n"), why);
    free(why);
  } else {
    size_t used = 0, i, j;
    json_t *chain, *event;
    used += (size_t)snprintf(result.ids, sizeof result.ids, "[");
    json_array_foreach(matches, i, chain) {
      json_array_foreach(chain, j, event) {
        json_t *index = json_object_get(event, "index");
        long long id = json_is_integer(index) ? data->ids[json_integer_value(index)] : -1;
        if (used < sizeof result.ids)
          used += (size_t)snprintf(result.ids + used, sizeof result.ids - used, "%s%lld",
                                   i || j ? ", " : "", id);
      }
    }
    if (used < sizeof result.ids)
      snprintf(result.ids + used, sizeof result.ids - used, "]");
    result.ran = true;
  }
  json_decref(root);
  free(out);
  sigmac_session_free(session);
  return result;
}

static void ids_text(const json_t *ids, char *text, size_t size) {
  size_t used = (size_t)snprintf(text, size, "[");
  size_t i;
  json_t *id;
  json_array_foreach(ids, i, id) {
    if (json_is_array(id) && used < size) { /* alternatives: shown one after the other */
      used += (size_t)snprintf(text + used, size - used, "%s", i ? " or " : "");
      ids_text(id, text + used, size - used);
      used += strlen(text + used);
    } else if (used < size) {
      used += (size_t)snprintf(text + used, size - used, "%s%lld", i ? ", " : "",
                               (long long)json_integer_value(id));
    }
  }
  if (used < size)
    snprintf(text + used, size - used, "]");
}

/* Expected ids: a list, or a list of lists of which any one is right. */
static bool as_expected(const json_t *expected, const char *got) {
  char text[2048];
  if (json_array_size(expected) && json_is_array(json_array_get(expected, 0))) {
    size_t i;
    json_t *alternative;
    json_array_foreach(expected, i, alternative) {
      ids_text(alternative, text, sizeof text);
      if (strcmp(text, got) == 0)
        return true;
    }
    return false;
  }
  ids_text(expected, text, sizeof text);
  return strcmp(text, got) == 0;
}

/* ---- the known exceptions -------------------------------------------------------------------- */

typedef struct Exception {
  char *suite, *name, *reason;
  bool seen;
} Exception;

static Exception exceptions[512];
static size_t exception_count;

static void load_exceptions(void) {
  char *text = test_read_file("tests/eql_suite_exceptions.tsv", NULL);
  cr_assert(text, "tests/eql_suite_exceptions.tsv is missing");
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#' || exception_count == 512)
      continue;
    char *name = strchr(line, '\t');
    char *reason = name ? strchr(name + 1, '\t') : NULL;
    if (!reason)
      continue;
    exceptions[exception_count++] =
        (Exception){strndup(line, (size_t)(name - line)),
                    strndup(name + 1, (size_t)(reason - name - 1)), strdup(reason + 1), false};
  }
  free(text);
}

static Exception *exception_for(const char *suite, const char *name) {
  for (size_t i = 0; i < exception_count; i++)
    if (strcmp(exceptions[i].suite, suite) == 0 && strcmp(exceptions[i].name, name) == 0)
      return &exceptions[i];
  return NULL;
}

/* A case's name: its name, or its position in the suite. */
static void case_name(const json_t *spec, size_t index, char *name, size_t size) {
  const char *given = json_string_value(json_object_get(spec, "name"));
  if (given)
    snprintf(name, size, "%s", given);
  else
    snprintf(name, size, "#%zu", index + 1);
}

static size_t unexpected;

static void run_suite(const char *corpus, const Suite *suite) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", corpus, suite->queries);
  json_t *root = json_load_file(path, 0, NULL);
  json_t *specs = json_object_get(root, "queries");
  cr_assert(json_is_array(specs), "%s has no queries", path);
  DataSet data;
  cr_assert(write_data(corpus, suite, &data), "cannot write the data of %s", suite->queries);
  size_t passed = 0, failed = 0, skipped = 0, i;
  json_t *spec;
  json_array_foreach(specs, i, spec) {
    if (json_is_true(json_object_get(spec, "expect_shard_failures"))) {
      skipped++; /* failing shards are a cluster's; one process over one data set has none */
      continue;
    }
    char name[256];
    case_name(spec, i, name, sizeof name);
    Exception *known = exception_for(suite->queries, name);
    Outcome got = run_query(suite, &data, spec);
    bool ok = got.ran && as_expected(json_object_get(spec, "expected_event_ids"), got.ids);
    ok ? passed++ : failed++;
    if (known)
      known->seen = true;
    if (ok && known) {
      printf("%s %s: passes now; remove it from tests/eql_suite_exceptions.tsv\n", suite->queries,
             name);
      unexpected++;
    } else if (!ok && !known) {
      char expected[2048];
      ids_text(json_object_get(spec, "expected_event_ids"), expected, sizeof expected);
      printf("%s %s: expected %s, got %s\n  %s\n", suite->queries, name, expected, got.ids,
             json_string_value(json_object_get(spec, "query")));
      unexpected++;
    }
  }
  printf("%s: %zu passed, %zu failed", suite->queries, passed, failed);
  printf(skipped ? ", %zu skipped (they expect shard failures)\n" : "\n", skipped);
  fflush(stdout);
  for (size_t f = 0; f < data.files; f++)
    unlink(data.paths[f]);
  rmdir(data.dir);
  free(data.ids);
  json_decref(root);
}

Test(eql_suites, every_query_returns_its_expected_events, .timeout = 600) {
  const char *corpus = test_corpus_dir();
  if (!corpus)
    cr_skip("../shared/corpus is absent: the EQL conformance suites are skipped");
  load_exceptions();
  for (size_t s = 0; s < sizeof suites / sizeof suites[0]; s++)
    run_suite(corpus, &suites[s]);
  for (size_t i = 0; i < exception_count; i++) {
    if (!exceptions[i].seen) {
      printf("tests/eql_suite_exceptions.tsv: no case %s in %s\n", exceptions[i].name,
             exceptions[i].suite);
      unexpected++;
    }
    free(exceptions[i].suite), free(exceptions[i].name), free(exceptions[i].reason);
  }
  fflush(stdout);
  cr_assert_eq(unexpected, 0, "%zu cases differ from tests/eql_suite_exceptions.tsv", unexpected);
}
