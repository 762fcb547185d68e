import { expect, Page } from '@playwright/test';

export interface Company {
  name: string;
  siret: string;
  email: string;
  password: string;
  divisions: string[];
  departements: string[];
}

export class RegistrationPage {
  constructor(private readonly page: Page) {}

  async expectLoaded() {
    await expect(this.page.getByRole('heading', { level: 1, name: 'Inscrire mon entreprise' })).toBeVisible();
    // The reference lists come from the API.
    await expect(this.page.locator('#cpv_divisions-72')).toBeVisible();
  }

  async fill(company: Company) {
    await this.page.getByLabel('Raison sociale').fill(company.name);
    await this.page.getByLabel(/Numéro SIRET/).fill(company.siret);
    await this.page.getByLabel(/Adresse e-mail de contact/).fill(company.email);
    await this.page.getByLabel(/Mot de passe/).fill(company.password);
    for (const code of company.divisions) {
      await this.page.locator(`label[for=cpv_divisions-${code}]`).click();
    }
    for (const code of company.departements) {
      await this.page.locator(`label[for=departements-${code}]`).click();
    }
  }

  async submit() {
    await this.page.getByRole('button', { name: 'Inscrire mon entreprise' }).click();
  }

  fieldError(field: string) {
    return this.page.locator(`#${field}-messages .fr-message--error`);
  }
}

let sirets = 0;

/** A SIRET with a valid Luhn key, unique per run and per call. */
export function validSiret(): string {
  sirets += 1;
  const prefix = (String(Date.now()).slice(-10) + String(sirets).padStart(3, '0')).padStart(13, '1');
  for (let d = 0; d < 10; d++) {
    const candidate = prefix + d;
    const sum = [...candidate]
      .reverse()
      .map(Number)
      .map((n, i) => (i % 2 === 1 ? (n * 2 > 9 ? n * 2 - 9 : n * 2) : n))
      .reduce((a, b) => a + b, 0);
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}
