// tests/browser/run.mjs — 亮证 in a real browser on a phone-sized screen.
//
// A citizen at the door scans the QR code on an officer's certificate with a phone and must see at
// once whether that person may enforce. This test does exactly that against a real server: it
// starts `sanxiang serve` on a free port (init + demo data in a temp dir), fetches the QR code the
// server draws for a demo officer, decodes it with zbarimg, opens the URL the code carries in
// Debian's Chromium (driven by playwright-core) with a phone's viewport, and checks the verdict:
// valid (张明), suspended (赵强, a warning), expired (李华) and unknown numbers (查无此证) — with
// JavaScript on and off, without horizontal scrolling, with the verdict on the first screen and
// drawn in a real CJK font. At the end the server must stop on SIGTERM with exit status 0.
//
// Run:   SANXIANG_BIN=build/debug/sanxiang node tests/browser/run.mjs      (ctest: -L browser)
// Needs: /usr/bin/chromium, zbarimg, a CJK font, and tests/browser/node_modules (scripts/setup
//        installs all of them). Anything missing FAILS the run with a message naming
//        scripts/setup: a browser test that silently skips is a browser test nobody runs.
//
// Invariants: the server's public URL is its own loopback address (a free port is picked first),
// so the URL a QR code carries opens directly; one server and one Chromium per run; everything
// the run writes (database, logs, QR images, screenshots) lives in one temp dir, removed after a
// run that passed unless SANXIANG_KEEP_TEST_DIR is set; after a failure it is kept and named.
// The server is started under `setpriv --pdeathsig KILL`, so a killed test run leaves no server.
//
// What this does not do: it downloads no browser (`npx playwright install` is never used; the
// browser is Debian's), reaches no address but 127.0.0.1, and does not test the staff UI.
//
// Follows: node:test (TAP output, summary lines `# pass N` / `# fail N`); the phone is an
// iPhone-12-class screen, 390×844 CSS px at device scale factor 3. The server, Chromium and
// prerequisite helpers are shared with the other browser tests in lib.mjs.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { check as checkOf, cjkFontFamilies, execFileP, finishRun, newRun, phone as phoneOf,
	startRun, stopServer, STOP_TIMEOUT_MS } from './lib.mjs';

// The demo officers (src/service/demo.c) and what a citizen must see for each.
const CASES = [
	{ key: 'valid', cert: '33010020260001', status: 200, cls: 'verdict-valid', word: '有效',
		name: '张明', mustSay: ['有效'], mustNotSay: ['警告'] },
	{ key: 'suspended', cert: '33010020260004', status: 200, cls: 'verdict-suspended',
		word: '已暂停执法', name: '赵强', mustSay: ['警告', '已暂停执法', '不能执法'],
		mustNotSay: [] },
	{ key: 'expired', cert: '33010020260002', status: 200, cls: 'verdict-expired',
		word: '已过期', name: '李华', mustSay: ['警告', '已过期'], mustNotSay: [] },
	{ key: 'unknown', cert: '33010099999999', status: 404, cls: 'verdict-unknown',
		word: '查无此证', name: null, mustSay: ['查无此证', '33010099999999'],
		mustNotSay: [] },
];
const byKey = Object.fromEntries(CASES.map((c) => [c.key, c]));

const run = newRun();

// ---- the browser -----------------------------------------------------------------------------

// A fresh phone context: nothing carries over from one check to the next.
const phone = (options = {}) => phoneOf(run, options);

// The URL a printed QR code of cert carries, as a phone's camera would read it.
async function qrUrl(cert)
{
	const res = await fetch(`${run.base}/verify/officer/qr.png?cert=${cert}`);
	assert.equal(res.status, 200, `QR code of ${cert}: HTTP ${res.status}`);
	assert.equal(res.headers.get('content-type'), 'image/png');
	const file = path.join(run.dir, `qr-${cert}.png`);
	writeFileSync(file, Buffer.from(await res.arrayBuffer()));
	const { stdout } = await execFileP('zbarimg', ['--nodbus', '--raw', '-q', file]);
	return stdout.trim();
}

// Checks that the page shows c's verdict the way a citizen at a door needs it.
async function assertVerdict(page, c)
{
	const verdict = page.locator('.verdict');
	assert.equal(await verdict.count(), 1, 'exactly one verdict on the page');
	const cls = (await verdict.getAttribute('class')).split(/\s+/);
	assert.ok(cls.includes(c.cls), `verdict has class ${c.cls}, has "${cls.join(' ')}"`);
	assert.equal((await page.locator('.verdict-word').innerText()).trim(), c.word);
	const text = await verdict.innerText();
	for (const s of c.mustSay)
		assert.ok(text.includes(s), `verdict says ${s}: "${text}"`);
	for (const s of c.mustNotSay)
		assert.ok(!text.includes(s), `verdict does not say ${s}: "${text}"`);
	if (c.name) {
		const dl = await page.locator('dl.officer').innerText();
		assert.ok(dl.includes(c.name), `officer's name ${c.name} shown: "${dl}"`);
		assert.ok(dl.includes(c.cert), `certificate number ${c.cert} shown`);
	} else {
		assert.equal(await page.locator('dl.officer').count(), 0, 'no officer details');
	}
}

// No sideways scrolling, the verdict fully on the first screen and in large type, drawn in a
// font that has Chinese glyphs, and every stylesheet loaded.
async function assertPhoneLayout(page, failures)
{
	const m = await page.evaluate(() => {
		const v = document.querySelector('.verdict');
		const r = v ? v.getBoundingClientRect() : null;
		const w = document.querySelector('.verdict-word');
		return {
			scrollWidth: document.documentElement.scrollWidth,
			bodyScrollWidth: document.body.scrollWidth,
			innerWidth: window.innerWidth,
			top: r && r.top + window.scrollY,
			bottom: r && r.bottom + window.scrollY,
			wordPx: w ? parseFloat(getComputedStyle(w).fontSize) : 0,
			sheets: document.styleSheets.length,
		};
	});
	assert.equal(m.innerWidth, 390, 'layout viewport is the phone width (meta viewport works)');
	assert.ok(m.scrollWidth <= 390 && m.bodyScrollWidth <= 390,
		`no horizontal scroll: scrollWidth ${m.scrollWidth}, body ${m.bodyScrollWidth}`);
	if (m.top !== null) {
		assert.ok(m.top >= 0 && m.bottom <= 844,
			`verdict within the first screen: ${m.top}..${m.bottom} of 844`);
		assert.ok(m.wordPx >= 24, `verdict word in large type: ${m.wordPx}px`);
		await assertCjkFont(page, '.verdict-word');
	}
	assert.ok(m.sheets >= 1, 'the stylesheet is linked');
	assert.deepEqual(failures, [], 'no failed requests or page errors');
}

// Which fonts Chromium actually drew sel's text with must all be fonts that have Chinese glyphs:
// with none installed the verdict would be boxes (tofu) and unreadable.
async function assertCjkFont(page, sel)
{
	const cdp = await page.context().newCDPSession(page);
	try {
		await cdp.send('DOM.enable');
		await cdp.send('CSS.enable');
		const { root } = await cdp.send('DOM.getDocument');
		const { nodeId } = await cdp.send('DOM.querySelector',
			{ nodeId: root.nodeId, selector: sel });
		const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
		const cjk = await cjkFontFamilies();
		assert.ok(fonts.length > 0, `Chromium reports the fonts of ${sel}`);
		for (const f of fonts)
			assert.ok(cjk.has(f.familyName), `${sel} drawn in ${f.familyName}, ` +
				`which is not a CJK font (${[...cjk].join(', ')})`);
	} finally {
		await cdp.detach();
	}
}

async function screenshot(page, name)
{
	const file = path.join(run.dir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

// Opens url on a fresh phone, checks c's verdict and the layout, and keeps a screenshot.
async function visit(url, c, shot, options = {})
{
	const { context, page, failures } = await phone(options);
	try {
		const res = await page.goto(url, { waitUntil: 'load' });
		assert.equal(res.status(), c.status, `HTTP status of ${url}`);
		await assertVerdict(page, c);
		await assertPhoneLayout(page, failures);
		await screenshot(page, shot);
	} finally {
		await context.close();
	}
}

// ---- the tests -------------------------------------------------------------------------------

before(() => startRun(run, {
	dirPrefix: 'sanxiang-browser-', tools: [['zbarimg', 'zbar-tools']],
}));

after(() => finishRun(run, 'server.log, screenshots'));

const check = (name, fn) => checkOf(run, name, fn);

check('the QR code of a valid officer opens a green 有效 verdict with 张明', async () => {
	const c = byKey.valid;
	const url = await qrUrl(c.cert);
	assert.equal(url, `${run.base}/verify/officer?cert=${c.cert}`);
	await visit(url, c, 'phone-valid');
});

check('the QR code of a suspended officer opens a 警告 已暂停执法 verdict on a phone', async () => {
	const c = byKey.suspended;
	const url = await qrUrl(c.cert);
	assert.equal(url, `${run.base}/verify/officer?cert=${c.cert}`);
	await visit(url, c, 'phone-suspended');
});

check('an expired certificate shows a 已过期 warning on a phone', async () => {
	const c = byKey.expired;
	await visit(`${run.base}/verify/officer?cert=${c.cert}`, c, 'phone-expired');
});

check('an unknown certificate number shows 查无此证 on a phone', async () => {
	const c = byKey.unknown;
	await visit(`${run.base}/verify/officer?cert=${c.cert}`, c, 'phone-unknown');
});

check('valid and warning verdicts look different (colour), not only read different', async () => {
	const { context, page } = await phone();
	try {
		const look = async (c) => {
			await page.goto(`${run.base}/verify/officer?cert=${c.cert}`);
			return page.locator('.verdict').evaluate((el) => {
				const s = getComputedStyle(el);
				return `${s.backgroundColor} ${s.borderTopColor} ${s.color}`;
			});
		};
		const valid = await look(byKey.valid);
		const suspended = await look(byKey.suspended);
		assert.notEqual(valid, suspended, 'valid and suspended look different');
	} finally {
		await context.close();
	}
});

check('without JavaScript, a number typed into the form shows its verdict', async () => {
	for (const c of [byKey.valid, byKey.suspended, byKey.unknown]) {
		const { context, page, failures } = await phone({ javaScriptEnabled: false });
		try {
			await page.goto(`${run.base}/verify/officer`);
			assert.equal(await page.locator('.verdict').count(), 0, 'no verdict yet');
			await assertPhoneLayout(page, failures);
			if (c.key === 'valid')
				await screenshot(page, 'nojs-form');
			await page.locator('input[name="cert"]').fill(c.cert);
			const [res] = await Promise.all([
				page.waitForNavigation({ waitUntil: 'load' }),
				page.getByRole('button', { name: '核验' }).click(),
			]);
			assert.equal(res.status(), c.status);
			assert.equal(new URL(page.url()).searchParams.get('cert'), c.cert);
			await assertVerdict(page, c);
			await assertPhoneLayout(page, failures);
			await screenshot(page, `nojs-${c.key}`);
		} finally {
			await context.close();
		}
	}
});

check('the server stops on SIGTERM with exit status 0', async () => {
	assert.ok(run.server, 'the server is running');
	const result = await stopServer(run);
	assert.ok(result, `the server exited within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
	assert.deepEqual(result, { code: 0, signal: null });
});
