/*
 * service/demo_cases — demo case files for `sanxiang demo` (after
 * service_demo_load): four cases of 示例市市场监督管理局, made through the
 * same service calls staff use, so that a first look at /staff/cases shows
 * the case file at work:
 *   - a penalty case in 调查取证 with its 现场检查笔录, whose next step waits
 *     for the audio/video the 音像记录事项清单 requires;
 *   - a penalty case decided after a passed legal review (draft, submission,
 *     the reviewer's 同意 and 法制审核意见书), with its 事先告知书 and a served
 *     行政处罚决定书 (the agency head exempted the recording of its
 *     investigation, with the reason on record) — its 案号 and 查验码 open /party;
 *   - an inspection just started;
 *   - a penalty case submitted for legal review, in the reviewer's queue.
 * It also sets the agency's 文书简称 示市监 and publishes its catalog of major
 * decisions: the default rules plus every general-procedure penalty. Kept
 * apart from service_demo_load so that service tests start from a database
 * without cases (and without that catalog).
 */
#ifndef SX_SERVICE_DEMO_CASES_H
#define SX_SERVICE_DEMO_CASES_H

#include "service/cases.h"

struct service_demo_cases {
	size_t case_count;
	char decided_case_no[STORE_CASE_NO_SIZE];   /* for /party */
	char decision_doc_no[STORE_CASE_NO_SIZE];
	char verify_code[SERVICE_CASE_VERIFY_CODE_SIZE];
};

/* Needs svc->templates. admin: the command line's actor (sets the 文书简称). */
int service_demo_cases_load(struct service_demo_cases *out, const struct service *svc,
			    const struct service_actor *admin, struct sx_error *err);

#endif
