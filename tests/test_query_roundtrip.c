/* The KQL and SPL backends against their own front ends: a query that parses is written back and
 * parses to the same IR, so no value can change the structure of the query written for it. The
 * inputs are the crashers fuzz/fuzz_queries found (tests/fuzz/queries/: the first byte chooses
 * the language, odd for KQL) and a few hand-made hostile values; each once failed this. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_roundtrip.h"
#include "support.h"

Test(query_roundtrip, fuzz_crashers_replay) {
  DIR *dir = opendir("tests/fuzz/queries");
  cr_assert(dir);
  size_t count = 0;
  for (struct dirent *e; (e = readdir(dir)) != NULL;) {
    if (e->d_name[0] == '.')
      continue;
    char path[512];
    snprintf(path, sizeof path, "tests/fuzz/queries/%s", e->d_name);
    size_t len;
    char *data = test_read_file(path, &len);
    cr_assert(data && len >= 1, "%s", path);
    char *why = NULL;
    bool written;
    cr_assert(query_round_trips(data[0] & 1, data + 1, len - 1, &written, &why), "%s: %s", path,
              why);
    free(data);
    count++;
  }
  closedir(dir);
  cr_assert(count >= 9, "the crashers are missing");
}

Test(query_roundtrip, hostile_values) {
  static const char *const kql[] = {
      "f:\"a\\\"b\\\\c\" and g:x\\*y* and h:(\\u006Eot or \\or or \\and)",
      "f:\"line\\nbreak\\ttab\" or not g:*",
      "f:*can\\u006Eot do* and \"a b\":c",
      NULL,
  };
  static const char *const spl[] = {
      "f=\"a\\\"b\\\\c\" g=\"x*y\" NOT h IN (\"a\", \"b*\")",
      "f!=v OR (g>5 h=*) | regex c=\"say \\\"hi\\\"\\\\d+\"",
      "\"*mimi katz*\" \"c-uri\"=\"/a\"",
      NULL,
  };
  for (int language = 0; language < 2; language++)
    for (const char *const *q = language ? kql : spl; *q; q++) {
      char *why = NULL;
      bool written;
      cr_assert(query_round_trips(language, *q, strlen(*q), &written, &why), "%s: %s", *q, why);
      cr_assert(written, "%s was not written back", *q);
    }
}
