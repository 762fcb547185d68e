// The e-mails the server wrote into its outbox (`.eml` files, as any mail
// client opens them), read back by the tests with a real MIME parser: the
// link a person follows is the one in the message they received.

import { expect } from '@playwright/test';
import PostalMime from 'postal-mime';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

async function read(file: string): Promise<Mail> {
  const email = await PostalMime.parse(fs.readFileSync(file));
  return {
    to: (email.to ?? []).map((a) => a.address ?? '').join(', ').toLowerCase(),
    subject: email.subject ?? '',
    text: email.text ?? '',
  };
}

async function mails(): Promise<Mail[]> {
  const dir = process.env.E2E_OUTBOX_DIR;
  if (!dir || !fs.existsSync(dir)) return [];
  const names = fs.readdirSync(dir).filter((name) => name.endsWith('.eml'));
  return Promise.all(names.map((name) => read(path.join(dir, name))));
}

/// Waits for the message to `to` whose subject contains `subject`.
export async function waitForMail(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(async () => {
      found = (await mails()).find((m) => m.to === to.toLowerCase() && m.subject.includes(subject));
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
