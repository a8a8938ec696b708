/*
 * domain/account — see account.h.
 */
#include "domain/account.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"

struct role_text {
	enum account_role role;
	const char *name;
	const char *label;
};

static const struct role_text role_texts[] = {
	{ACCOUNT_ROLE_OFFICER, "officer", "执法人员"},
	{ACCOUNT_ROLE_UNIT_HEAD, "unit_head", "科室负责人"},
	{ACCOUNT_ROLE_REVIEWER, "reviewer", "法制审核人员"},
	{ACCOUNT_ROLE_AGENCY_HEAD, "agency_head", "机关负责人"},
	{ACCOUNT_ROLE_SUPERVISOR, "supervisor", "监督人员"},
	{ACCOUNT_ROLE_ADMIN, "admin", "系统管理员"},
};

#define ROLE_COUNT (sizeof(role_texts) / sizeof(role_texts[0]))

int account_role_from_name(enum account_role *out, const char *name)
{
	for (size_t i = 0; name && i < ROLE_COUNT; i++) {
		if (strcmp(role_texts[i].name, name) == 0) {
			*out = role_texts[i].role;
			return 0;
		}
	}
	return SX_EINVALID;
}

const char *account_role_name(enum account_role role)
{
	for (size_t i = 0; i < ROLE_COUNT; i++) {
		if (role_texts[i].role == role)
			return role_texts[i].name;
	}
	return "unknown";
}

const char *account_role_label(enum account_role role)
{
	for (size_t i = 0; i < ROLE_COUNT; i++) {
		if (role_texts[i].role == role)
			return role_texts[i].label;
	}
	return "未知角色";
}

enum account_scope account_user_list_scope(enum account_role role)
{
	switch (role) {
	case ACCOUNT_ROLE_ADMIN:
		return ACCOUNT_SCOPE_ALL;
	case ACCOUNT_ROLE_SUPERVISOR:
		return ACCOUNT_SCOPE_REGION;
	case ACCOUNT_ROLE_AGENCY_HEAD:
	case ACCOUNT_ROLE_UNIT_HEAD:
		return ACCOUNT_SCOPE_OWN_AGENCY;
	case ACCOUNT_ROLE_OFFICER:
	case ACCOUNT_ROLE_REVIEWER:
		break;
	}
	return ACCOUNT_SCOPE_NONE;
}

bool account_can_manage_users(enum account_role role)
{
	return role == ACCOUNT_ROLE_ADMIN;
}

enum account_scope account_registry_scope(enum account_role role)
{
	switch (role) {
	case ACCOUNT_ROLE_ADMIN:
		return ACCOUNT_SCOPE_ALL;
	case ACCOUNT_ROLE_SUPERVISOR:
		return ACCOUNT_SCOPE_REGION;
	case ACCOUNT_ROLE_OFFICER:
	case ACCOUNT_ROLE_UNIT_HEAD:
	case ACCOUNT_ROLE_REVIEWER:
	case ACCOUNT_ROLE_AGENCY_HEAD:
		return ACCOUNT_SCOPE_OWN_AGENCY;
	}
	return ACCOUNT_SCOPE_NONE;
}

bool account_can_draft_lists(enum account_role role)
{
	return role == ACCOUNT_ROLE_UNIT_HEAD || role == ACCOUNT_ROLE_REVIEWER ||
	       role == ACCOUNT_ROLE_AGENCY_HEAD || role == ACCOUNT_ROLE_ADMIN;
}

bool account_can_approve_lists(enum account_role role)
{
	return role == ACCOUNT_ROLE_AGENCY_HEAD || role == ACCOUNT_ROLE_ADMIN;
}

bool account_can_manage_officers(enum account_role role)
{
	return role == ACCOUNT_ROLE_AGENCY_HEAD || role == ACCOUNT_ROLE_ADMIN;
}

bool account_can_manage_agencies(enum account_role role)
{
	return role == ACCOUNT_ROLE_ADMIN;
}

bool account_can_see_id_numbers(enum account_role role)
{
	return role == ACCOUNT_ROLE_AGENCY_HEAD || role == ACCOUNT_ROLE_ADMIN;
}

static bool account__is_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

int account_region_prefix(char *out, size_t out_size, const char *region_code)
{
	size_t keep = 6;

	if (region_code == NULL || strlen(region_code) != 6 || !account__is_digits(region_code, 6) ||
	    out_size < 7)
		return SX_EINVALID;
	if (memcmp(region_code + 2, "0000", 4) == 0)
		keep = 2;
	else if (memcmp(region_code + 4, "00", 2) == 0)
		keep = 4;
	memcpy(out, region_code, keep);
	out[keep] = '\0';
	return 0;
}

bool account_scope_covers(enum account_scope scope, const struct account_actor *actor,
			  const char *target_agency_id, const char *target_region_code)
{
	char prefix[7];

	switch (scope) {
	case ACCOUNT_SCOPE_ALL:
		return true;
	case ACCOUNT_SCOPE_OWN_AGENCY:
		return actor->agency_id && target_agency_id &&
		       strcmp(actor->agency_id, target_agency_id) == 0;
	case ACCOUNT_SCOPE_REGION:
		if (account_region_prefix(prefix, sizeof(prefix), actor->region_code) < 0 ||
		    target_region_code == NULL || strlen(target_region_code) != 6 ||
		    !account__is_digits(target_region_code, 6))
			return false;
		return strncmp(target_region_code, prefix, strlen(prefix)) == 0;
	case ACCOUNT_SCOPE_NONE:
		break;
	}
	return false;
}

int account_check_username(const char *username, struct sx_error *err)
{
	size_t len = username ? strlen(username) : 0;

	if (len < 3 || len > 64 || username[0] < 'a' || username[0] > 'z')
		goto bad;
	for (size_t i = 0; i < len; i++) {
		char c = username[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			goto bad;
	}
	return 0;
bad:
	return sx_error_set(err, SX_EINVALID, "invalid_username",
			    "用户名须为 3–64 位小写字母、数字或 . _ -，并以字母开头");
}

int account_check_display_name(const char *name, struct sx_error *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > 192 || !codec_is_valid_utf8(name, len))
		goto bad;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			goto bad;
	}
	return 0;
bad:
	return sx_error_set(err, SX_EINVALID, "invalid_name", "姓名须为 1–192 字节（约 64 个汉字），且不含控制字符");
}

/* Lower-cases ASCII letters only: OR-ing 0x20 would also fold digits and
 * punctuation onto control characters. */
static char account__ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int account_check_password(const char *password, size_t len, const char *username,
			   struct sx_error *err)
{
	size_t chars = 0;
	bool lower = false, upper = false, digit = false, other = false;

	if (password == NULL || len > ACCOUNT_PASSWORD_MAX_BYTES)
		return sx_error_set(err, SX_EINVALID, "weak_password", "密码不能超过 128 字节");
	if (!codec_is_valid_utf8(password, len) || memchr(password, '\0', len) != NULL)
		return sx_error_set(err, SX_EINVALID, "weak_password", "密码含有无效字符");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)password[i];

		if ((c & 0xc0) != 0x80)
			chars++;
		if (c >= 'a' && c <= 'z')
			lower = true;
		else if (c >= 'A' && c <= 'Z')
			upper = true;
		else if (c >= '0' && c <= '9')
			digit = true;
		else if ((c & 0xc0) != 0x80)
			other = true;
	}
	if (chars < ACCOUNT_PASSWORD_MIN_CHARS)
		return sx_error_set(err, SX_EINVALID, "weak_password", "密码至少需要 10 个字符");
	if ((int)lower + (int)upper + (int)digit + (int)other < 2)
		return sx_error_set(err, SX_EINVALID, "weak_password",
				    "密码须包含大写字母、小写字母、数字、符号中的至少两类");
	if (username && username[0]) {
		size_t ulen = strlen(username);

		for (size_t i = 0; i + ulen <= len; i++) {
			size_t k = 0;

			while (k < ulen && account__ascii_lower(password[i + k]) ==
						      account__ascii_lower(username[k]))
				k++;
			if (k == ulen)
				return sx_error_set(err, SX_EINVALID, "weak_password",
						    "密码不能包含用户名");
		}
	}
	return 0;
}

void account_throttle_default(struct account_throttle_policy *out)
{
	out->delay_after = 3;
	out->delay_base_ms = 1000;
	out->delay_max_ms = 60 * 1000;
	out->lockout_after = 10;
	out->lockout_seconds = 15 * 60;
}

int64_t account_throttle_after_failure(const struct account_throttle_policy *policy, int failures,
				       int64_t now_us, bool *locked)
{
	int64_t delay_ms;
	int doublings;

	*locked = false;
	if (policy->lockout_after > 0 && failures >= policy->lockout_after) {
		*locked = true;
		return now_us + policy->lockout_seconds * 1000000;
	}
	if (policy->delay_after <= 0 || failures < policy->delay_after)
		return now_us;
	delay_ms = policy->delay_base_ms;
	/* Double per failure beyond the threshold, stopping at the cap (and
	 * well before int64 overflow). */
	doublings = failures - policy->delay_after;
	while (doublings-- > 0 && delay_ms < policy->delay_max_ms)
		delay_ms *= 2;
	if (delay_ms > policy->delay_max_ms)
		delay_ms = policy->delay_max_ms;
	return now_us + delay_ms * 1000;
}

void account_session_default(struct account_session_policy *out)
{
	out->idle_seconds = 2 * 3600;
	out->max_seconds = 12 * 3600;
}

bool account_session_is_live(const struct account_session_policy *policy, int64_t created_us,
			     int64_t last_seen_us, int64_t now_us)
{
	if (now_us - created_us >= policy->max_seconds * 1000000)
		return false;
	if (now_us - last_seen_us >= policy->idle_seconds * 1000000)
		return false;
	return true;
}
