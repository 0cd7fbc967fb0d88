/**
 * Hostile inputs shared by the Node tests (test/fallback/xss.test.ts, test/fallback/limits.test.ts) and the
 * browser suite (test/browser/): plain data, no imports, so that it bundles for a page as it is.
 * draft-ietf-mimi-content §10 (Security Considerations): none of these may yield active content.
 */
/** Payloads from the usual XSS cheat sheets, for HTML and markdown bodies. */
export const HTML_ATTACKS: readonly string[] = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="javascript:alert(1)">',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" &#106;avascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="//evil.example/">protocol-relative</a>',
  '<svg onload=alert(1)><circle/></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<form action="https://evil.example"><input type="submit"></form>',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<div onclick="alert(1)" onmouseover="alert(2)">div</div>',
  '<a href="https://ok.example" onclick="alert(1)" target="_blank">ok</a>',
  '<!--<script>alert(1)</script>-->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '"><script>alert(1)</script>',
  '<a href="mimi://example.com/u/a" class="evil mimi-mention" style="x">@x</a>',
];

export const MD_ATTACKS: readonly string[] = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD4=)',
  '![x](data:image/svg+xml;base64,PHN2Zz4=)',
  '![x](javascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '<javascript:alert(1)>',
  '[x]( javascript:alert(1) "t")',
  '<a href="javascript:alert(1)">x</a>',
  '<!-- comment --> <?php ?> <![CDATA[x]]>',
  '```html\n<script>alert(1)</script>\n```',
  '[a](https://ok.example "title\\" onmouseover=\\"alert(1)")',
];

/** Opening and closing markup of each element kind, nested n times around `inner`. */
export const NESTING_KINDS: Readonly<Record<string, (n: number, inner: string) => string>> = {
  b: (n, x) => '<b>'.repeat(n) + x + '</b>'.repeat(n),
  'i (unclosed)': (n, x) => '<i>'.repeat(n) + x,
  strong: (n, x) => '<strong>'.repeat(n) + x,
  em: (n, x) => '<em>'.repeat(n) + x,
  s: (n, x) => '<s>'.repeat(n) + x,
  code: (n, x) => '<code>'.repeat(n) + x,
  span: (n, x) => '<span>'.repeat(n) + x,
  sub: (n, x) => '<sub>'.repeat(n) + x,
  a: (n, x) => '<a href="https://example.com/">'.repeat(n) + x,
  blockquote: (n, x) => '<blockquote>'.repeat(n) + x,
  'ul li': (n, x) => '<ul><li>'.repeat(n) + x,
  'ol li': (n, x) => '<ol><li>'.repeat(n) + x,
  'table tr td': (n, x) => '<table><tr><td>'.repeat(n) + x,
  h1: (n, x) => '<h1>'.repeat(n) + x,
  pre: (n, x) => '<pre>'.repeat(n) + x,
  'div (disallowed)': (n, x) => '<div>'.repeat(n) + x + '</div>'.repeat(n),
  'font (disallowed)': (n, x) => '<font>'.repeat(n) + x,
  'mixed closes': (n, x) => '<b><i>'.repeat(n) + x + '</u></s>'.repeat(n),
};
