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

  /** The owner agent's public or private answer under a contribution. */
  async answer(card: Locator, text: string) {
    await card.getByRole('button', { name: 'Répondre' }).click();
    await card.getByLabel('Votre réponse').fill(text);
    await card.getByRole('button', { name: 'Publier la réponse' }).click();
    await expect(card.getByText(`Vous : ${text}`)).toBeVisible();
  }

  /**
   * The owner agent's answer to the author alone: the app asks first whether
   * it tells something about the need; "no" sends it privately.
   */
  async answerPrivately(card: Locator, text: string) {
    await card.getByRole('button', { name: 'Répondre' }).click();
    await card.getByLabel('Votre réponse').fill(text);
    await card.locator('label', { hasText: "L'auteur seulement" }).click();
    await card.getByRole('button', { name: 'Publier la réponse' }).click();
    await expect(card.getByText('Cette réponse apporte-t-elle une information sur le besoin ?')).toBeVisible();
    await card.getByRole('button', { name: "Non : l'envoyer à l'auteur seulement" }).click();
    await expect(card.locator('.jsf-reply', { hasText: text }).getByText("À l'auteur seulement")).toBeVisible();
  }

  /** The owner agent takes note of the detector's warnings, with a comment. */
  async acknowledgeWarnings(comment: string) {
    await this.page.getByLabel(/Votre examen des alertes/).fill(comment);
    await this.page.getByRole('button', { name: 'Prendre acte des alertes' }).click();
    await expect(this.page.getByText(comment)).toBeVisible();
  }

  /** The owner agent's decision; `decision` is a wire value ('accepted'…). */
  async decide(card: Locator, decision: string | null, rationale: string) {
    await card.getByRole('button', { name: /^(Décider|Modifier la décision)$/ }).click();
    if (decision) await card.getByLabel('Décision', { exact: true }).selectOption(decision);
    await card.getByLabel('Motif de la décision').fill(rationale);
    await card.getByRole('button', { name: /^Enregistrer (la|la nouvelle) décision$/ }).click();
    await expect(card.getByText(rationale)).toBeVisible();
  }

  async contribute(target: Locator, c: Contribution) {
    await target.getByRole('button', { name: /^(Contribuer sur|Poser une question)/ }).click();
    await fillContribution(target, c);
    await target.getByRole('button', { name: 'Envoyer ma contribution' }).click();
  }
}

export async function fillContribution(form: Locator, c: Contribution) {
  if (c.kind) await form.getByLabel('Type de contribution').selectOption(c.kind);
  await form.getByLabel('Votre contribution').fill(c.body);
  await form.getByLabel(/Justification/).fill(c.justification);
  if (c.proposedText !== undefined) {
    const label = c.kind === 'alternative_criterion' ? 'Nom du critère proposé' : 'Rédaction proposée';
    await form.getByLabel(label).fill(c.proposedText);
  }
  if (c.proposedWeight !== undefined) await form.getByLabel('Poids proposé (%)').fill(c.proposedWeight);
  if (c.cost) await form.locator('label', { hasText: c.cost }).click();
  if (c.confidential) await form.locator('label', { hasText: /^Confidentielle/ }).click();
}
