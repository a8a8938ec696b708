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
// iPhone-12-class screen, 390×844 CSS px at device scale factor 3.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants as fsc, existsSync, mkdtempSync, readFileSync, rmSync,
	writeFileSync, appendFileSync, openSync, closeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SETUP_HINT = 'run scripts/setup (as root) from the repository root';

const CHROMIUM = '/usr/bin/chromium';
// As root on these machines Chromium needs these; the background-networking flags keep it from
// calling hosts that the closed network refuses. Playwright gives every launch a new, empty
// profile directory (--user-data-dir) of its own and removes it on close.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update',
	'--disable-sync'];
const PHONE = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 3,
	isMobile: true,
	hasTouch: true,
	locale: 'zh-CN',
	timezoneId: 'Asia/Shanghai',
};
const READY_TIMEOUT_MS = 60_000; // sanitizer builds start slowly
const STOP_TIMEOUT_MS = 30_000;

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

const run = {
	dir: null,     // temp dir of this run
	server: null,  // ChildProcess of `sanxiang serve` while it runs
	exit: null,    // Promise of { code, signal } of the server
	base: null,    // http://127.0.0.1:PORT
	browser: null,
	pw: null,      // the playwright-core module
	failed: false,
};

// ---- prerequisites ---------------------------------------------------------------------------

function executable(p)
{
	try {
		accessSync(p, fsc.X_OK);
		return true;
	} catch {
		return false;
	}
}

async function onPath(cmd)
{
	try {
		await execFileP('sh', ['-c', `command -v ${cmd}`]);
		return true;
	} catch {
		return false;
	}
}

// Families fontconfig says can draw Chinese; empty when there is no CJK font at all.
async function cjkFontFamilies()
{
	try {
		const { stdout } = await execFileP('fc-list', [':lang=zh-cn', 'family']);
		return new Set(stdout.split('\n').flatMap((l) => l.split(',')).map((s) => s.trim())
			.filter(Boolean));
	} catch {
		return new Set();
	}
}

// Every problem at once, so one scripts/setup run fixes them all.
async function checkPrerequisites()
{
	const problems = [];
	const bin = process.env.SANXIANG_BIN;

	if (!bin)
		problems.push('SANXIANG_BIN is not set (the sanxiang binary to test)');
	else if (!executable(bin))
		problems.push(`SANXIANG_BIN=${bin} is not an executable file`);
	if (Number(process.versions.node.split('.')[0]) < 18)
		problems.push(`node ${process.versions.node} is too old (need 18+)`);
	if (!executable(CHROMIUM))
		problems.push(`${CHROMIUM} is missing (Debian package chromium)`);
	if (!(await onPath('zbarimg')))
		problems.push('zbarimg is missing (Debian package zbar-tools)');
	if (!(await onPath('setpriv')))
		problems.push('setpriv is missing (Debian package util-linux)');
	if ((await cjkFontFamilies()).size === 0)
		problems.push('no font can draw Chinese (Debian package fonts-noto-cjk)');
	if (!existsSync(path.join(HERE, 'node_modules', 'playwright-core')))
		problems.push('tests/browser/node_modules/playwright-core is missing (npm ci)');
	else {
		try {
			run.pw = await import('playwright-core');
		} catch (e) {
			problems.push(`playwright-core does not load: ${e.message}`);
		}
	}
	if (problems.length > 0) {
		const msg = `browser test prerequisites missing — ${SETUP_HINT}:\n  - ` +
			problems.join('\n  - ');
		process.stderr.write(msg + '\n');
		throw new Error(msg);
	}
}

// ---- the server ------------------------------------------------------------------------------

async function sanxiang(args, logName)
{
	try {
		const { stdout, stderr } = await execFileP(process.env.SANXIANG_BIN, args,
			{ timeout: 120_000 });
		appendFileSync(path.join(run.dir, logName),
			`$ sanxiang ${args.join(' ')}\n${stdout}${stderr}`);
	} catch (e) {
		throw new Error(`sanxiang ${args.join(' ')} failed (${e.code ?? e.signal}):\n` +
			`${e.stdout ?? ''}${e.stderr ?? ''}`);
	}
}

// A port nobody listens on right now. Another process could take it before serve binds it; then
// serve fails to start and startServer tries again with another port.
function freePort()
{
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts serve on a free port whose URL is also its public URL; resolves once the ready file
// names that port. Throws with the server log if it exits first or is not ready in time.
async function startServerOnce(port)
{
	const ready = path.join(run.dir, 'ready');
	const logPath = path.join(run.dir, 'server.log');
	const base = `http://127.0.0.1:${port}`;
	const log = openSync(logPath, 'a');
	rmSync(ready, { force: true });
	const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', process.env.SANXIANG_BIN,
		'serve', '--db', path.join(run.dir, 'test.db'), '--listen', `127.0.0.1:${port}`,
		'--public-url', base, '--ready-file', ready], { stdio: ['ignore', log, log] });
	closeSync(log);
	const exit = new Promise((resolve) => child.on('exit', (code, signal) =>
		resolve({ code, signal })));
	let exited = null;
	exit.then((e) => { exited = e; });

	const deadline = Date.now() + READY_TIMEOUT_MS;
	while (Date.now() < deadline) {
		if (exited)
			return { ok: false, why: `serve exited early (${JSON.stringify(exited)})` };
		if (existsSync(ready) && readFileSync(ready, 'utf8').trim() === String(port)) {
			run.server = child;
			run.exit = exit;
			run.base = base;
			return { ok: true };
		}
		await sleep(25);
	}
	child.kill('SIGKILL');
	await exit;
	return { ok: false, why: `serve was not ready within ${READY_TIMEOUT_MS} ms` };
}

async function startServer()
{
	let last = '';

	for (let attempt = 0; attempt < 3; attempt++) {
		const r = await startServerOnce(await freePort());
		if (r.ok)
			return;
		last = r.why;
	}
	throw new Error(`${last}\n--- server.log ---\n` +
		readFileSync(path.join(run.dir, 'server.log'), 'utf8'));
}

// ---- the browser -----------------------------------------------------------------------------

// A fresh phone context: nothing carries over from one check to the next.
async function phone(options = {})
{
	const context = await run.browser.newContext({ ...PHONE, ...options });
	const page = await context.newPage();
	const failures = [];

	page.on('requestfailed', (r) => failures.push(`${r.url()}: ${r.failure()?.errorText}`));
	page.on('response', (r) => {
		// An unknown number's document is a 404 on purpose; nothing else may fail.
		if (r.status() >= 400 && r.request().resourceType() !== 'document')
			failures.push(`${r.url()}: HTTP ${r.status()}`);
	});
	page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
	// Console errors include Content-Security-Policy violations: an inline style or script in
	// a template is blocked by the server's CSP, so the page would not look as written.
	// "Failed to load resource" lines are left to the response listener above, which knows the
	// resource type (the 404 document of an unknown number is meant; so is the browser's own
	// /favicon.ico probe, which the site does not serve).
	page.on('console', (m) => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
			failures.push(`console error: ${m.text()}`);
	});
	return { context, page, failures };
}

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

before(async () => {
	await checkPrerequisites();
	run.dir = mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'sanxiang-browser-'));
	try {
		const db = path.join(run.dir, 'test.db');
		await sanxiang(['init', '--db', db], 'setup.log');
		await sanxiang(['demo', '--db', db], 'setup.log');
		await startServer();
		run.browser = await run.pw.chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			timeout: 60_000,
		});
	} catch (e) {
		run.failed = true;
		throw e;
	}
});

after(async () => {
	if (run.browser)
		await run.browser.close().catch(() => {});
	if (run.server && run.server.exitCode === null && run.server.signalCode === null) {
		run.server.kill('SIGKILL');
		await run.exit;
	}
	if (!run.dir)
		return;
	if (run.failed || process.env.SANXIANG_KEEP_TEST_DIR) {
		process.stderr.write(`browser test: kept ${run.dir} (server.log, screenshots)\n`);
		if (run.failed && existsSync(path.join(run.dir, 'server.log')))
			process.stderr.write('--- server.log ---\n' +
				readFileSync(path.join(run.dir, 'server.log'), 'utf8'));
	} else {
		rmSync(run.dir, { recursive: true, force: true });
	}
});

// Marks the run failed (so its dir is kept) when fn throws.
function check(name, fn)
{
	test(name, { timeout: 120_000 }, async (t) => {
		try {
			await fn(t);
		} catch (e) {
			run.failed = true;
			throw e;
		}
	});
}

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
	run.server.kill('SIGTERM');
	let timer;
	const late = new Promise((resolve) => {
		timer = setTimeout(resolve, STOP_TIMEOUT_MS, null);
	});
	const result = await Promise.race([run.exit, late]);
	clearTimeout(timer); // a pending timer would keep node alive for the whole bound
	assert.ok(result, `the server exited within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
	assert.deepEqual(result, { code: 0, signal: null });
});
