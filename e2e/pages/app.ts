import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Fails the test on any uncaught error in the page: it is how a broken wasm shows. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
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
    await this.page.getByRole('banner').getByRole('link', { name: 'Se déconnecter' }).click();
  }
}
