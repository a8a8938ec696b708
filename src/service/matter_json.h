/*
 * service/matter_json — struct matter (domain/matter.h) to and from JSON: the
 * one format used both for the API and for storage (list_item.body). The
 * schema is in docs/lists.md.
 *
 * Writing is canonical: every field present (guide null when there is none),
 * keys sorted, no spaces, UTF-8 as is. The same matter always gives the same
 * bytes, so a version's content hash (SHA-256 over the canonical JSON array
 * of its matters) identifies it.
 *
 * Reading is strict: unknown keys, wrong types and strings longer than their
 * field are refused with a code and a zh-CN message naming the field;
 * booleans default to false, av_requirement to "none", optional texts to "",
 * arrays to empty. Reading checks form only: matter_validate checks the rules.
 */
#ifndef SX_SERVICE_MATTER_JSON_H
#define SX_SERVICE_MATTER_JSON_H

#include <jansson.h>

#include "base/error.h"
#include "domain/matter.h"

/*
 * Reads one matter from a JSON object. *out is owned by the caller
 * (matter_clear), also on error (then it is zeroed or partly filled: clear it).
 * SX_EINVALID "bad_matter" with the field in the message; SX_ENOMEM.
 */
int matter_json_read(struct matter *out, const json_t *obj, struct sx_error *err);

/* The matter as a new JSON object (caller json_decref's); NULL on ENOMEM. */
json_t *matter_json_write(const struct matter *m);

/* Canonical text of the matter: *out from sx_malloc (caller sx_free), NUL-terminated. */
int matter_json_canonical(char **out, size_t *len, const struct matter *m, struct sx_error *err);

/* Parses canonical text back (what the store holds). */
int matter_json_parse(struct matter *out, const char *text, size_t len, struct sx_error *err);

#endif
