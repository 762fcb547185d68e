import * as fs from 'node:fs';
import { APIRequestContext, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The demo accounts' password, as the README gives it. */
export const DEMO_PASSWORD = 'demo-jesaisfaire-2026';

/** The `Authorization` header of `email`, signed in through the API. */
export async function signedIn(request: APIRequestContext, email: string, password: string): Promise<{ Authorization: string }> {
  const response = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
  return { Authorization: `Bearer ${(await response.json()).access_token}` };
}

/**
 * Refusals the interface answers on purpose and shows in the page (a field to
 * correct, a conflict to resolve): the browser logs the response, the app did
 * nothing wrong.
 */
const EXPECTED_REFUSAL = /Failed to load resource: the server responded with a status of (409|412|422)/;

/**
 * Everything that should never reach the console of a working page: uncaught
 * errors (how a broken wasm shows), console errors — Chromium reports there
 * every resource or script the Content-Security-Policy refused — and
 * warnings — Leptos reports misuse of its reactive system as warnings in
 * debug builds.
 * The test expects the returned list to stay empty.
 */
export function watchPageErrors(page: Page, options: { alsoExpected?: RegExp } = {}): string[] {
  const errors: string[] = [];
  const expected = (text: string) =>
    EXPECTED_REFUSAL.test(text) || (options.alsoExpected?.test(text) ?? false);
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (message) => {
    const kind = message.type();
    if ((kind === 'error' || kind === 'warning') && !expected(message.text())) {
      errors.push(`${kind} on ${page.url()}: ${message.text()}`);
    }
  });
  return errors;
}

/** Zero WCAG 2.1 A/AA violations reported by axe-core on the current page. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary).toEqual([]);
}

export class Header {
  constructor(private readonly page: Page) {}

  async openLogin() {
    await this.page.getByRole('banner').getByRole('link', { name: 'Se connecter' }).click();
  }

  async openRegistration() {
    await this.page.getByRole('banner').getByRole('link', { name: 'Inscrire mon entreprise' }).click();
  }

  accountLink() {
    return this.page.getByRole('banner').getByRole('link', { name: /^Mon compte \(/ });
  }

  async logOut() {
    await this.page.getByRole('banner').getByRole('button', { name: 'Se déconnecter', exact: true }).click();
  }
}

/**
 * Clicks an irreversible action, checks that its DSFR confirmation modal
 * says what will happen, and confirms.
 */
export async function confirmAction(page: Page, action: string, confirm: string, says: RegExp | string) {
  await page.getByRole('button', { name: action, exact: true }).click();
  const modal = page.getByRole('dialog');
  await expect(modal).toBeVisible();
  await expect(modal).toContainText(says);
  await modal.getByRole('button', { name: confirm, exact: true }).click();
  await expect(modal).toBeHidden();
}

/** Clicks a download button and returns the saved file's name and bytes. */
export async function downloadFrom(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}
