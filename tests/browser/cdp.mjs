// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe, for the site's browser
// test and screenshots. No npm packages: Node's standard library and Debian's chromium only.
// Chromium reads NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function findChromium() {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p) => p && existsSync(p)) || null;
}

export class Browser {
  static async launch({ executable = findChromium(), timeoutMs = 60000 } = {}) {
    if (!executable) throw new Error("chromium not found");
    const profile = mkdtempSync(join(tmpdir(), "sipdx-chromium-"));
    // Flags for a root user on a machine without network: no sandbox, no GPU, no first-run
    // UI, and none of the background connections Chromium would otherwise try to make.
    const args = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--disable-default-apps", "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars",
      "--allow-file-access-from-files", `--user-data-dir=${profile}`, "--remote-debugging-pipe",
      "about:blank",
    ];
    const child = spawn(executable, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    const browser = new Browser(child, profile, timeoutMs);
    await browser.send("Target.setDiscoverTargets", { discover: true });
    return browser;
  }

  constructor(child, profile, timeoutMs) {
    this.child = child;
    this.profile = profile;
    this.timeoutMs = timeoutMs;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.stderr = "";
    this.exited = false;
    let buffer = "";
    child.stdio[4].on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end;
      while ((end = buffer.indexOf("\0")) !== -1) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        this.dispatch(message);
      }
    });
    child.stderr.on("data", (chunk) => {
      if (this.stderr.length < 20000) this.stderr += chunk.toString("utf8");
    });
    child.on("exit", () => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new Error("chromium exited\n" + this.stderr));
      this.pending.clear();
    });
  }

  dispatch(message) {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter.resolve(message.result);
      return;
    }
    for (const listener of [...this.listeners]) listener(message);
  }

  send(method, params = {}, sessionId = undefined) {
    if (this.exited) return Promise.reject(new Error("chromium exited\n" + this.stderr));
    const id = this.nextId++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, method });
      this.child.stdio[3].write(JSON.stringify(message) + "\0");
    });
  }

  // Resolves with the first event `method` (of `sessionId`) for which `predicate` holds.
  waitFor(method, sessionId, predicate = () => true) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${method} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const listener = (message) => {
        if (message.method === method && message.sessionId === sessionId && predicate(message.params)) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve(message.params);
        }
      };
      this.listeners.add(listener);
    });
  }

  async newPage({ width = 1280, height = 900, scale = 1, mobile = false } = {}) {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send("Page.enable");
    await page.send("Runtime.enable");
    await page.send("Log.enable");
    await page.send("Network.enable");
    await page.resize({ width, height, scale, mobile });
    return page;
  }

  async close() {
    const exited = new Promise((resolve) => {
      if (this.exited) resolve();
      else this.child.once("exit", resolve);
    });
    try {
      await Promise.race([this.send("Browser.close"), new Promise((r) => setTimeout(r, 5000))]);
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (!this.exited) {
      this.child.kill("SIGKILL");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // a leftover temporary profile is harmless
    }
  }
}

export class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
    this.errors = [];
    this.requests = []; // every URL the page asked for
    browser.listeners.add((message) => {
      if (message.sessionId !== sessionId) return;
      if (message.method === "Network.requestWillBeSent") {
        this.requests.push(message.params.request.url);
      } else if (message.method === "Runtime.exceptionThrown") {
        this.errors.push(message.params.exceptionDetails.exception?.description || message.params.exceptionDetails.text);
      } else if (message.method === "Log.entryAdded" && message.params.entry.level === "error") {
        this.errors.push(`${message.params.entry.text} ${message.params.entry.url || ""}`);
      } else if (message.method === "Runtime.consoleAPICalled" && message.params.type === "error") {
        this.errors.push(message.params.args.map((a) => a.value ?? a.description).join(" "));
      }
    });
  }

  send(method, params = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  async resize({ width, height, scale = 1, mobile = false }) {
    await this.send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: scale, mobile });
  }

  async colorScheme(value) {
    await this.send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value }] });
  }

  async goto(url) {
    const loaded = this.browser.waitFor("Page.loadEventFired", this.sessionId);
    const result = await this.send("Page.navigate", { url });
    if (result.errorText) throw new Error(`cannot load ${url}: ${result.errorText}`);
    await loaded;
  }

  // Runs `fn` (a function, serialised) in the page with JSON-able `args`; returns its value.
  async evaluate(fn, ...args) {
    const expression = `(${fn.toString()})(...${JSON.stringify(args)})`;
    const { result, exceptionDetails } = await this.send("Runtime.evaluate", {
      expression, returnByValue: true, awaitPromise: true,
    });
    if (exceptionDetails) {
      throw new Error(`evaluate: ${exceptionDetails.exception?.description || exceptionDetails.text}`);
    }
    return result.value;
  }

  // One key press as the keyboard sends it (keydown with text, then keyup).
  async press(key, { code = undefined, keyCode = 0, text = undefined } = {}) {
    const printable = key.length === 1;
    const base = { key, code: code || (printable ? `Key${key.toUpperCase()}` : key), windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode };
    await this.send("Input.dispatchKeyEvent", { type: printable ? "keyDown" : "rawKeyDown", ...base, text: printable ? (text ?? key) : undefined });
    await this.send("Input.dispatchKeyEvent", { type: "keyUp", ...base });
  }

  async type(text) {
    for (const ch of text) {
      const isDigit = ch >= "0" && ch <= "9";
      await this.press(ch, {
        code: isDigit ? `Digit${ch}` : undefined,
        keyCode: ch.toUpperCase().charCodeAt(0),
      });
    }
  }

  async click(selector) {
    const box = await this.evaluate((sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      el.scrollIntoView({ block: "center" });
      const r = el.getBoundingClientRect();
      return { x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2 };
    }, selector);
    if (!box) throw new Error(`click: no element ${selector}`);
    for (const type of ["mouseMoved", "mousePressed", "mouseReleased"]) {
      await this.send("Input.dispatchMouseEvent", { type, x: box.x, y: box.y, button: "left", clickCount: 1 });
    }
  }

  async screenshot() {
    const { data } = await this.send("Page.captureScreenshot", { format: "png" });
    return Buffer.from(data, "base64");
  }
}
