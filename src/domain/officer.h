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

#endif
