/* Text inside XML (JUnit reports): markup characters as entities, and the control characters
 * XML 1.0 forbids replaced, so no rule text can break the document. */
#ifndef SIGMAC_BASE_XML_H
#define SIGMAC_BASE_XML_H

#include "base/strbuf.h"

void xml_text(StrBuf *out, const char *text);

#endif
