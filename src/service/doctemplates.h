/*
 * service/doctemplates — the registry of enforcement document templates
 * (执法文书模板), loaded from the JSON files data/templates/<code>.json that
 * cmake embeds in the binary, and the JSON forms of filled values.
 *
 * Template file schema (every key but "order", "help", "max_chars",
 * "choices", "label" and "text" required; unknown keys refused):
 *   {"code": "penalty_decision", "title": "行政处罚决定书", "doc_word": "罚决",
 *    "order": 100, "kinds": ["penalty"], "stages": ["decision"],
 *    "served": true, "field_act": "",
 *    "fields": [{"name", "label", "type", "required", "max_chars",
 *                "choices": [...], "help"}],
 *    "layout": [{"block": "paragraph", "label": "", "text": "…{{facts}}…"}]}
 * The file name must be the code. Every template is checked with
 * doctemplate_validate; codes are unique. The registry is read-only after
 * load and may be shared between threads.
 *
 * Filled values travel as a flat JSON object of strings. Bodies come from the
 * network, so reading is strict (see doctemplates_values_from_json); writing
 * is canonical (keys sorted by bytes, compact, UTF-8 unescaped, RFC 8785
 * string escaping), the bytes that are stored and hashed.
 */
#ifndef SX_SERVICE_DOCTEMPLATES_H
#define SX_SERVICE_DOCTEMPLATES_H

#include <stddef.h>

#include "base/error.h"
#include "domain/doctemplate.h"

#define DOCTEMPLATES_MAX_KEYS 200
#define DOCTEMPLATES_MAX_VALUE_BYTES (64u * 1024u)

struct doctemplates;

/*
 * Loads every embedded templates/<code>.json asset. SX_ECORRUPT "bad_template"
 * naming the file (the reason in the message too) when one is not valid
 * JSON, breaks the schema, fails doctemplate_validate, is not named after
 * its code or repeats a code, or when there is none; SX_ENOMEM. *out is the
 * caller's (doctemplates_free); NULL on error.
 */
int doctemplates_load(struct doctemplates **out, struct sx_error *err);

/* Frees the registry. r may be NULL. */
void doctemplates_free(struct doctemplates *r);

/* The template with that code; NULL if none (or NULL arguments). */
const struct doctemplate *doctemplates_find(const struct doctemplates *r, const char *code);

/* Number of templates; 0 for NULL. */
size_t doctemplates_count(const struct doctemplates *r);

/* The i-th template by "order", then code; NULL when i is out of range. */
const struct doctemplate *doctemplates_at(const struct doctemplates *r, size_t i);

/*
 * Reads {"name":"value",…}. Values are strings; JSON numbers are accepted and
 * written back in their shortest form (1000.5 → "1000.5") for money and
 * number fields to check. Refused with SX_EINVALID:
 *   "bad_json"  not JSON, not an object, nested objects or arrays, duplicate
 *               keys, more than DOCTEMPLATES_MAX_KEYS keys;
 *   "bad_field" a key that is empty or longer than 32 bytes, a value that is
 *               null/boolean, holds NUL, or exceeds DOCTEMPLATES_MAX_VALUE_BYTES.
 * SX_ENOMEM. *out is the caller's (doctemplate_values_clear); empty on error.
 * Names are not checked against a template here: doctemplate_check_values.
 */
int doctemplates_values_from_json(struct doctemplate_values *out, const char *json, size_t len,
				  struct sx_error *err);

/*
 * Canonical JSON of v: {"a":"…","b":"…"} with keys in byte order, no spaces,
 * strings escaped only where RFC 8785 requires. *out is sx_malloc'd
 * (sx_free) and NUL-terminated. SX_EINVALID (NULL argument, a value that is
 * not UTF-8), SX_ENOMEM; *out NULL on error.
 */
int doctemplates_values_to_json(char **out, const struct doctemplate_values *v,
				struct sx_error *err);

/*
 * The template for the API and forms: {"code","title","doc_word","order",
 * "served","field_act","stages":[…],"kinds":[…],"fields":[{"name","label",
 * "type","required","system","max_chars","choices","help"}]} (compact, keys
 * sorted). max_chars is the effective limit for text fields, 0 for others;
 * system is true for fields the system fills (not shown in forms).
 * *out is sx_malloc'd (sx_free). SX_EINVALID, SX_ENOMEM.
 */
int doctemplates_describe_json(char **out, const struct doctemplate *t, struct sx_error *err);

struct embedded_asset;

/*
 * For tests and the service layer: doctemplates_load over the given assets
 * instead of the embedded ones (only paths templates/<code>.json are read).
 */
int doctemplates__load_assets(struct doctemplates **out, const struct embedded_asset *assets,
			      size_t count, struct sx_error *err);

#endif
