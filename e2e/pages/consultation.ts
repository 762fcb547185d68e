import { expect, Locator, Page } from '@playwright/test';

export interface Contribution {
  kind?: 'solution' | 'clarification' | 'alternative_clause' | 'alternative_criterion';
  body: string;
  justification: string;
  cost?: '↑ Hausse' | '↓ Baisse' | '= Neutre' | '? Inconnu';
  proposedText?: string;
  proposedWeight?: string;
  confidential?: boolean;
}

/** The page of one consultation: its revision, clause by clause. */
export class ConsultationPage {
  constructor(private readonly page: Page) {}

  async open(title: string) {
    await this.page.goto('/consultations');
    await this.page.getByRole('link', { name: title }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  }

  /** The block of a clause ("1.1 — Objet") or a criterion ("Critère « Prix »"). */
  target(heading: string | RegExp): Locator {
    return this.page.locator('section.jsf-target').filter({
      has: this.page.getByRole('heading', { name: heading }),
    });
  }

  card(target: Locator, text: string): Locator {
    return target.locator('article.jsf-contribution').filter({ hasText: text });
  }

  tab(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Vues de la consultation' }).getByRole('link', { name });
  }

  async contribute(target: Locator, c: Contribution) {
    await target.getByRole('button', { name: /^Contribuer sur/ }).click();
    await fillContribution(target, c);
    await target.getByRole('button', { name: 'Envoyer ma contribution' }).click();
  }
}

export async function fillContribution(form: Locator, c: Contribution) {
  if (c.kind) await form.getByLabel('Type de contribution').selectOption(c.kind);
  await form.getByLabel('Votre contribution').fill(c.body);
  await form.getByLabel(/Justification/).fill(c.justification);
  if (c.proposedText !== undefined) await form.getByLabel('Rédaction proposée').fill(c.proposedText);
  if (c.proposedWeight !== undefined) await form.getByLabel('Poids proposé (%)').fill(c.proposedWeight);
  if (c.cost) await form.locator('label', { hasText: c.cost }).click();
  if (c.confidential) await form.locator('label', { hasText: /^Confidentielle/ }).click();
}
