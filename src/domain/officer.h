/*
 * domain/officer — rules about enforcement officers' credentials (执法证),
 * pure: whether a certificate is valid on a given day, and the words the
 * public sees for each state (亮证: a citizen checks, on the spot, whether the
 * person at the door may enforce).
 *
 * A certificate is valid on day D (Asia/Shanghai calendar date) when the
 * officer's status is active (在岗) and valid_from ≤ D ≤ valid_to. Suspended
 * (暂停) and revoked (注销) override the dates: a suspended officer with
 * unexpired dates is still not allowed to enforce.
 */
#ifndef SX_DOMAIN_OFFICER_H
#define SX_DOMAIN_OFFICER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum officer_credential_state {
	OFFICER_CREDENTIAL_VALID = 1,
	OFFICER_CREDENTIAL_NOT_YET_VALID,
	OFFICER_CREDENTIAL_EXPIRED,
	OFFICER_CREDENTIAL_SUSPENDED,
	OFFICER_CREDENTIAL_REVOKED,
};

/*
 * The state on `today` ("YYYY-MM-DD") of a certificate with that status
 * ("active" | "suspended" | "revoked") and validity dates. SX_EINVALID for an
 * unknown status or malformed dates.
 */
int officer_credential_state(enum officer_credential_state *out, const char *status,
			     const char *valid_from, const char *valid_to, const char *today);

/* Stable word for programs: "valid", "not_yet_valid", "expired", "suspended", "revoked". */
const char *officer_credential_state_code(enum officer_credential_state state);

/* What the public reads: 有效 / 尚未生效 / 已过期 / 已暂停执法 / 已注销. */
const char *officer_credential_state_label(enum officer_credential_state state);

/* 在岗 / 暂停 / 注销 for a status word; "未知" otherwise. */
const char *officer_status_label(const char *status);

/* Certificate numbers as printed: 4–32 characters of digits, ASCII letters
 * and '-'. Anything else cannot be a certificate and is not looked up. */
bool officer_cert_no_is_well_formed(const char *cert_no, size_t len);

/* ---- an officer as staff enter it (form, JSON or CSV import) ---- */

#define OFFICER_NAME_SIZE 193
#define OFFICER_CERT_NO_SIZE 33
#define OFFICER_TEXT_SIZE 193      /* certificate type, 执法领域 */
#define OFFICER_ID_NUMBER_SIZE 19  /* 18 characters of GB 11643 */

struct officer_record {
	char name[OFFICER_NAME_SIZE];          /* 1–192 bytes, no control characters */
	char cert_no[OFFICER_CERT_NO_SIZE];    /* officer_cert_no_is_well_formed */
	char cert_type[OFFICER_TEXT_SIZE];     /* e.g. 行政执法证; required */
	char field[OFFICER_TEXT_SIZE];         /* 执法领域, e.g. 市场监管; required */
	char valid_from[11];                   /* YYYY-MM-DD */
	char valid_to[11];                     /* YYYY-MM-DD, ≥ valid_from */
	char status[16];                       /* active | suspended | revoked */
	char id_number[OFFICER_ID_NUMBER_SIZE];/* 18-character 身份证号, check digit valid
						* (GB 11643-1999); a final 'x' is upper-cased */
};

/*
 * Checks a record entered by staff. Normalises in place: trims ASCII blanks
 * at both ends of every field, upper-cases a trailing 'x' of the ID number
 * and letters of the certificate number. Returns SX_EINVALID with a stable
 * code and a zh-CN message naming the field: officer_bad_name,
 * officer_bad_cert_no, officer_bad_cert_type, officer_bad_field,
 * officer_bad_dates (malformed, or valid_to before valid_from),
 * officer_bad_status, officer_bad_id_number (with the reason from
 * idcheck_person_id_explain).
 */
int officer_record_normalize(struct officer_record *r, struct sx_error *err);

/* 在岗 / 暂停 / 注销 (also accepted: the names) -> "active" | "suspended" |
 * "revoked". SX_EINVALID for anything else. */
int officer_status_from_label(const char **out, const char *label);

#endif
