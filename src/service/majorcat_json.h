/*
 * service/majorcat_json — the catalog of major enforcement decisions
 * (重大执法决定法制审核目录清单, domain/majorcat.h) to and from JSON: the text an
 * agency's staff send and the store keeps. The shape is documented in
 * domain/majorcat.h: {"rules": [{"id", "title", "kind", "acts",
 * "threshold_fen", "party_type", "matter_codes", "basis"}, …]}.
 *
 * Writing is canonical: keys sorted, no spaces, UTF-8 as is, every field of
 * every rule present, "acts" as majorcat_act_code words in enum order,
 * "matter_codes" in stored order. The same catalog always gives the same
 * bytes, so a hash of the text identifies the catalog.
 *
 * Reading is strict: the whole form is checked (unknown, missing or
 * duplicate keys, wrong types, strings longer than their field, numbers that
 * are not integers or are out of range, unknown kind or act words), then the
 * rules themselves with majorcat_validate. A catalog that reads is valid.
 *
 * Invariant: parse(canonical(c)) gives c again, and canonical of that is
 * byte-identical to canonical(c).
 *
 * Rules come from 《行政处罚法》第五十八条 and 国办发〔2018〕118号 (see
 * domain/majorcat.h); this module adds none of its own.
 */
#ifndef SX_SERVICE_MAJORCAT_JSON_H
#define SX_SERVICE_MAJORCAT_JSON_H

#include <stddef.h>

#include "base/error.h"
#include "domain/majorcat.h"

/* Largest text majorcat_json_parse reads: 100 full rules fit several times over. */
#define MAJORCAT_JSON_MAX_BYTES ((size_t)256 * 1024)

/*
 * Reads {"rules": [...]} into *out, which is overwritten (not cleared first:
 * pass a zeroed or cleared catalog). text need not be NUL-terminated; len is
 * its byte length. *out is owned by the caller (majorcat_clear), also on
 * error — on error it is left empty, so clearing it is harmless.
 * Returns 0, or:
 *   SX_ETOOBIG  "too_big"      len > MAJORCAT_JSON_MAX_BYTES
 *   SX_EINVALID "bad_json"     not JSON (or a duplicate key), text NULL
 *   SX_EINVALID "bad_catalog"  the form is wrong; the zh-CN message names
 *                              the rule (第 N 条规则) and the field. Also out
 *                              NULL, and a number too large for an int64 (the
 *                              JSON reader refuses it first: the message gives
 *                              its line and column instead).
 *   SX_EINVALID majorcat_*     the form is fine but the rules are not: the
 *                              code and message of majorcat_validate (more than
 *                              MAJORCAT_MAX_RULES rules, or more than
 *                              MAJORCAT_MAX_CODES matter codes in a rule, are
 *                              refused with majorcat_too_many /
 *                              majorcat_bad_matter_codes before reading them)
 *   SX_ENOMEM
 */
int majorcat_json_parse(struct majorcat *out, const char *text, size_t len, struct sx_error *err);

/*
 * Writes the canonical text of c. c is checked first with majorcat_validate
 * and its error returned: only a valid catalog has a text. *out is from
 * sx_malloc (caller sx_free), NUL-terminated, *len its length in bytes (len
 * may be NULL). On error *out is NULL and *len 0.
 * Returns 0, SX_EINVALID (out NULL: "bad_catalog"; c invalid: majorcat_*),
 * SX_ENOMEM.
 */
int majorcat_json_canonical(char **out, size_t *len, const struct majorcat *c,
			    struct sx_error *err);

#endif
