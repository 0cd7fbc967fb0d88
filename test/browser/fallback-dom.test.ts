/**
 * The fallback's DOM path in Chromium (decision D23): in a page, HTML bodies are parsed by the browser's own
 * parser (an inert DOMParser document) and walked with the allowlist; markdown's named references are
 * decoded by the browser's table. The hostile inputs of test/fallback/hostile.ts run on this path with the
 * shared safety predicate; the DOM-free tokenizer runs on the same inputs in the same page and must give
 * the same result on them (the two differ on misnested markup, where WHATWG's tree construction reorders:
 * tested by hand below).
 * Expected values are written by hand from WHATWG HTML §13.2.6 and CommonMark §6.2.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/shared.js';
import { describeBrowser, openPage, type OpenedPage } from './harness.js';

interface Api {
  paths(): { domParser: boolean; cases: { name: string; dom: string; tokenizer: string; predicate?: string; markdown?: string; text: string }[] };
  renderHtml(b: readonly string[]): { text: string; html: string; markdown: string }[];
  renderMarkdown(b: readonly string[]): { text: string; html: string }[];
}
declare const fallbackDom: Api;

describeBrowser('fallback HTML on the DOM path in Chromium', () => {
  let opened: OpenedPage;
  const requests: string[] = [];
  beforeAll(async () => {
    opened = await openPage({ entries: { page: join(REPO_ROOT, 'test/browser/fallback-dom-page.ts') } });
    opened.page.on('request', (r) => requests.push(r.url()));
  }, 120_000);
  afterAll(async () => opened?.close());

  it('uses DOMParser in the page, and every hostile input passes the safety predicate there', async () => {
    const { domParser, cases } = await opened.page.evaluate(() => fallbackDom.paths());
    expect(domParser).toBe(true);
    expect(cases.length).toBeGreaterThan(90);
    for (const c of cases) expect({ name: c.name, predicate: c.predicate, markdown: c.markdown }).toEqual({ name: c.name, predicate: undefined, markdown: undefined });
    for (const c of cases.filter((x) => x.name.startsWith('nesting'))) expect(c.text, c.name).toContain('deepest');
  });

  it('the DOM path and the tokenizer path give the same sanitized HTML on every hostile and deep input but three tree rules', async () => {
    const { cases } = await opened.page.evaluate(() => fallbackDom.paths());
    const html = cases.filter((c) => !c.name.startsWith('markdown: '));
    expect(html.length).toBeGreaterThan(70);
    // WHATWG §13.2.6.4.7 "in body": an <a> start tag closes an open <a> (adoption agency), an <h1> closes an
    // open heading; §13.2.6.4.9 "in table": a <tr> gets a <tbody>. htmlparser2's stack (the tokenizer path)
    // nests as written.
    const differ = html.filter((c) => c.dom !== c.tokenizer).map((c) => c.name);
    expect(differ).toEqual(['a', 'table tr td', 'h1'].flatMap((k) => [3, 40, 5000].map((n) => `nesting ${n}: ${k}`)).sort((x, y) => html.findIndex((c) => c.name === x) - html.findIndex((c) => c.name === y)));
    const a3 = html.find((c) => c.name === 'nesting 3: a')!;
    expect(a3.dom).toBe('<a href="https://example.com/"></a><a href="https://example.com/"></a><a href="https://example.com/">deepest</a>');
    expect(a3.tokenizer).toBe('<a href="https://example.com/"><a href="https://example.com/"><a href="https://example.com/">deepest</a></a></a>');
    // The mXSS classic: the <table> in <mtext> is HTML again, <style> is raw text on both paths, so the
    // <img> is text inside it and dropped with it.
    const mxss = html.find((c) => c.name.startsWith('html: <math>'))!;
    expect([mxss.tokenizer, mxss.dom]).toEqual(['<table></table>', '<table></table>']);
  });

  it('parsing is inert: no request for images, styles or scripts in a body, no handler runs', async () => {
    requests.length = 0;
    const out = await opened.page.evaluate(() =>
      fallbackDom.renderHtml([
        '<img src="/beacon-img.png" onerror="alert(1)"><link rel="stylesheet" href="/beacon.css"><script src="/beacon.js"></script>',
        '<video poster="/beacon-poster.png"></video><iframe src="/beacon-frame"></iframe><object data="/beacon-obj"></object>',
        '<svg><image href="/beacon-svg.png"/></svg><body background="/beacon-bg.png">x',
      ]),
    );
    await opened.page.waitForTimeout(300);
    expect(requests.filter((u) => u.includes('beacon'))).toEqual([]);
    expect(out[0]!.text).toBe('[Image]');
    expect(out[2]!.text).toBe('x');
  });

  it('browser-parser behaviour, by hand (WHATWG §13.2.6): implied ends, tbody, a head title, template content', async () => {
    const out = await opened.page.evaluate(() =>
      fallbackDom.renderHtml(['<p>a<p>b', '<table><tr><td>1</td></tr></table>', '<title>T</title>body', '<template><b>t</b></template>', '<b>a<i>b</b>c</i>', 'a &CounterClockwiseContourIntegral; &copy b']),
    );
    expect(out.map((o) => o.html)).toEqual([
      '<p>a</p><p>b</p>',
      '<table><tbody><tr><td>1</td></tr></tbody></table>', // the parser inserts tbody
      'Tbody', // <title> goes to the head; its text is kept, as sanitize-html kept it
      '<b>t</b>', // a template's content lives in a fragment, walked like children
      '<b>a<i>b</i></b><i>c</i>', // the adoption agency reopens <i> after </b>
      'a ∳ © b', // the browser's full table, legacy &copy without ";"
    ]);
  });

  it('markdown: named references decoded with the browser table (CommonMark §6.2: only "&name;")', async () => {
    const out = await opened.page.evaluate(() => fallbackDom.renderMarkdown(['a &CounterClockwiseContourIntegral; &copy; &copy &copyx; &#65; &amp;lt;', '`&copy;`']));
    expect(out[0]!.text).toBe('a ∳ © &copy &copyx; A &lt;');
    expect(out[1]!.text).toBe('&copy;');
  });
});
