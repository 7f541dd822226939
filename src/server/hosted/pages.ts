import { randomBytes } from 'node:crypto';
import type { AppSummary, LoginError } from '../../services/hosted-signin.js';
import type { Lang, Messages } from './messages.js';

/** A rendered page and the Content-Security-Policy that must go with it. */
export interface Page {
  html: string;
  csp: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every value put into a page goes through this: text and attribute values alike. */
export const esc = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * Where a form on the page may post, directly or through a redirect (browsers check redirects of
 * form submissions against form-action too): this server and the client's redirect_uri.
 */
function formTarget(uri: string): string {
  try {
    const url = new URL(uri);
    return /^https?:$/.test(url.protocol) ? url.origin : url.protocol;
  } catch {
    return "'none'";
  }
}

/** Nothing loads but the page's own style (and script, by nonce); it cannot be framed. */
function csp(nonce: string, formAction: string[], script = false): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    ...(script ? [`script-src 'nonce-${nonce}'`] : []),
    'img-src https: data:',
    `form-action ${formAction.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1f2328}
main{max-width:24rem;margin:2.5rem auto;padding:1.5rem;background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
@media (max-width:30rem){main{margin:0;min-height:100vh;border-radius:0;box-shadow:none}}
h1{font-size:1.35rem;margin:0 0 1rem}
img.logo{display:block;max-height:3rem;max-width:100%;margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.7rem;font-size:1rem;border:1px solid #8c959f;border-radius:.375rem}
input:focus,button:focus{outline:3px solid #0969da;outline-offset:1px}
button{width:100%;margin-top:1.5rem;padding:.75rem;font-size:1rem;font-weight:600;border:0;border-radius:.375rem;background:#0969da;color:#fff;cursor:pointer}
button.secondary{background:#eaeef2;color:#1f2328;margin-top:.75rem}
.alert{padding:.75rem;border-radius:.375rem;background:#ffebe9;color:#82071e;border:1px solid #ff8182}
ul{padding-left:1.25rem}
.muted{color:#57606a;font-size:.9rem}
`;

function layout(lang: Lang, title: string, nonce: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
${body}
</main>${script}
</body>
</html>`;
}

const nonceOf = () => randomBytes(16).toString('base64');

function scopeList(m: Messages, scopes: string[]): string {
  const items = scopes.map((s) => `<li>${esc(m.scopes[s] ?? s)}</li>`).join('');
  return `<ul>${items}</ul>`;
}

const logo = (app: AppSummary) => (/^https:\/\//.test(app.logo) ? `<img class="logo" src="${esc(app.logo)}" alt="">` : '');

export function signInPage(m: Messages, lang: Lang, input: { action: string; app: AppSummary; form: string; scopes: string[]; redirectUri: string; account?: string; error?: LoginError }): Page {
  const nonce = nonceOf();
  const error = input.error ? `<p class="alert" role="alert" id="form-error">${esc(m[input.error])}</p>` : '';
  const described = input.error ? ' aria-describedby="form-error" aria-invalid="true"' : '';
  const focusAccount = !input.account;
  const body = `${logo(input.app)}<h1>${esc(m.signInTo(input.app.name))}</h1>
${error}
<form method="post" action="${esc(input.action)}">
<input type="hidden" name="form" value="${esc(input.form)}">
<label for="account">${esc(m.account)}</label>
<input type="text" id="account" name="account" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(input.account ?? '')}"${focusAccount ? ' autofocus' : ''}${described}>
<label for="password">${esc(m.password)}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${focusAccount ? '' : ' autofocus'}${described}>
<button type="submit">${esc(m.submit)}</button>
</form>
<p class="muted">${esc(m.asksFor(input.app.name))}</p>
${scopeList(m, input.scopes)}`;
  return { html: layout(lang, `${m.signInTitle} · ${input.app.name}`, nonce, body), csp: csp(nonce, ["'self'", formTarget(input.redirectUri)]) };
}

export function consentPage(m: Messages, lang: Lang, input: { action: string; app: AppSummary; form: string; scopes: string[]; redirectUri: string; who: string }): Page {
  const nonce = nonceOf();
  const body = `${logo(input.app)}<h1>${esc(m.consentTitle)}</h1>
<p>${esc(m.consentAsk(input.app.name, input.who))}</p>
${scopeList(m, input.scopes)}
<form method="post" action="${esc(input.action)}">
<input type="hidden" name="form" value="${esc(input.form)}">
<button type="submit" name="decision" value="allow" autofocus>${esc(m.allow)}</button>
<button type="submit" name="decision" value="deny" class="secondary">${esc(m.deny)}</button>
</form>`;
  return { html: layout(lang, m.consentTitle, nonce, body), csp: csp(nonce, ["'self'", formTarget(input.redirectUri)]) };
}

export function errorPage(m: Messages, lang: Lang, error: string, description: string): Page {
  const nonce = nonceOf();
  const body = `<h1>${esc(m.errorTitle)}</h1>
<p class="alert" role="alert"><strong>${esc(error)}</strong>: ${esc(description)}</p>
<p class="muted">${esc(m.errorLead)}</p>`;
  return { html: layout(lang, m.errorTitle, nonce, body), csp: csp(nonce, ["'none'"]) };
}

/** response_mode=form_post (OAuth 2.0 Form Post Response Mode): the answer posts itself to the client. */
export function formPostPage(m: Messages, lang: Lang, redirectUri: string, params: Record<string, string>): Page {
  const nonce = nonceOf();
  const fields = Object.entries(params).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('\n');
  const body = `<h1>${esc(m.continueTitle)}</h1>
<form method="post" action="${esc(redirectUri)}">
${fields}
<noscript><button type="submit">${esc(m.continueButton)}</button></noscript>
</form>`;
  const script = `\n<script nonce="${nonce}">document.forms[0].submit();</script>`;
  return { html: layout(lang, m.continueTitle, nonce, body, script), csp: csp(nonce, [formTarget(redirectUri)], true) };
}

export function logoutConfirmPage(m: Messages, lang: Lang, input: { action: string; form: string }): Page {
  const nonce = nonceOf();
  const body = `<h1>${esc(m.logoutTitle)}</h1>
<p>${esc(m.logoutAsk)}</p>
<form method="post" action="${esc(input.action)}">
<input type="hidden" name="form" value="${esc(input.form)}">
<button type="submit" autofocus>${esc(m.logoutButton)}</button>
</form>`;
  return { html: layout(lang, m.logoutTitle, nonce, body), csp: csp(nonce, ["'self'"]) };
}

export function loggedOutPage(m: Messages, lang: Lang): Page {
  const nonce = nonceOf();
  return { html: layout(lang, m.logoutTitle, nonce, `<h1>${esc(m.loggedOut)}</h1>`), csp: csp(nonce, ["'none'"]) };
}
