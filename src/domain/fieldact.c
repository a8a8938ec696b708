/*
 * domain/fieldact — see fieldact.h for the rule and the laws it follows.
 *
 * Messages quote an officer's name and certificate number cut to a UTF-8
 * character boundary (codec_utf8_prefix_len), so that the message stays valid
 * UTF-8 and fits SX_ERROR_MESSAGE_MAX with the fixed text around them.
 */
#include "domain/fieldact.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/error.h"
#include "base/time.h"
#include "domain/officer.h"

/* Bytes of a name or certificate number quoted in a message (20 CJK characters). */
#define FIELDACT_QUOTE_MAX 60

struct fieldact_kind_text {
	enum fieldact_kind kind;
	const char *code;
	const char *label;
};

static const struct fieldact_kind_text fieldact_kinds[] = {
	{FIELDACT_INSPECT, "inspect", "检查"},
	{FIELDACT_INVESTIGATE, "investigate", "调查"},
	{FIELDACT_COLLECT, "collect", "取证"},
	{FIELDACT_SERVE, "serve", "送达"},
	{FIELDACT_COERCE, "coerce", "强制"},
};

#define FIELDACT_KIND_COUNT (sizeof(fieldact_kinds) / sizeof(fieldact_kinds[0]))

static const struct fieldact_kind_text *fieldact__kind_find(enum fieldact_kind kind)
{
	for (size_t i = 0; i < FIELDACT_KIND_COUNT; i++) {
		if (fieldact_kinds[i].kind == kind)
			return &fieldact_kinds[i];
	}
	return NULL;
}

const char *fieldact_kind_code(enum fieldact_kind kind)
{
	const struct fieldact_kind_text *t = fieldact__kind_find(kind);

	return t ? t->code : "unknown";
}

const char *fieldact_kind_label(enum fieldact_kind kind)
{
	const struct fieldact_kind_text *t = fieldact__kind_find(kind);

	return t ? t->label : "未知";
}

int fieldact_kind_from_code(enum fieldact_kind *out, const char *code, struct sx_error *err)
{
	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (code != NULL) {
		for (size_t i = 0; i < FIELDACT_KIND_COUNT; i++) {
			if (strcmp(fieldact_kinds[i].code, code) == 0) {
				*out = fieldact_kinds[i].kind;
				return 0;
			}
		}
	}
	return sx_error_set(err, SX_EINVALID, "bad_act_kind",
			    "执法活动类型无效：应为检查、调查、取证、送达或强制");
}

static bool fieldact__is_date(const char *text)
{
	int y, m, d;

	return text != NULL && sx_date_parse(&y, &m, &d, text, strlen(text)) == 0;
}

static const char *fieldact__text(const char *s)
{
	return s ? s : "";
}

/* "张三（执法证号 ZJ-001）" into buf, both parts cut to a character boundary. */
static void fieldact__who(char *buf, size_t size, const struct fieldact_officer *o)
{
	const char *name = fieldact__text(o->name);
	const char *cert_no = fieldact__text(o->cert_no);
	int name_len = codec_utf8_prefix_len(name, FIELDACT_QUOTE_MAX);
	int cert_len = codec_utf8_prefix_len(cert_no, FIELDACT_QUOTE_MAX);

	snprintf(buf, size, "执法人员%.*s（执法证号 %.*s）", name_len, name, cert_len, cert_no);
}

/* Whether officers[0..i) already holds officers[i]'s id. */
static bool fieldact__seen_before(const struct fieldact_officer *officers, size_t i)
{
	for (size_t j = 0; j < i; j++) {
		if (strcmp(officers[j].officer_id, officers[i].officer_id) == 0)
			return true;
	}
	return false;
}

int fieldact_check(long *bad_index, const struct fieldact_officer *officers, size_t count,
		   const char *case_agency_id, const char *on_date, struct sx_error *err)
{
	char who[2 * FIELDACT_QUOTE_MAX + 40]; /* fieldact__who: 31 bytes of fixed text */
	char message[SX_ERROR_MESSAGE_MAX];
	size_t distinct = 0;

	if (bad_index)
		*bad_index = -1;
	if (!fieldact__is_date(on_date))
		return sx_error_set(err, SX_EINVALID, "bad_date",
				    "执法日期无效：应为 YYYY-MM-DD 格式的日期");
	if (count > FIELDACT_MAX_OFFICERS) {
		snprintf(message, sizeof(message), "参与现场执法的执法人员最多 %d 名",
			 FIELDACT_MAX_OFFICERS);
		return sx_error_set(err, SX_EINVALID, "too_many_officers", message);
	}
	if ((officers == NULL && count > 0) || case_agency_id == NULL || case_agency_id[0] == '\0')
		return sx_error_set(err, SX_EINVALID, "bad_officer", "执法人员或案件所属机关缺失");

	for (size_t i = 0; i < count; i++) {
		const struct fieldact_officer *o = &officers[i];
		enum officer_credential_state state;

		if (o->officer_id == NULL || o->officer_id[0] == '\0') {
			if (bad_index)
				*bad_index = (long)i;
			snprintf(message, sizeof(message), "第 %zu 名执法人员缺少人员编号", i + 1);
			return sx_error_set(err, SX_EINVALID, "bad_officer", message);
		}
		if (fieldact__seen_before(officers, i))
			continue;
		fieldact__who(who, sizeof(who), o);
		if (officer_credential_state(&state, o->status, o->valid_from, o->valid_to,
					     on_date) < 0) {
			/* Stored data gone bad: never let it pass as a valid certificate. */
			if (bad_index)
				*bad_index = (long)i;
			snprintf(message, sizeof(message),
				 "%s的执法证状态或有效期记录有误，不能参与现场执法", who);
			return sx_error_setf(err, SX_ECONFLICT, "officer_cert_invalid", message,
					     "officer %s: unreadable status or validity dates",
					     o->officer_id);
		}
		if (state != OFFICER_CREDENTIAL_VALID) {
			if (bad_index)
				*bad_index = (long)i;
			snprintf(message, sizeof(message), "%s的执法证%s（%s），不能参与现场执法",
				 who, officer_credential_state_label(state), on_date);
			return sx_error_set(err, SX_ECONFLICT, "officer_cert_invalid", message);
		}
		if (o->agency_id == NULL || strcmp(o->agency_id, case_agency_id) != 0) {
			if (bad_index)
				*bad_index = (long)i;
			snprintf(message, sizeof(message),
				 "%s不属于本案承办机关，其执法证不覆盖本案辖区，不能参与现场执法",
				 who);
			return sx_error_set(err, SX_ECONFLICT, "officer_out_of_area", message);
		}
		distinct++;
	}

	if (distinct < FIELDACT_MIN_OFFICERS) {
		snprintf(message, sizeof(message),
			 "现场执法须由两名以上持有效执法证的执法人员进行，当前只有 %zu 名",
			 distinct);
		return sx_error_set(err, SX_ECONFLICT, "two_officers_required", message);
	}
	return 0;
}
