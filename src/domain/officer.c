/* domain/officer — see officer.h. */
#include "domain/officer.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/time.h"
#include "domain/idcheck.h"

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

/* ---- records entered by staff -------------------------------------------------------------- */

/* Length of the string in a fixed-size field, or size when it is not NUL-terminated there. */
static size_t officer__field_len(const char *s, size_t size)
{
	const char *nul = memchr(s, '\0', size);

	return nul ? (size_t)(nul - s) : size;
}

static bool officer__is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims ASCII blanks at both ends of a NUL-terminated field of size bytes, in place.
 * An unterminated field is left alone (its check reports it). */
static void officer__trim(char *s, size_t size)
{
	size_t len = officer__field_len(s, size);
	size_t start = 0;

	if (len == size)
		return;
	while (start < len && officer__is_blank(s[start]))
		start++;
	while (len > start && officer__is_blank(s[len - 1]))
		len--;
	memmove(s, s + start, len - start);
	s[len - start] = '\0';
}

/* Well-formed UTF-8 without C0 or C1 control characters or DEL. */
static bool officer__text_is_clean(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned long cp;
		size_t n = codec_utf8_char_len(s + i, len - i, &cp);

		if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += n;
	}
	return true;
}

/*
 * Checks a required text field; on failure fills err with code and a message
 * "<label>：…" and returns SX_EINVALID.
 */
static int officer__check_text(const char *s, size_t size, const char *label, const char *code,
			       struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	size_t len = officer__field_len(s, size);

	if (len == size)
		snprintf(message, sizeof(message), "%s：过长（最多 %zu 字节）", label, size - 1);
	else if (len == 0)
		snprintf(message, sizeof(message), "%s：不能为空", label);
	else if (!officer__text_is_clean(s, len))
		snprintf(message, sizeof(message), "%s：含有控制字符或不是有效的 UTF-8 文本",
			 label);
	else
		return 0;
	return sx_error_set(err, SX_EINVALID, code, message);
}

static int officer__check_date(const char *s, size_t size, const char *label,
			       struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	size_t len = officer__field_len(s, size);
	int y, m, d;

	if (len < size && sx_date_parse(&y, &m, &d, s, len) == 0)
		return 0;
	snprintf(message, sizeof(message), "%s：%s", label,
		 len == 0 ? "不能为空" : "应为真实存在的日期，格式 YYYY-MM-DD（如 2026-01-31）");
	return sx_error_set(err, SX_EINVALID, "officer_bad_dates", message);
}

static int officer__check_id_number(const char *id, size_t size, struct sx_error *err)
{
	char reason[SX_ERROR_MESSAGE_MAX - 32];
	char message[SX_ERROR_MESSAGE_MAX];
	size_t len = officer__field_len(id, size);

	if (len == size) {
		snprintf(reason, sizeof(reason), "%s", "长度应为 18 位");
	} else if (idcheck_person_id(id, len) == 0) {
		return 0;
	} else if (idcheck_person_id_explain(reason, sizeof(reason), id, len) == 0) {
		/* A valid legacy 15-digit number: the register keeps only the 18-digit form. */
		snprintf(reason, sizeof(reason), "%s",
			 "这是 15 位的旧号码，请填写换发后的 18 位公民身份号码");
	}
	snprintf(message, sizeof(message), "身份证号：%s", reason);
	return sx_error_set(err, SX_EINVALID, "officer_bad_id_number", message);
}

int officer_record_normalize(struct officer_record *r, struct sx_error *err)
{
	size_t len;
	int rc;

	if (r == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	officer__trim(r->name, sizeof(r->name));
	officer__trim(r->cert_no, sizeof(r->cert_no));
	officer__trim(r->cert_type, sizeof(r->cert_type));
	officer__trim(r->field, sizeof(r->field));
	officer__trim(r->valid_from, sizeof(r->valid_from));
	officer__trim(r->valid_to, sizeof(r->valid_to));
	officer__trim(r->status, sizeof(r->status));
	officer__trim(r->id_number, sizeof(r->id_number));

	/* One spelling per number: certificates are looked up by exact match. */
	len = officer__field_len(r->cert_no, sizeof(r->cert_no));
	for (size_t i = 0; i < len && len < sizeof(r->cert_no); i++) {
		if (r->cert_no[i] >= 'a' && r->cert_no[i] <= 'z')
			r->cert_no[i] = (char)(r->cert_no[i] - 'a' + 'A');
	}
	if (officer__field_len(r->id_number, sizeof(r->id_number)) == IDCHECK_PERSON_ID_LEN &&
	    r->id_number[IDCHECK_PERSON_ID_LEN - 1] == 'x')
		r->id_number[IDCHECK_PERSON_ID_LEN - 1] = 'X';

	if ((rc = officer__check_text(r->name, sizeof(r->name), "姓名", "officer_bad_name", err)) <
	    0)
		return rc;
	if (len == sizeof(r->cert_no) || !officer_cert_no_is_well_formed(r->cert_no, len))
		return sx_error_set(err, SX_EINVALID, "officer_bad_cert_no",
				    len == 0 ? "执法证号：不能为空"
					     : "执法证号：应为 4—32 位数字、字母或“-”");
	if ((rc = officer__check_text(r->cert_type, sizeof(r->cert_type), "证件类型",
				      "officer_bad_cert_type", err)) < 0)
		return rc;
	if ((rc = officer__check_text(r->field, sizeof(r->field), "执法领域", "officer_bad_field",
				      err)) < 0)
		return rc;
	if ((rc = officer__check_date(r->valid_from, sizeof(r->valid_from), "有效期起", err)) < 0)
		return rc;
	if ((rc = officer__check_date(r->valid_to, sizeof(r->valid_to), "有效期止", err)) < 0)
		return rc;
	/* YYYY-MM-DD compares as text in date order. */
	if (strcmp(r->valid_to, r->valid_from) < 0)
		return sx_error_set(err, SX_EINVALID, "officer_bad_dates",
				    "有效期止：早于有效期起");
	if (officer__field_len(r->status, sizeof(r->status)) == sizeof(r->status) ||
	    (strcmp(r->status, "active") != 0 && strcmp(r->status, "suspended") != 0 &&
	     strcmp(r->status, "revoked") != 0))
		return sx_error_set(err, SX_EINVALID, "officer_bad_status",
				    "状态：应为在岗、暂停或注销");
	return officer__check_id_number(r->id_number, sizeof(r->id_number), err);
}

int officer_status_from_label(const char **out, const char *label)
{
	static const struct {
		const char *label;
		const char *status;
	} statuses[] = {
		{"在岗", "active"},
		{"暂停", "suspended"},
		{"注销", "revoked"},
	};

	if (out == NULL || label == NULL)
		return SX_EINVALID;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		if (strcmp(label, statuses[i].label) == 0 ||
		    strcmp(label, statuses[i].status) == 0) {
			*out = statuses[i].status;
			return 0;
		}
	}
	return SX_EINVALID;
}
