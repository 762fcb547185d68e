// The e-mails the server wrote into its outbox (`.eml` files, as any mail
// client opens them), read back by the tests: the link a person follows is
// the one in the message they received.

import { expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// RFC 2047 encoded words (`=?utf-8?b?…?=`) of folded headers.
function decodeHeader(value: string): string {
  return value
    .replace(/\r?\n\s+/g, ' ')
    .replace(/=\?utf-8\?b\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'))
    .replace(/\?=\s+=\?/g, '?==?');
}

function header(head: string, name: string): string {
  const match = new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match ? decodeHeader(match[1]) : '';
}

function parse(raw: string): Mail {
  const [head] = raw.split(/\r?\n\r?\n/, 1);
  const plain = /Content-Type: text\/plain[^]*?\r?\n\r?\n([^]*?)\r?\n--[A-Za-z0-9]{20,}/i.exec(raw);
  const body = plain ? plain[1] : '';
  const encoding = /Content-Type: text\/plain[^]*?Content-Transfer-Encoding: ([\w-]+)/i.exec(raw)?.[1] ?? '7bit';
  const text =
    encoding.toLowerCase() === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding.toLowerCase() === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { to: header(head, 'To').toLowerCase(), subject: header(head, 'Subject'), text };
}

function mails(): Mail[] {
  const dir = process.env.E2E_OUTBOX_DIR;
  if (!dir || !fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => parse(fs.readFileSync(path.join(dir, name), 'utf8')));
}

/// Waits for the message to `to` whose subject contains `subject`.
export async function waitForMail(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(() => {
      found = mails().find((m) => m.to === to.toLowerCase() && m.subject.includes(subject));
      return found !== undefined;
    }, { message: `a message to ${to} about « ${subject} »`, timeout: 15_000 })
    .toBe(true);
  return found as Mail;
}

/// The path (and query) of the link of `mail` that starts with `prefix`,
/// to open on the server under test.
export function link(mail: Mail, prefix: string): string {
  const match = new RegExp(`https?://[^/\\s]+(${prefix.replace(/[?]/g, '\\?')}\\S*)`).exec(mail.text);
  if (!match) throw new Error(`no ${prefix} link in:\n${mail.text}`);
  return match[1];
}
