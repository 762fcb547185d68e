import { expect, Locator, Page } from '@playwright/test';

/** The pages of a paginated list, and the DSFR pager beneath it. */
export class Pager {
  private readonly nav: Locator;

  constructor(private readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Pagination' });
  }

  /** At `page` of `of` pages, or with `more`, of more than `of` (a search stopped counting). */
  async expectAt(page: number, of: number, { more = false } = {}) {
    const pages = more ? `plus de ${of}` : `${of}`;
    await expect(this.nav.getByText(`Page ${page} sur ${pages}`, { exact: true })).toBeVisible();
    await expect(this.nav.getByRole('button', { name: 'Page précédente' })).toBeEnabled({ enabled: page > 1 });
    await expect(this.nav.getByRole('button', { name: 'Page suivante' })).toBeEnabled({ enabled: more || page < of });
  }

  async next() {
    await this.nav.getByRole('button', { name: 'Page suivante' }).click();
  }

  async previous() {
    await this.nav.getByRole('button', { name: 'Page précédente' }).click();
  }
}
