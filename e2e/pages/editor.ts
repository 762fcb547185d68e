import { expect, Locator, Page } from '@playwright/test';

/** The agent's CCTP editor. */
export class DraftEditor {
  constructor(private readonly page: Page) {}

  async expectLoaded() {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Rédiger le CCTP' })).toBeVisible();
  }

  section(n: number): Locator {
    return this.page.locator('section.jsf-section-editor').nth(n - 1);
  }

  clause(number: string): Locator {
    return this.page.getByRole('group', { name: `Clause ${number}`, exact: true });
  }

  criterion(n: number): Locator {
    return this.page.getByRole('group', { name: `Critère ${n}`, exact: true });
  }

  async addSection(title: string) {
    await this.page.getByRole('button', { name: 'Ajouter une section' }).click();
    const count = await this.page.locator('section.jsf-section-editor').count();
    await this.section(count).getByLabel('Titre de la section').fill(title);
  }

  async addClause(section: number, number: string, title: string, text: string) {
    await this.page.getByRole('button', { name: `Ajouter une clause à la section ${section}` }).click();
    const clause = this.clause(number);
    await clause.getByLabel('Titre de la clause').fill(title);
    await clause.getByLabel('Texte de la clause').fill(text);
  }

  async addCriterion(n: number, name: string, weight: string) {
    await this.page.getByRole('button', { name: 'Ajouter un critère' }).click();
    await this.criterion(n).getByLabel('Critère', { exact: true }).fill(name);
    await this.criterion(n).getByLabel('Poids (%)').fill(weight);
  }

  saveState(): Locator {
    return this.page.locator('.jsf-save-bar [role=status]');
  }

  async save() {
    await this.page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await expect(this.saveState()).toContainText('Enregistré');
  }

  async publishRound(round: number, changelog: string) {
    await this.page.getByLabel('Ce qui change dans cette révision').fill(changelog);
    await this.page.getByRole('button', { name: `Publier le tour ${round}…` }).click();
    const dialog = this.page.getByRole('dialog', { name: `Publier la révision ${round} ?` });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(/Les entreprises pourront contribuer jusqu'au .* \(dans \d+ jours\)/);
    await dialog.getByRole('button', { name: 'Confirmer la publication' }).click();
  }
}
