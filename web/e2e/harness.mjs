// What the end-to-end scenarios stand on: the real tongchou binary on a fresh demo
// city, Debian's Chromium driven by playwright-core, a guard that fails a scenario on
// any console error, page error, failed request or unexpected HTTP error, and a small
// runner that prints one line per scenario and "N passed, M failed" at the end.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const webDir = resolve(here, '..')
export const repoDir = resolve(webDir, '..')

export const config = {
  binary: process.env.TC_BINARY || join(repoDir, 'build', 'tongchou'),
  dist: process.env.TC_WEB_DIST || join(webDir, 'dist'),
  artifacts: process.env.TC_ARTIFACTS || join(repoDir, 'artifacts', 'web-e2e'),
  chromium: process.env.TC_CHROMIUM || '/usr/bin/chromium',
  scale: process.env.TC_SCALE || '0.005',
  password: 'tongchou-demo',
  testTimeoutMs: Number(process.env.TC_TEST_TIMEOUT_MS || 90_000),
}

export const DESKTOP = { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 }
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

// ---------------------------------------------------------------------------- server

/** Starts `tongchou demo` on a fresh SQLite file and a free port; resolves when it listens. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'tongchou-e2e-'))
  const args = ['demo', '--reset', '--db', `sqlite:${join(dir, 'e2e.db')}`, '--listen', '127.0.0.1:0', '--scale', config.scale,
    '--web', config.dist, '--access-log', join(dir, 'access.log')]
  const proc = spawn(config.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })))
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`tongchou did not listen within 120 s:\n${log}`)), 120_000)
    const onData = (chunk) => {
      log += chunk
      const m = /tongchou listening on (http:\/\/\S+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1])
      }
    }
    proc.stdout.setEncoding('utf8').on('data', onData)
    proc.stderr.setEncoding('utf8').on('data', onData)
    proc.once('error', (e) => { clearTimeout(timer); reject(e) })
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`tongchou exited (${code}) before listening:\n${log}`)) })
  })
  let stopped = false
  const server = {
    url,
    dir,
    get log() { return log },
    /** SIGTERM, then SIGKILL after 15 s; removes the temporary folder. */
    async stop() {
      if (stopped) return
      stopped = true
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM')
        const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
        const how = await exited
        clearTimeout(killer)
        log += `\n[e2e] server exited: ${JSON.stringify(how)}\n`
      }
      const access = join(dir, 'access.log')
      if (existsSync(access)) copyFileSync(access, join(config.artifacts, 'access.log'))
      rmSync(dir, { recursive: true, force: true })
    },
    killNow() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
    },
  }
  return server
}

// ------------------------------------------------------------------------------- API

/** A tiny API client for preparing and checking data from the test side. */
export function apiFor(base) {
  async function call(method, path, token, body) {
    const res = await fetch(base + path, {
      method,
      headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    let json
    try { json = text ? JSON.parse(text) : undefined } catch { json = text }
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`)
    return json
  }
  return {
    login: async (username, password = config.password) => (await call('POST', '/api/v1/auth/login', null, { username, password })).token,
    get: (token, path) => call('GET', path, token),
    post: (token, path, body) => call('POST', path, token, body),
    put: (token, path, body) => call('PUT', path, token, body),
  }
}

// --------------------------------------------------------------------------- browser

export async function launchBrowser() {
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: config.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
}

/**
 * Watches a page for anything that should fail a scenario. `allow` lists the HTTP
 * errors a scenario provokes on purpose: [{ status, path }] (path is a substring).
 */
export function guard(page, allow, problems) {
  const allowed = (status, url) => allow.some((a) => a.status === status && url.includes(a.path))
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const url = msg.location()?.url ?? ''
    const m = /status of (\d{3})/.exec(msg.text())
    if (m && allowed(Number(m[1]), url)) return
    problems.push(`console.error: ${msg.text()}${url ? ` (${url})` : ''}`)
  })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
  page.on('requestfailed', (req) => {
    // A blob: URL handed to the download manager is reported as aborted; it is not a failure.
    if (req.url().startsWith('blob:')) return
    problems.push(`request failed: ${req.method()} ${req.url()} (${req.failure()?.errorText})`)
  })
  page.on('response', (res) => {
    if (res.status() >= 400 && !allowed(res.status(), res.url())) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`)
  })
}

// ---------------------------------------------------------------------------- runner

const scenarios = []

/** Registers a scenario: fn({ page, context, shot }) runs in a fresh browser context. */
export function scenario(name, opts, fn) {
  scenarios.push({ name, opts, fn })
}

/** Waits until finite CSS/Web animations (drawers sliding, tags fading in) have finished. */
async function settle(page) {
  await page
    .waitForFunction(
      () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
      null,
      { timeout: 3_000, polling: 50 },
    )
    .catch(() => {})
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)
}

export async function runAll(setup) {
  mkdirSync(config.artifacts, { recursive: true })
  const started = Date.now()
  let server
  let browser
  let passed = 0
  let failed = 0
  const onSignal = () => { server?.killNow(); process.exit(130) }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  process.once('exit', () => server?.killNow())
  try {
    server = await startServer()
    console.log(`[e2e] tongchou at ${server.url} (scale ${config.scale}) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    browser = await launchBrowser()
    console.log(`[e2e] chromium ${browser.version()}`)
    const ctx = await setup({ server, api: apiFor(server.url) })
    // To run a few while developing: TC_ONLY, a substring of scenario names; TC_E2E_ONLY, a regular expression.
    const only = process.env.TC_ONLY
    const pattern = process.env.TC_E2E_ONLY ? new RegExp(process.env.TC_E2E_ONLY) : null
    for (const s of scenarios.filter((x) => (!only || x.name.includes(only)) && (!pattern || pattern.test(x.name)))) {
      const t0 = Date.now()
      const context = await browser.newContext({
        ...(s.opts.device ?? DESKTOP),
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        acceptDownloads: true,
        baseURL: server.url,
      })
      context.setDefaultTimeout(15_000)
      const page = await context.newPage()
      const problems = []
      guard(page, s.opts.allow ?? [], problems)
      const shot = async (name) => {
        await settle(page)
        const file = join(config.artifacts, `${name}.png`)
        await page.screenshot({ path: file, fullPage: false })
        return file
      }
      let error = null
      try {
        let timer
        await Promise.race([
          s.fn({ page, context, shot, ...ctx }),
          new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${config.testTimeoutMs} ms`)), config.testTimeoutMs) }),
        ]).finally(() => clearTimeout(timer))
        await page.waitForTimeout(200) // late console errors still count
        if (problems.length) throw new Error(`browser reported problems:\n    ${problems.join('\n    ')}`)
      } catch (e) {
        error = e
        try { await page.screenshot({ path: join(config.artifacts, `FAILED-${slug(s.name)}.png`) }) } catch { /* page gone */ }
      }
      await context.close()
      const ms = Date.now() - t0
      if (error) {
        failed++
        console.log(`✗ ${s.name} (${ms} ms)\n    ${String(error.stack || error).split('\n').slice(0, 8).join('\n    ')}`)
      } else {
        passed++
        console.log(`✓ ${s.name} (${ms} ms)`)
      }
    }
  } catch (e) {
    failed++
    console.log(`✗ e2e set-up failed: ${e.stack || e}`)
  } finally {
    await browser?.close().catch(() => {})
    if (server) {
      await server.stop()
      writeFileSync(join(config.artifacts, 'server.log'), server.log)
    }
  }
  console.log(`[e2e] artifacts in ${config.artifacts}; ${((Date.now() - started) / 1000).toFixed(1)} s in all`)
  console.log(`${passed} passed, ${failed} failed`)
  return failed === 0 && passed > 0
}
