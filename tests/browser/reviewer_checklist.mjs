// tests/browser/reviewer_checklist.mjs — a legal reviewer fills the ten-point checklist on a phone
// (ctest browser.reviewer_checklist).
//
// The legal review of a major decision (重大执法决定法制审核, docs/reviews.md) is done on the staff
// pages. This test drives them in Debian's Chromium (playwright-core) on a 390×844 phone screen
// against a real `sanxiang serve` (init + demo data in a temp dir):
//
//   0. through the JSON API, as the demo users: the agency head publishes a catalog that makes
//      every 普通程序 penalty major; the officer (张明) opens a case with 王芳, makes a 现场检查笔录,
//      uploads a small video, makes the 调查终结报告, moves the case to 法制审核, saves a draft
//      decision and submits it (accepted, the clock runs);
//   1. the reviewer (周律, demo user "reviewer") logs in, opens /staff/reviews and sees the case
//      in the queue with its 剩余工作日;
//   2. opens the review: not on the case, he names the 调阅理由 first; the page shows the draft's
//      values and the checklist form;
//   3. fills the ten items, one of them (证据确凿充分) 存在问题 with a note, chooses 建议修改 and
//      writes the opinion; after the POST the page says 已审结, shows 建议修改, the problem with its
//      note, and links the 法制审核意见书 (its PDF downloads);
//   4. the agency head opens the case page (with a 调阅理由): the move towards the decision
//      (法制审核 → 告知) is a disabled button with the reason under it (法制审核未通过).
//
// On every page: the phone layout (width 390, no horizontal scroll) and no failed request, page
// error or console error (a CSP violation would show there). Finally the server must stop on
// SIGTERM with exit status 0.
//
// Run:   SANXIANG_BIN=build/debug/sanxiang node tests/browser/reviewer_checklist.mjs  (ctest -L browser)
// Needs: /usr/bin/chromium, setpriv, a CJK font and tests/browser/node_modules (scripts/setup).
//        Anything missing FAILS the run, naming scripts/setup.
//
// Invariants: one server (loopback, free port) and one Chromium per run; the run's files live in
// one temp dir, removed after a pass unless SANXIANG_KEEP_TEST_DIR is set, kept and named after a
// failure. The steps depend on each other and run in order.
//
// What this does not do: it reaches no address but 127.0.0.1 and takes no screenshots unless
// SANXIANG_KEEP_TEST_DIR is set. The API calls of step 0 use node's fetch with the session cookie
// and the X-CSRF-Token header, as any API client would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { check, DEMO_PASSWORD, finishRun, login, newRun, phone, PHONE, STEP_TIMEOUT_MS,
	STOP_TIMEOUT_MS, startRun, stopServer, submitAndWait, watch } from './lib.mjs';

const MATTER = '330100-SJ-CF-003';  // 处罚, not flagged major: the catalog makes it major
const ZHANG_CERT = '33010020260001'; // 张明, demo user "officer"
const WANG_CERT = '33010020260003';  // 王芳
const PROBLEM_NOTE = '违法所得数额仅有当事人陈述，缺少销售记录';
const OPINION = '建议补充违法所得的证据后重新送审。';

const CATALOG = {
	catalog: { rules: [{ id: 'all-general', title: '本机关作出的全部普通程序行政处罚决定',
		kind: 'all_general_penalties', acts: [], threshold_fen: 0, party_type: '',
		matter_codes: [], basis: '《行政处罚法》第五十八条第一款第四项' }] },
	note: '首次发布',
};

const DECISION_VALUES = {
	party_address: '示例市某区某路 1 号', facts: '当事人销售超过保质期的饮料。',
	evidence: '现场检查笔录、执法记录仪视频。',
	legal_violated: '《中华人民共和国食品安全法》第三十四条第十项',
	legal_basis: '《中华人民共和国食品安全法》第一百二十四条第一款第五项',
	penalty_content: '没收违法所得 1200 元，罚款 50000 元。', review_body: '示例市人民政府',
	review_days: '60', litigation_court: '示例市某区人民法院', litigation_months: '6',
};

const run = newRun({ context: null, page: null, failures: [], caseId: null, caseNo: null,
	reviewId: null });

// ---- a small API client (session cookie + CSRF header) ----------------------------------------

async function apiLogin(username)
{
	const res = await fetch(`${run.base}/api/v1/session`, {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password: DEMO_PASSWORD }),
	});
	assert.equal(res.status, 201, `${username} logs in`);
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0])
		.find((c) => c.startsWith('sx_session='));
	const body = await res.json();
	assert.ok(cookie && body.csrf_token, `${username} has a session and a CSRF token`);
	return { cookie, csrf: body.csrf_token, user: body.user };
}

async function api(s, method, p, body, { status = null, raw = null, headers = {} } = {})
{
	const res = await fetch(`${run.base}${p}`, {
		method,
		headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Accept: 'application/json',
			...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
		body: raw ?? (body !== undefined ? JSON.stringify(body) : undefined),
	});
	const text = await res.text();
	if (status !== null)
		assert.equal(res.status, status, `${method} ${p}: ${text}`);
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

async function officerId(s, cert)
{
	const r = await api(s, 'GET', '/api/v1/staff/officers?page_size=100', undefined, { status: 200 });
	const o = r.officers.find((x) => x.cert_no === cert);
	assert.ok(o, `officer ${cert} is listed`);
	return o.id;
}

// 18-character 统一社会信用代码 with its check character (GB 32100-2015).
function creditCode(first17)
{
	const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
	let sum = 0;
	for (let i = 0; i < 17; i++)
		sum += chars.indexOf(first17[i]) * weights[i];
	return first17 + chars[(31 - (sum % 31)) % 31];
}

async function move(s, caseId, to, reason)
{
	const r = await api(s, 'POST', `/api/v1/cases/${caseId}/move`, reason ? { to, reason } : { to },
		{ status: 200 });
	assert.equal(r.case.stage, to);
}

// ---- the flow --------------------------------------------------------------------------------

// Width 390, no sideways scrolling, nothing failed so far.
async function assertPhoneLayout(page, failures, where)
{
	const m = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		bodyScrollWidth: document.body.scrollWidth,
		innerWidth: window.innerWidth,
	}));
	assert.equal(m.innerWidth, 390, `${where}: layout viewport is the phone width`);
	assert.ok(m.scrollWidth <= 390 && m.bodyScrollWidth <= 390,
		`${where}: no horizontal scroll: scrollWidth ${m.scrollWidth}, body ${m.bodyScrollWidth}`);
	assert.deepEqual(failures, [], `${where}: no failed requests or page errors`);
	if (process.env.SANXIANG_KEEP_TEST_DIR)
		await page.screenshot({ path: path.join(run.dir, `${where}.png`), fullPage: true });
}

before(() => startRun(run, {
	dirPrefix: 'sanxiang-reviewer-',
	more: async () => {
		run.context = await run.browser.newContext(PHONE);
		run.page = await run.context.newPage();
		run.page.setDefaultTimeout(STEP_TIMEOUT_MS);
		watch(run.page, run.failures);
	},
}));

after(() => finishRun(run, 'server.log'));

const step = (name, fn) => check(run, name, fn, { skipAfterFailure: true });

step('through the API: a major case in 法制审核 with a submitted draft', async () => {
	const head = await apiLogin('agency_head');
	const officer = await apiLogin('officer');
	await api(head, 'POST', `/api/v1/agencies/${head.user.agency_id}/major-catalog`, CATALOG,
		{ status: 201 });

	const ids = [await officerId(officer, ZHANG_CERT), await officerId(officer, WANG_CERT)];
	const opened = await api(officer, 'POST', '/api/v1/cases', {
		kind: 'penalty', procedure: 'general', matter_code: MATTER, cause: '涉嫌销售过期食品',
		party_type: 'organization', party_name: '示例市某某超市有限公司',
		party_id_code: creditCode('91330106MA0000009'), party_address: '示例市某区某路 1 号',
		officer_ids: ids,
	}, { status: 201 });
	run.caseId = opened.case.id;
	run.caseNo = opened.case.case_no;
	await move(officer, run.caseId, 'investigation');
	await api(officer, 'POST', `/api/v1/cases/${run.caseId}/records`, {
		template: 'onsite_inspection', officer_ids: ids, values: {
			inspect_start: '2026-12-01 09:00', inspect_end: '2026-12-01 10:30',
			place: '示例市某区某路 1 号仓库', present_person: '王某（仓库管理员）', recorder: '张明',
			avoid_request: '不申请回避', findings: '仓库内存放超过保质期的饮料 120 瓶。',
		},
	}, { status: 201 });

	const video = Buffer.from('ftyp-isom video of the inspection, 0123456789abcdefghijklmnop');
	const now = Date.now();
	const up = await api(officer, 'POST', `/api/v1/cases/${run.caseId}/uploads`, {
		kind: 'video', size: video.length, content_type: 'video/mp4', file_name: '现场检查.mp4',
		captured_start: new Date(now - 3600_000).toISOString(),
		captured_end: new Date(now - 1800_000).toISOString(), device_id: 'ZFJLY-0012',
		place: '示例市某区某路 1 号仓库',
	}, { status: 201 });
	await api(officer, 'PUT', `/api/v1/uploads/${up.upload.id}`, undefined, {
		status: 201, raw: video, headers: { 'Content-Type': 'application/octet-stream',
			'Content-Range': `bytes 0-${video.length - 1}/${video.length}` },
	});
	await move(officer, run.caseId, 'examination');
	await api(officer, 'POST', `/api/v1/cases/${run.caseId}/records`, {
		template: 'investigation_report', values: {
			case_name: '某公司销售过期食品案', party_info: '示例市某某超市有限公司',
			investigation: '现场检查，制作现场检查笔录。', facts: '当事人销售超过保质期的饮料。',
			evidence: '现场检查笔录、执法记录仪视频。', nature: '违反《中华人民共和国食品安全法》。',
			legal_basis: '《中华人民共和国食品安全法》第一百二十四条第一款第五项',
			proposal: '没收违法所得，罚款。',
		},
	}, { status: 201 });
	await move(officer, run.caseId, 'legal_review');
	await api(officer, 'POST', `/api/v1/cases/${run.caseId}/drafts`, {
		values: DECISION_VALUES, acts: 'fine confiscate', fine_fen: 5000000,
		confiscation_fen: 120000, note: '拟稿',
	}, { status: 201 });
	const submitted = await api(officer, 'POST', `/api/v1/cases/${run.caseId}/reviews`,
		{ urgent: false, note: '请审核' }, { status: 201 });
	assert.equal(submitted.review.status, 'accepted');
	run.reviewId = submitted.review.id;
});

step('the reviewer sees the case in the queue with its working days left', async () => {
	const { page, failures } = run;
	await login(run, page, 'reviewer');
	await page.goto(`${run.base}/staff/reviews`);
	assert.equal(await page.locator('nav.case-tabs a[aria-current="page"]').innerText(), '待审队列');
	const row = page.locator('table.reviews-list tbody tr', { hasText: run.caseNo });
	assert.equal(await row.count(), 1, 'the case is in the queue');
	assert.match(await row.innerText(), /审核中/);
	assert.match(await row.innerText(), /剩余 \d 个工作日/);
	await assertPhoneLayout(page, failures, 'review-queue');
	await submitAndWait(page, () => row.locator('a').first().click());
	assert.equal(new URL(page.url()).pathname, `/staff/reviews/${run.reviewId}`);
});

step('not on the case, the reviewer names the 调阅理由 and sees the draft and the checklist', async () => {
	const { page, failures } = run;
	assert.match(await page.locator('h1').innerText(), /调阅/);
	await page.locator('textarea[name="reason"]').fill('法制审核');
	await submitAndWait(page, () => page.getByRole('button', { name: '调阅' }).click());
	assert.match(await page.locator('h1').innerText(), new RegExp(run.caseNo.replace(/[()[\]]/g, '\\$&')));
	assert.match(await page.locator('dl.draft-values').innerText(), /罚款 50000 元/);
	assert.match(await page.locator('dl.draft-values').innerText(), /罚款、没收违法所得/);
	assert.equal(await page.locator('form.checklist-form fieldset.check-item').count(), 10);
	await assertPhoneLayout(page, failures, 'review-open');
});

step('the checklist with one problem and 建议修改 concludes the review', async () => {
	const { page, failures } = run;
	const form = page.locator('form.checklist-form');
	for (const item of await form.locator('fieldset.check-item').all()) {
		const code = await item.getAttribute('data-item');
		await item.locator(`input[value="${code === 'evidence' ? 'problem' : 'pass'}"]`).check();
		if (code === 'evidence')
			await item.locator('textarea').fill(PROBLEM_NOTE);
	}
	await form.locator('input[name="conclusion"][value="amend"]').check();
	await form.locator('textarea[name="opinion"]').fill(OPINION);
	const res = await submitAndWait(page, () => form.locator('button[type="submit"]').click());
	assert.equal(res.status(), 200);
	assert.match(await page.locator('p.notice[role="status"]').innerText(), /已审结/);
	assert.equal(await page.locator('.review-status').first().innerText(), '已审结');
	assert.match(await page.locator('p.conclusion').innerText(), /建议修改/);
	const problem = page.locator('table.checklist-result tr.problem');
	assert.equal(await problem.count(), 1, 'one item has a problem');
	assert.match(await problem.innerText(), /证据确凿充分/);
	assert.match(await problem.innerText(), new RegExp(PROBLEM_NOTE));
	assert.match(await page.locator('p.opinion').innerText(), new RegExp(OPINION));
	assert.equal(await page.locator('form.checklist-form').count(), 0, 'no checklist any more');
	const link = page.locator('p.opinion-record a');
	assert.equal(await link.innerText(), '法制审核意见书（PDF）');
	const href = await link.getAttribute('href');
	assert.match(href, /^\/api\/v1\/records\/[0-9A-Z]+\/pdf\?reason=/);
	const pdf = await page.context().request.get(`${run.base}${href}`);
	assert.equal(pdf.status(), 200);
	assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
	await assertPhoneLayout(page, failures, 'review-concluded');
});

step('the agency head sees the way to the decision blocked, with the reason', async () => {
	const { context, page, failures } = await phone(run);
	try {
		await login(run, page, 'agency_head');
		await page.goto(`${run.base}/staff/cases/${run.caseId}`);
		await page.locator('textarea[name="reason"]').fill('审批');
		await submitAndWait(page, () => page.getByRole('button', { name: '调阅' }).click());
		assert.equal(await page.locator('.stage-current').innerText(), '法制审核');
		const form = page.locator('form.move[data-to="notice"]');
		assert.equal(await form.count(), 1, 'a form for 法制审核 → 告知');
		assert.ok(await form.locator('button[type="submit"]').isDisabled(), 'the button is disabled');
		const why = await form.locator('.blocked-reason').innerText();
		assert.match(why, /法制审核未通过/, `the reason names the review: "${why}"`);
		const decision = page.locator('form.move[data-to="decision"] button[type="submit"]');
		for (const b of await decision.all())
			assert.ok(await b.isDisabled(), 'no enabled way to the decision');
		const section = page.locator('section.case-review');
		if (await section.count())
			assert.match(await section.innerText(), /建议修改/);
		await assertPhoneLayout(page, failures, 'case-blocked');
	} finally {
		await context.close();
	}
});

test('the server stops on SIGTERM with exit status 0', { timeout: 60_000 }, async () => {
	assert.ok(run.server, 'the server is running');
	if (run.browser)
		await run.browser.close().catch(() => {});
	run.browser = null;
	const result = await stopServer(run);
	try {
		assert.ok(result, `the server exited within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
		assert.deepEqual(result, { code: 0, signal: null });
	} catch (e) {
		run.failed = true;
		throw e;
	}
});
