// tests/browser/officer_case_flow.mjs — an officer works a case on a phone (ctest
// browser.officer_case_flow).
//
// The staff pages of 执法全过程记录 are made for the phone an officer carries on site. This test
// drives them in Debian's Chromium (playwright-core) on a 390×844 phone screen against a real
// `sanxiang serve` (init + demo data in a temp dir), the way 张明 (demo user "officer") would:
//
//   1. logs in, opens /staff/cases and presses 立案: a penalty case of matter 330100-SJ-CF-003
//      (its 音像记录 list requires audio or video in 调查取证) with two officers, 张明 (his own
//      record, preselected as 承办人) and 王芳;
//   2. moves it 立案 → 调查取证;
//   3. makes a 现场检查笔录 (a field act) with both officers present;
//   4. sees the 调查取证 → 审查 button disabled with the 音像记录 reason under it
//      (service_case_next.blocked_message: 须录音或录像);
//   5. uploads a small video (two 4 MiB pieces, web/static/upload.js) and watches the progress bar
//      reach 100 %, after which the page reloads with the evidence listed;
//   6. now the button is enabled; the move works and the timeline shows 立案, 调查取证, 审查.
//
// On every page: the phone layout (width 390, no horizontal scroll) and no failed request, page
// error or console error (a CSP violation would show there). Then the case page once more with
// JavaScript off: it must say that uploading needs JavaScript. Finally the server must stop on
// SIGTERM with exit status 0.
//
// Run:   SANXIANG_BIN=build/debug/sanxiang node tests/browser/officer_case_flow.mjs   (ctest -L browser)
// Needs: /usr/bin/chromium, setpriv, a CJK font and tests/browser/node_modules (scripts/setup).
//        Anything missing FAILS the run, naming scripts/setup.
//
// Invariants: one server (loopback, free port) and one Chromium per run; the run's files live in
// one temp dir, removed after a pass unless SANXIANG_KEEP_TEST_DIR is set, kept and named after a
// failure. The steps depend on each other and run in order on one phone context.
//
// What this does not do: it downloads no browser, reaches no address but 127.0.0.1, and takes no
// screenshots unless SANXIANG_KEEP_TEST_DIR is set. The server, Chromium, prerequisite and login
// helpers are shared with the other browser tests in lib.mjs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { check, finishRun, login, newRun, phone, PHONE, STEP_TIMEOUT_MS, STOP_TIMEOUT_MS,
	startRun, stopServer, submitAndWait, watch } from './lib.mjs';

const MATTER = '330100-SJ-CF-003';      // 处罚, 调查取证 needs audio or video (data/demo/lists.json)
const VIDEO_BYTES = 5 * 1024 * 1024 + 123; // more than one 4 MiB piece

const run = newRun({ context: null, page: null, failures: [], caseUrl: null });

// Width 390 (the viewport meta works), no sideways scrolling, nothing failed so far.
async function assertPhoneLayout(page, failures, where)
{
	const m = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		bodyScrollWidth: document.body.scrollWidth,
		innerWidth: window.innerWidth,
		sheets: document.styleSheets.length,
	}));
	assert.equal(m.innerWidth, 390, `${where}: layout viewport is the phone width`);
	assert.ok(m.scrollWidth <= 390 && m.bodyScrollWidth <= 390,
		`${where}: no horizontal scroll: scrollWidth ${m.scrollWidth}, body ${m.bodyScrollWidth}`);
	assert.ok(m.sheets >= 1, `${where}: the stylesheet is linked`);
	assert.deepEqual(failures, [], `${where}: no failed requests or page errors`);
	if (process.env.SANXIANG_KEEP_TEST_DIR)
		await page.screenshot({ path: path.join(run.dir, `${where}.png`), fullPage: true });
}

// The form of the move to `to` on the case page, and its button.
function moveForm(page, to)
{
	const form = page.locator(`form.move[data-to="${to}"]`);
	return { form, button: form.locator('button[type="submit"]') };
}

// A small MP4-looking file: an ftyp box, then filler. The server stores bytes; it does not decode.
function videoBytes()
{
	const buf = Buffer.alloc(VIDEO_BYTES);
	buf.writeUInt32BE(24, 0);
	buf.write('ftypisom', 4, 'latin1');
	for (let i = 24; i < buf.length; i++)
		buf[i] = (i * 31 + 7) & 0xff;
	return buf;
}

// ---- the flow --------------------------------------------------------------------------------

before(() => startRun(run, {
	dirPrefix: 'sanxiang-case-flow-',
	more: async () => {
		run.context = await run.browser.newContext(PHONE);
		run.page = await run.context.newPage();
		run.page.setDefaultTimeout(STEP_TIMEOUT_MS);
		watch(run.page, run.failures);
	},
}));

after(() => finishRun(run, 'server.log'));

// Steps depend on the ones before: after a failure the rest are skipped, not run on a broken state.
const step = (name, fn) => check(run, name, fn, { skipAfterFailure: true });

step('the officer logs in on a phone and sees the case list with a 立案 button', async () => {
	const { page, failures } = run;
	await login(run, page, 'officer');
	await page.goto(`${run.base}/staff/cases`);
	await assertPhoneLayout(page, failures, 'cases-list');
	assert.equal(await page.locator('nav.case-tabs a[aria-current="page"]').innerText(), '我的案件');
	await submitAndWait(page, () => page.getByRole('link', { name: '立案' }).click());
	assert.equal(new URL(page.url()).pathname, '/staff/cases/new');
});

step('a case of 330100-SJ-CF-003 is opened with two officers, the officer himself first', async () => {
	const { page, failures } = run;
	await assertPhoneLayout(page, failures, 'case-new');
	const own = page.locator('label.check', { hasText: '张明' }).locator('input');
	assert.ok(await own.isChecked(), "the officer's own record is preselected");
	await page.locator('select[name="kind"]').selectOption('penalty');
	await page.locator('select[name="procedure"]').selectOption('general');
	await page.locator('select[name="matter_code"]').selectOption(MATTER);
	await page.locator('input[name="cause"]').fill('安排未取得健康证明的人员从事接触直接入口食品的工作');
	await page.locator('select[name="party_type"]').selectOption('organization');
	await page.locator('input[name="party_name"]').fill('示例市某某餐饮店');
	await page.locator('label.check', { hasText: '王芳' }).locator('input').check();
	const res = await submitAndWait(page,
		() => page.locator('form.case-form button[type="submit"]').click());
	assert.equal(res.status(), 200);
	assert.match(new URL(page.url()).pathname, /^\/staff\/cases\/[0-9A-Z]+$/);
	run.caseUrl = `${run.base}${new URL(page.url()).pathname}`;
	assert.match(await page.locator('p.notice[role="status"]').innerText(), /已立案/);
	assert.match(await page.locator('h1.case-no').innerText(), /案〔\d{4}〕\d+号/);
	const officers = await page.locator('ul.case-officers').innerText();
	assert.match(officers, /张明.*承办人/);
	assert.match(officers, /王芳/);
	await assertPhoneLayout(page, failures, 'case-filed');
});

step('the case moves 立案 → 调查取证', async () => {
	const { page, failures } = run;
	const { button } = moveForm(page, 'investigation');
	assert.ok(await button.isEnabled(), '立案 → 调查取证 is allowed');
	await submitAndWait(page, () => button.click());
	assert.match(await page.locator('p.notice[role="status"]').innerText(), /已转入/);
	assert.equal(await page.locator('.stage-current').innerText(), '调查取证');
	await assertPhoneLayout(page, failures, 'case-investigation');
});

step('a 现场检查笔录 is made with two officers present', async () => {
	const { page, failures } = run;
	await page.locator('form.make-record select[name="template"]').selectOption('onsite_inspection');
	await submitAndWait(page, () => page.getByRole('button', { name: '制作文书' }).click());
	assert.equal(await page.locator('h1').innerText(), '现场检查笔录');
	await assertPhoneLayout(page, failures, 'record-new');
	const present = page.locator('fieldset input[name="officer_id"]:checked');
	assert.equal(await present.count(), 2, "the case's two officers are preselected");
	await page.locator('input[name="f_inspect_start"]').fill('2026-03-05T10:00');
	await page.locator('input[name="f_inspect_end"]').fill('2026-03-05T10:40');
	await page.locator('input[name="f_place"]').fill('示例市某区某路 8 号后厨');
	await page.locator('input[name="f_present_person"]').fill('李某');
	await page.locator('input[name="f_recorder"]').fill('王芳');
	await page.locator('select[name="f_avoid_request"]').selectOption('不申请回避');
	await page.locator('textarea[name="f_findings"]').fill('后厨两名从业人员未能出示有效健康证明。');
	await submitAndWait(page, () => page.getByRole('button', { name: '保存文书' }).click());
	assert.equal(`${run.base}${new URL(page.url()).pathname}`, run.caseUrl);
	assert.match(await page.locator('ul.records').innerText(), /现场检查笔录/);
	await assertPhoneLayout(page, failures, 'record-made');
});

step('调查取证 → 审查 is disabled and says that audio or video is missing', async () => {
	const { page } = run;
	const { form, button } = moveForm(page, 'examination');
	assert.equal(await form.count(), 1, 'a form for 调查取证 → 审查');
	assert.ok(await button.isDisabled(), 'the button is disabled');
	const why = await form.locator('.blocked-reason').innerText();
	assert.match(why, /录音或录像/, `the reason names the 音像记录 requirement: "${why}"`);
	assert.ok(await form.locator('.blocked-reason').isVisible(), 'the reason is shown');
});

step('a small video uploads in pieces with the progress bar reaching 100 %', async () => {
	const { page, failures } = run;
	const form = page.locator('form.upload-form');
	assert.ok(await form.isVisible(), 'with JavaScript the upload form is shown');
	assert.ok(!(await page.locator('.upload-nojs').isVisible()), 'the no-JavaScript note is hidden');
	await form.locator('input[name="file"]').setInputFiles({
		name: '现场执法记录.mp4', mimeType: 'video/mp4', buffer: videoBytes(),
	});
	await form.locator('select[name="kind"]').selectOption('video');
	assert.equal(await form.locator('select[name="stage"]').inputValue(), 'investigation');
	await form.locator('input[name="captured_start"]').fill('2026-03-05T10:00');
	await form.locator('input[name="captured_end"]').fill('2026-03-05T10:40');
	await form.locator('input[name="device_id"]').fill('ZFJLY-0012');
	await form.locator('input[name="place"]').fill('示例市某区某路 8 号');
	const puts = [];
	page.on('request', (r) => {
		if (r.method() === 'PUT')
			puts.push(r.headers()['content-range']);
	});
	let reloadError = null;
	const reloaded = page.waitForEvent('load', { timeout: STEP_TIMEOUT_MS })
		.catch((e) => { reloadError = e; });
	await form.locator('button[type="submit"]').click();
	try {
		await page.waitForFunction(() => {
			const bar = document.querySelector('progress.upload-progress');
			return bar && bar.value >= 100;
		}, null, { timeout: STEP_TIMEOUT_MS, polling: 50 });
	} catch (e) {
		const said = await page.locator('.upload-status').innerText().catch(() => '?');
		throw new Error(`the progress bar did not reach 100 %; the page says "${said}"`);
	}
	await reloaded;
	assert.equal(reloadError, null, 'the page reloads after the upload');
	assert.ok(puts.length >= 2, `sent in pieces: ${JSON.stringify(puts)}`);
	assert.equal(puts[0], `bytes 0-${4 * 1024 * 1024 - 1}/${VIDEO_BYTES}`);
	const evidence = await page.locator('ul.evidence').innerText();
	assert.match(evidence, /视频/);
	assert.match(evidence, /现场执法记录\.mp4/);
	assert.match(await page.locator('ul.av').innerText(), /调查取证.*已满足/);
	await assertPhoneLayout(page, failures, 'evidence-uploaded');
});

step('now 调查取证 → 审查 is enabled, the move works and the timeline shows the steps', async () => {
	const { page, failures } = run;
	const { form, button } = moveForm(page, 'examination');
	assert.ok(await button.isEnabled(), 'the button is enabled');
	assert.equal(await form.locator('.blocked-reason').count(), 0, 'no blocked reason');
	await submitAndWait(page, () => button.click());
	assert.equal(await page.locator('.stage-current').innerText(), '审查');
	const steps = await page.locator('ol.timeline > li .stage').allInnerTexts();
	assert.deepEqual(steps, ['立案', '调查取证', '审查']);
	await assertPhoneLayout(page, failures, 'case-examination');
});

step('without JavaScript the case page says that uploading needs JavaScript', async () => {
	const { context, page, failures } = await phone(run, { javaScriptEnabled: false });
	try {
		await login(run, page, 'officer');
		await page.goto(run.caseUrl);
		assert.ok(await page.locator('.upload-nojs').isVisible());
		assert.match(await page.locator('.upload-nojs').innerText(), /上传证据需要启用 JavaScript/);
		assert.ok(!(await page.locator('form.upload-form').isVisible()), 'no upload form');
		await assertPhoneLayout(page, failures, 'case-nojs');
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
