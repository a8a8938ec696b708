/*
 * service/demo_cases — see demo_cases.h.
 */
#include "service/demo_cases.h"

#include <stdio.h>
#include <string.h>

#include "domain/account.h"
#include "domain/idcheck.h"
#include "base/mem.h"
#include "service/cases.h"
#include "service/majorcat_json.h"
#include "service/reviews.h"

#define DEMO_CASES_AGENCY "示例市市场监督管理局"
#define DEMO_CASES_PARTY "示例市某某食品有限公司"
/* 统一社会信用代码 of 示例市 (330100) whose check character is right; fictitious. */
#define DEMO_CASES_CREDIT17 "91330100MA2DEM701"

/* The actor of a demo user as a session would resolve it, without making a session. */
static int demo_cases__actor(struct service_actor *out, const struct service *svc,
			     const char *username, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_user u;
	struct store_agency a;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	if ((rc = store_user_get_by_username(&u, tx, username, err)) < 0 ||
	    (rc = store_agency_get(&a, tx, u.agency_id, err)) < 0)
		goto done;
	if ((rc = account_role_from_name(&out->role, u.role)) < 0) {
		rc = sx_error_set(err, SX_ECORRUPT, "bad_role", NULL);
		goto done;
	}
	snprintf(out->user_id, sizeof(out->user_id), "%s", u.id);
	snprintf(out->username, sizeof(out->username), "%s", u.username);
	snprintf(out->display_name, sizeof(out->display_name), "%s", u.display_name);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", a.id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", a.name);
	snprintf(out->region_code, sizeof(out->region_code), "%s", a.region_code);
done:
	store_rollback(tx);
	return rc;
}

static int demo_cases__officer(char out[STORE_ID_SIZE], const struct service *svc,
			       const char *cert_no, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_officer o;
	int rc;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		return rc;
	rc = store_officer_get_by_cert(&o, tx, cert_no, err);
	store_rollback(tx);
	if (rc == 0)
		snprintf(out, STORE_ID_SIZE, "%s", o.id);
	return rc;
}

static int demo_cases__open(struct service_case *out, const struct service *svc,
			    const struct service_actor *officer, const char *kind, const char *matter,
			    const char *cause, const char *const officers[2], const char *credit,
			    struct sx_error *err)
{
	struct service_case_input in;

	memset(&in, 0, sizeof(in));
	in.kind = kind;
	in.matter_code = matter;
	in.cause = cause;
	in.party_type = "organization";
	in.party_name = DEMO_CASES_PARTY;
	in.party_id_code = credit;
	in.party_address = "示例市某区示例路 1 号";
	in.officer_ids = officers;
	in.officer_count = 2;
	in.fine_fen = -1;
	return service_case_open(out, svc, officer, &in, err);
}

static int demo_cases__move(struct service_case *c, const struct service *svc,
			    const struct service_actor *actor, const char *to, struct sx_error *err)
{
	struct service_case moved;
	int rc;

	if ((rc = service_case_move(&moved, svc, actor, c->c.id, NULL, to, NULL, err)) < 0)
		return rc;
	service_case_clear(c);
	*c = moved;
	return 0;
}

static int demo_cases__record(struct service_record *out, const struct service *svc,
			      const struct service_actor *actor, const char *case_id,
			      const char *template_code, const char *values,
			      const char *const *officers, size_t officer_count, struct sx_error *err)
{
	struct service_record_input in;

	memset(&in, 0, sizeof(in));
	in.template_code = template_code;
	in.values_json = values;
	in.values_len = strlen(values);
	in.officer_ids = officers;
	in.officer_count = officer_count;
	return service_record_make(out, svc, actor, case_id, &in, err);
}

static const char demo_cases__inspection[] =
	"{\"inspect_start\":\"2026-11-20 09:30\",\"inspect_end\":\"2026-11-20 10:40\","
	"\"place\":\"示例市某区示例路 1 号仓库\",\"present_person\":\"王某（仓库负责人）\","
	"\"recorder\":\"张明\",\"avoid_request\":\"不申请回避\","
	"\"findings\":\"仓库货架上存放标签标注保质期至 2026 年 10 月的瓶装饮料 120 瓶，当事人称用于销售。\"}";

static const char demo_cases__notice[] =
	"{\"facts\":\"当事人销售超过保质期的瓶装饮料 120 瓶，货值 1,200 元。\","
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","
	"\"penalty_content\":\"没收违法所得 1,200 元，罚款 50,000 元\","
	"\"statement_days\":\"5\",\"hearing_days\":\"5\"}";

static const char demo_cases__decision[] =
	"{\"party_address\":\"示例市某区示例路 1 号\","
	"\"facts\":\"当事人销售超过保质期的瓶装饮料 120 瓶，货值 1,200 元。\","
	"\"evidence\":\"现场检查笔录、询问笔录、现场照片、进货单据。\","
	"\"legal_violated\":\"《中华人民共和国食品安全法》第三十四条第十项\","
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","
	"\"penalty_content\":\"一、没收违法所得 1,200 元；二、罚款 50,000 元。\","
	"\"review_body\":\"示例市人民政府\",\"review_days\":\"60\","
	"\"litigation_court\":\"示例市某区人民法院\",\"litigation_months\":\"6\"}";

static const char demo_cases__report[] =
	"{\"case_name\":\"涉嫌销售超过保质期的食品案\","
	"\"party_info\":\"示例市某某食品有限公司，统一社会信用代码见立案审批表。\","
	"\"investigation\":\"2026 年 11 月 20 日现场检查，询问仓库负责人，调取进货单据。\","
	"\"facts\":\"当事人销售超过保质期的瓶装饮料 120 瓶，货值 1,200 元。\","
	"\"evidence\":\"现场检查笔录、询问笔录、现场照片、进货单据。\","
	"\"nature\":\"违反《中华人民共和国食品安全法》第三十四条第十项。\","
	"\"legal_basis\":\"《中华人民共和国食品安全法》第一百二十四条第一款第五项\","
	"\"proposal\":\"没收违法所得 1,200 元，罚款 50,000 元。\"}";

/* The seed agency that reviews every general-procedure penalty (issue 8): the
 * default rules plus ALL_GENERAL_PENALTIES, published by the agency head. */
static int demo_cases__catalog(const struct service *svc, const struct service_actor *head,
			       struct sx_error *err)
{
	struct majorcat cat, all;
	struct service_major_catalog published;
	char *json = NULL;
	size_t len = 0;
	int rc;

	memset(&cat, 0, sizeof(cat));
	memset(&all, 0, sizeof(all));
	if ((rc = majorcat_default(&cat, err)) < 0)
		return rc;
	if (!(all.rules = sx_calloc(cat.count + 1, sizeof(*all.rules)))) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto done;
	}
	snprintf(all.rules[0].id, sizeof(all.rules[0].id), "%s", "all-general");
	snprintf(all.rules[0].title, sizeof(all.rules[0].title), "%s",
		 "普通程序作出的行政处罚决定");
	all.rules[0].kind = MAJORCAT_ALL_GENERAL_PENALTIES;
	snprintf(all.rules[0].basis, sizeof(all.rules[0].basis), "%s",
		 "《行政处罚法》第五十八条第一款第四项；本机关重大执法决定法制审核目录");
	memcpy(all.rules + 1, cat.rules, cat.count * sizeof(*cat.rules));
	all.count = cat.count + 1;
	if ((rc = majorcat_json_canonical(&json, &len, &all, err)) < 0)
		goto done;
	rc = service_major_catalog_publish(&published, svc, head, head->agency_id, json, len,
					   "演示数据：普通程序行政处罚一律法制审核", err);
	if (rc == 0)
		service_major_catalog_clear(&published);
done:
	majorcat_clear(&cat);
	majorcat_clear(&all);
	sx_free(json);
	return rc;
}

/* Saves the draft decision and submits it (the case is in 法制审核). */
static int demo_cases__submit(struct service_review *out, const struct service *svc,
			      const struct service_actor *officer, const char *case_id,
			      struct sx_error *err)
{
	struct service_draft_input in;
	struct store_case_draft d;
	int rc;

	memset(&in, 0, sizeof(in));
	in.values_json = demo_cases__decision;
	in.values_len = strlen(demo_cases__decision);
	in.acts = "fine confiscate";
	in.fine_fen = 5000000;
	in.confiscation_fen = 120000;
	in.note = "首次拟定";
	if ((rc = service_draft_save(&d, svc, officer, case_id, &in, err)) < 0)
		return rc;
	store_case_draft_clear(&d);
	return service_review_submit(out, svc, officer, case_id, false, "请予审核", err);
}

int service_demo_cases_load(struct service_demo_cases *out, const struct service *svc,
			    const struct service_actor *admin, struct sx_error *err)
{
	struct service_actor officer, head, reviewer;
	struct service_case a, b, c, d, tmp;
	struct service_record rec;
	struct service_review review;
	char zhang[STORE_ID_SIZE], wang[STORE_ID_SIZE], credit[19];
	const char *officers[2] = {zhang, wang};
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	memset(&rec, 0, sizeof(rec));
	memset(&review, 0, sizeof(review));
	if (!svc->templates)
		return sx_error_set(err, SX_EINTERNAL, "templates_unavailable", "文书模板未加载");
	if ((rc = demo_cases__actor(&officer, svc, "officer", err)) < 0 ||
	    (rc = demo_cases__actor(&head, svc, "agency_head", err)) < 0 ||
	    (rc = demo_cases__actor(&reviewer, svc, "reviewer", err)) < 0 ||
	    (rc = demo_cases__officer(zhang, svc, "33010020260001", err)) < 0 ||
	    (rc = demo_cases__officer(wang, svc, "33010020260003", err)) < 0)
		return rc;
	if ((rc = service_case_settings_put(svc, admin, officer.agency_id, "示市监", err)) < 0 ||
	    (rc = demo_cases__catalog(svc, &head, err)) < 0)
		return rc;
	memcpy(credit, DEMO_CASES_CREDIT17, 17);
	credit[17] = idcheck_credit_code_check_char(DEMO_CASES_CREDIT17);
	credit[18] = '\0';

	/* A: in 调查取证, with its 现场检查笔录; the next step waits for the video. */
	if ((rc = demo_cases__open(&a, svc, &officer, "penalty", "330100-SJ-CF-003",
				   "涉嫌销售超过保质期的食品", officers, credit, err)) < 0 ||
	    (rc = demo_cases__move(&a, svc, &officer, "investigation", err)) < 0 ||
	    (rc = demo_cases__record(&rec, svc, &officer, a.c.id, "onsite_inspection",
				     demo_cases__inspection, officers, 2, err)) < 0)
		goto done;
	service_record_clear(&rec);

	/* B: decided, the decision served with a code the party can try on /party. */
	if ((rc = demo_cases__open(&b, svc, &officer, "penalty", "330100-SJ-CF-004",
				   "涉嫌销售超过保质期的食品（已作出处罚决定）", officers, credit,
				   err)) < 0 ||
	    (rc = demo_cases__move(&b, svc, &officer, "investigation", err)) < 0)
		goto done;
	if ((rc = service_case_exempt_recording(&tmp, svc, &head, b.c.id, "investigation",
						"演示数据：执法记录仪存储卡损坏，已书面说明情况",
						err)) < 0)
		goto done;
	service_case_clear(&tmp);
	if ((rc = demo_cases__record(&rec, svc, &officer, b.c.id, "onsite_inspection",
				     demo_cases__inspection, officers, 2, err)) < 0)
		goto done;
	service_record_clear(&rec);
	if ((rc = demo_cases__record(&rec, svc, &officer, b.c.id, "investigation_report",
				     demo_cases__report, NULL, 0, err)) < 0)
		goto done;
	service_record_clear(&rec);
	/* 法制审核 (《行政处罚法》第五十八条): every general-procedure penalty of this agency. */
	if ((rc = demo_cases__move(&b, svc, &officer, "examination", err)) < 0 ||
	    (rc = demo_cases__move(&b, svc, &officer, "legal_review", err)) < 0 ||
	    (rc = demo_cases__submit(&review, svc, &officer, b.c.id, err)) < 0)
		goto done;
	{
		struct review_item items[REVIEW_CHECK_COUNT];
		struct service_review done_review;

		memset(items, 0, sizeof(items));
		for (int i = 0; i < REVIEW_CHECK_COUNT; i++)
			items[i].checked = items[i].passed = true;
		rc = service_review_conclude(&done_review, svc, &reviewer, review.r.id, items,
					     "approve", "事实清楚，证据充分，适用法律正确，裁量适当，同意。",
					     err);
		service_review_clear(&review);
		if (rc < 0)
			goto done;
		service_review_clear(&done_review);
	}
	if ((rc = demo_cases__move(&b, svc, &officer, "notice", err)) < 0 ||
	    (rc = demo_cases__record(&rec, svc, &officer, b.c.id, "penalty_notice",
				     demo_cases__notice, NULL, 0, err)) < 0)
		goto done;
	service_record_clear(&rec);
	if ((rc = demo_cases__move(&b, svc, &head, "decision", err)) < 0 ||
	    (rc = demo_cases__record(&rec, svc, &officer, b.c.id, "penalty_decision",
				     demo_cases__decision, NULL, 0, err)) < 0)
		goto done;
	snprintf(out->decided_case_no, sizeof(out->decided_case_no), "%s", b.c.case_no);
	snprintf(out->decision_doc_no, sizeof(out->decision_doc_no), "%s", rec.r.doc_no);
	snprintf(out->verify_code, sizeof(out->verify_code), "%s", rec.verify_code);
	service_record_clear(&rec);

	/* C: an inspection just started. */
	if ((rc = demo_cases__open(&c, svc, &officer, "inspection", "330100-SJ-JC-001",
				   "食品经营者日常监督检查", officers, credit, err)) < 0)
		goto done;

	/* D: submitted for legal review, waiting in the reviewer's queue. */
	if ((rc = demo_cases__open(&d, svc, &officer, "penalty", "330100-SJ-CF-003",
				   "涉嫌销售超过保质期的食品（待法制审核）", officers, credit,
				   err)) < 0 ||
	    (rc = demo_cases__move(&d, svc, &officer, "investigation", err)) < 0)
		goto done;
	if ((rc = service_case_exempt_recording(&tmp, svc, &head, d.c.id, "investigation",
						"演示数据：执法记录仪存储卡损坏，已书面说明情况",
						err)) < 0)
		goto done;
	service_case_clear(&tmp);
	if ((rc = demo_cases__record(&rec, svc, &officer, d.c.id, "onsite_inspection",
				     demo_cases__inspection, officers, 2, err)) < 0)
		goto done;
	service_record_clear(&rec);
	if ((rc = demo_cases__record(&rec, svc, &officer, d.c.id, "investigation_report",
				     demo_cases__report, NULL, 0, err)) < 0)
		goto done;
	service_record_clear(&rec);
	if ((rc = demo_cases__move(&d, svc, &officer, "examination", err)) < 0 ||
	    (rc = demo_cases__move(&d, svc, &officer, "legal_review", err)) < 0 ||
	    (rc = demo_cases__submit(&review, svc, &officer, d.c.id, err)) < 0)
		goto done;
	out->case_count = 4;
done:
	service_case_clear(&a);
	service_case_clear(&b);
	service_case_clear(&c);
	service_case_clear(&d);
	service_record_clear(&rec);
	service_review_clear(&review);
	return rc;
}
