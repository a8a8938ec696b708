/*
 * service/demo — see demo.h. The names are fictional (示例市); region codes,
 * credit codes and ID numbers are well-formed so that validation treats demo
 * data like real data.
 */
#include "service/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "crypto/password.h"
#include "domain/idcheck.h"
#include "service/demo_lists.h"
#include "service/ledger.h"

struct demo_agency {
	const char *name;
	const char *credit17;   /* first 17 chars; the check char is computed */
	bool is_justice_bureau;
	const char *duties;
	const char *address;
	const char *phone;
	const char *complaint_channel;
};

/* Addresses and office numbers are fictional; the hotlines are the real
 * national ones (12315 市场监管, 12369 生态环境, 12348 公共法律服务). */
static const struct demo_agency demo_agencies[] = {
	{"示例市市场监督管理局", "11330100MB0000001", false,
	 "负责全市市场综合监督管理，统一登记市场主体，组织市场监管综合执法，"
	 "承担食品安全、特种设备安全、产品质量、计量和标准化的监督管理，"
	 "查处无证无照经营、不正当竞争、价格违法等行为。",
	 "示例市人民路 100 号市场监管大楼", "0571-80000001",
	 "投诉举报电话 12315；全国 12315 平台（www.12315.cn）；"
	 "来信寄示例市人民路 100 号市场监督管理局投诉举报中心"},
	{"示例市生态环境局", "11330100MB0000002", false,
	 "负责全市生态环境监督管理，拟订并组织实施生态环境保护规划和标准，"
	 "承担排污许可、建设项目环境影响评价文件审批，"
	 "组织开展生态环境保护执法检查，查处环境违法行为。",
	 "示例市环保路 8 号", "0571-80000002",
	 "环保举报热线 12369；“12369 环保举报”微信公众号；"
	 "来访接待：工作日 9:00–17:00，示例市环保路 8 号一楼"},
	{"示例市司法局", "11330100MB0000003", true,
	 "负责全市行政执法协调监督工作，推行行政执法公示、执法全过程记录、"
	 "重大执法决定法制审核制度，承办行政复议、行政执法投诉的受理和处理，"
	 "统筹公共法律服务体系建设。",
	 "示例市中山路 21 号", "0571-80000003",
	 "公共法律服务热线 12348；行政执法投诉请写明执法机关、执法人员和事由，"
	 "来信寄示例市中山路 21 号司法局行政执法监督科"},
};

struct demo_officer {
	int agency;             /* index into demo_agencies */
	const char *name;
	const char *cert_no;
	const char *field;
	const char *id17;       /* first 17 digits of the 身份证号 */
	const char *username;   /* linked user, or NULL */
	const char *status;     /* active | suspended | revoked */
	const char *valid_to;   /* certificates run from 2024-01-01 */
};

static const struct demo_officer demo_officers[] = {
	{0, "张明", "33010020260001", "市场监管", "33010619850312001", "officer", "active", "2028-12-31"},
	/* An expired certificate and a suspended officer, so that 亮证 shows its
	 * warnings on demo data too. */
	{0, "李华", "33010020260002", "市场监管", "33010219880705002", NULL, "active", "2025-12-31"},
	{0, "王芳", "33010020260003", "市场监管", "33010519900101004", "unit_head", "active", "2028-12-31"},
	{0, "赵强", "33010020260004", "市场监管", "33010619791120003", NULL, "suspended", "2028-12-31"},
	{1, "陈静", "33010020260101", "生态环境", "33010419870415006", "officer2", "active", "2028-12-31"},
	{1, "刘洋", "33010020260102", "生态环境", "33010819920808005", NULL, "active", "2028-12-31"},
};

struct demo_user {
	int agency;
	const char *username;
	const char *display_name;
	const char *role;
};

static const struct demo_user demo_users[] = {
	{0, "admin", "系统管理员", "admin"},
	{0, "officer", "张明", "officer"},
	{0, "unit_head", "王芳", "unit_head"},
	{0, "reviewer", "周律", "reviewer"},
	{0, "agency_head", "孙局长", "agency_head"},
	{2, "supervisor", "吴监督", "supervisor"},
	{1, "officer2", "陈静", "officer"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int service_demo_load(const struct service *svc, const struct service_actor *actor,
		      struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency agencies[COUNT(demo_agencies)];
	struct store_user users[COUNT(demo_users)];
	struct store_agency *existing = NULL;
	size_t existing_count = 0;
	char password_hash[CRYPTO_PASSWORD_HASH_MAX];
	char now[SX_TIME_TEXT_LEN];
	int rc;

	if (actor->role != ACCOUNT_ROLE_ADMIN)
		return sx_error_set(err, SX_EPERM, "forbidden", "只有管理员可以加载演示数据");
	sx_time_format_utc(now, sx_time_now_us());
	/* One hash for all demo users: they share the documented password, and
	 * argon2 per user would only slow the first run down. */
	rc = crypto_password_hash(password_hash, SERVICE_DEMO_PASSWORD,
				  strlen(SERVICE_DEMO_PASSWORD), svc->password_params);
	if (rc < 0)
		return sx_error_set(err, rc, NULL, NULL);

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		return rc;
	if ((rc = store_agency_list(&existing, &existing_count, tx, err)) < 0)
		goto cleanup;
	if (existing_count > 0) {
		rc = sx_error_set(err, SX_EEXISTS, "demo_present", "数据库中已有机关数据，未加载演示数据");
		goto cleanup;
	}

	for (size_t i = 0; i < COUNT(demo_agencies); i++) {
		struct store_agency *a = &agencies[i];
		char check = idcheck_credit_code_check_char(demo_agencies[i].credit17);

		memset(a, 0, sizeof(*a));
		if ((rc = sx_id_new(a->id)) < 0 || check == '\0') {
			rc = sx_error_setf(err, SX_EINTERNAL, NULL, NULL, "demo agency %zu", i);
			goto cleanup;
		}
		snprintf(a->name, sizeof(a->name), "%s", demo_agencies[i].name);
		snprintf(a->credit_code, sizeof(a->credit_code), "%s%c", demo_agencies[i].credit17,
			 check);
		snprintf(a->level, sizeof(a->level), "city");
		snprintf(a->region_code, sizeof(a->region_code), "330100");
		a->is_justice_bureau = demo_agencies[i].is_justice_bureau;
		a->active = true;
		snprintf(a->duties, sizeof(a->duties), "%s", demo_agencies[i].duties);
		snprintf(a->address, sizeof(a->address), "%s", demo_agencies[i].address);
		snprintf(a->phone, sizeof(a->phone), "%s", demo_agencies[i].phone);
		snprintf(a->complaint_channel, sizeof(a->complaint_channel), "%s",
			 demo_agencies[i].complaint_channel);
		snprintf(a->created_at, sizeof(a->created_at), "%s", now);
		snprintf(a->created_by, sizeof(a->created_by), "%s", actor->user_id);
		if ((rc = store_agency_insert(tx, a, err)) < 0)
			goto cleanup;
		{
			/* Agencies are public (事前公开): their name and code may
			 * stand in the public log. */
			const char *const fields[] = {"credit_code", a->credit_code, "name", a->name,
						      "region_code", a->region_code, NULL};

			rc = service_ledger_record_fields(NULL, svc, tx, "agency.create", a->id,
							  fields, err);
			if (rc < 0)
				goto cleanup;
		}
	}

	for (size_t i = 0; i < COUNT(demo_users); i++) {
		struct store_user *u = &users[i];

		memset(u, 0, sizeof(*u));
		if ((rc = sx_id_new(u->id)) < 0)
			goto cleanup;
		snprintf(u->username, sizeof(u->username), "%s", demo_users[i].username);
		snprintf(u->display_name, sizeof(u->display_name), "%s", demo_users[i].display_name);
		snprintf(u->agency_id, sizeof(u->agency_id), "%s",
			 agencies[demo_users[i].agency].id);
		snprintf(u->role, sizeof(u->role), "%s", demo_users[i].role);
		snprintf(u->password_hash, sizeof(u->password_hash), "%s", password_hash);
		snprintf(u->password_changed_at, sizeof(u->password_changed_at), "%s", now);
		snprintf(u->created_at, sizeof(u->created_at), "%s", now);
		snprintf(u->created_by, sizeof(u->created_by), "%s", actor->user_id);
		if ((rc = store_user_insert(tx, u, err)) < 0)
			goto cleanup;
		{
			const char *const fields[] = {"agency_id", u->agency_id, "by", actor->user_id,
						      "role", u->role, NULL};

			rc = service_ledger_record_fields(NULL, svc, tx, "user.create", u->id, fields,
							  err);
			if (rc < 0)
				goto cleanup;
		}
	}

	for (size_t i = 0; i < COUNT(demo_officers); i++) {
		const struct demo_officer *d = &demo_officers[i];
		struct store_officer o;
		char check = idcheck_person_id_check_char(d->id17);

		memset(&o, 0, sizeof(o));
		if ((rc = sx_id_new(o.id)) < 0 || check == '\0') {
			rc = sx_error_setf(err, SX_EINTERNAL, NULL, NULL, "demo officer %zu", i);
			goto cleanup;
		}
		snprintf(o.agency_id, sizeof(o.agency_id), "%s", agencies[d->agency].id);
		snprintf(o.name, sizeof(o.name), "%s", d->name);
		snprintf(o.cert_no, sizeof(o.cert_no), "%s", d->cert_no);
		snprintf(o.cert_type, sizeof(o.cert_type), "%s", "行政执法证");
		snprintf(o.field, sizeof(o.field), "%s", d->field);
		snprintf(o.valid_from, sizeof(o.valid_from), "%s", "2024-01-01");
		snprintf(o.valid_to, sizeof(o.valid_to), "%s", d->valid_to);
		snprintf(o.status, sizeof(o.status), "%s", d->status);
		snprintf(o.id_number, sizeof(o.id_number), "%s%c", d->id17, check);
		for (size_t k = 0; d->username && k < COUNT(demo_users); k++) {
			if (strcmp(demo_users[k].username, d->username) == 0)
				memcpy(o.user_id, users[k].id, sizeof(o.user_id));
		}
		snprintf(o.created_at, sizeof(o.created_at), "%s", now);
		snprintf(o.created_by, sizeof(o.created_by), "%s", actor->user_id);
		if ((rc = store_officer_insert(tx, &o, err)) < 0)
			goto cleanup;
		{
			/* The certificate number is what 亮证 shows; the ID
			 * number never enters the log. */
			const char *const fields[] = {"agency_id", o.agency_id, "cert_no", o.cert_no,
						      NULL};

			rc = service_ledger_record_fields(NULL, svc, tx, "officer.create", o.id,
							  fields, err);
			if (rc < 0)
				goto cleanup;
		}
	}

	{
		struct service_demo_people people = {agencies, COUNT(agencies), users,
						     COUNT(users), actor->user_id};

		if ((rc = service_demo__lists(svc, tx, &people, err)) < 0)
			goto cleanup;
	}
	{
		struct store_audit ev = {actor->user_id, "demo.load", "database", "demo", NULL};

		if ((rc = store_audit_append(tx, &ev, err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
cleanup:
	if (rc < 0 && err && err->rc == 0)
		sx_error_set(err, rc, NULL, NULL);
	sx_free(existing);
	store_rollback(tx);
	return rc;
}
