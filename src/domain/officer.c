/* domain/officer — see officer.h. */
#include "domain/officer.h"

#include <string.h>

#include "base/error.h"
#include "base/time.h"

static bool officer__date_ok(const char *date)
{
	int y, m, d;

	return date && sx_date_parse(&y, &m, &d, date, strlen(date)) == 0;
}

int officer_credential_state(enum officer_credential_state *out, const char *status,
			     const char *valid_from, const char *valid_to, const char *today)
{
	if (status == NULL || !officer__date_ok(valid_from) || !officer__date_ok(valid_to) ||
	    !officer__date_ok(today))
		return SX_EINVALID;
	if (strcmp(status, "revoked") == 0) {
		*out = OFFICER_CREDENTIAL_REVOKED;
		return 0;
	}
	if (strcmp(status, "suspended") == 0) {
		*out = OFFICER_CREDENTIAL_SUSPENDED;
		return 0;
	}
	if (strcmp(status, "active") != 0)
		return SX_EINVALID;
	/* YYYY-MM-DD compares as text in date order. */
	if (strcmp(today, valid_from) < 0)
		*out = OFFICER_CREDENTIAL_NOT_YET_VALID;
	else if (strcmp(today, valid_to) > 0)
		*out = OFFICER_CREDENTIAL_EXPIRED;
	else
		*out = OFFICER_CREDENTIAL_VALID;
	return 0;
}

const char *officer_credential_state_code(enum officer_credential_state state)
{
	switch (state) {
	case OFFICER_CREDENTIAL_VALID:
		return "valid";
	case OFFICER_CREDENTIAL_NOT_YET_VALID:
		return "not_yet_valid";
	case OFFICER_CREDENTIAL_EXPIRED:
		return "expired";
	case OFFICER_CREDENTIAL_SUSPENDED:
		return "suspended";
	case OFFICER_CREDENTIAL_REVOKED:
		return "revoked";
	}
	return "unknown";
}

const char *officer_credential_state_label(enum officer_credential_state state)
{
	switch (state) {
	case OFFICER_CREDENTIAL_VALID:
		return "有效";
	case OFFICER_CREDENTIAL_NOT_YET_VALID:
		return "尚未生效";
	case OFFICER_CREDENTIAL_EXPIRED:
		return "已过期";
	case OFFICER_CREDENTIAL_SUSPENDED:
		return "已暂停执法";
	case OFFICER_CREDENTIAL_REVOKED:
		return "已注销";
	}
	return "未知";
}

const char *officer_status_label(const char *status)
{
	if (status && strcmp(status, "active") == 0)
		return "在岗";
	if (status && strcmp(status, "suspended") == 0)
		return "暂停";
	if (status && strcmp(status, "revoked") == 0)
		return "注销";
	return "未知";
}

bool officer_cert_no_is_well_formed(const char *cert_no, size_t len)
{
	if (cert_no == NULL || len < 4 || len > 32)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = cert_no[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-'))
			return false;
	}
	return true;
}
