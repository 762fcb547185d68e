import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

import { mainURL as baseURL, shortSessionURL } from './servers';

// `just e2e` picks a free port and builds the server and the web app first.
const root = path.resolve(__dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jesaisfaire-e2e-'));
const serverBin = process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/jesaisfaire-api');
// The main server writes its e-mails here (no SMTP server); the tests read
// them like a mailbox. Set once by the runner, inherited by its workers.
process.env.E2E_OUTBOX_DIR ??= path.join(dataDir, 'outbox');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  webServer: [
    server(baseURL, 'e2e', {
      JESAISFAIRE_DEMO_DATA: 'true',
      JESAISFAIRE_OUTBOX_DIR: process.env.E2E_OUTBOX_DIR,
      JESAISFAIRE_PUBLIC_URL: baseURL,
      JESAISFAIRE_MAIL_POLL_MILLISECONDS: '100',
    }),
    server(shortSessionURL, 'short-session', {
      JESAISFAIRE_DEMO_DATA: 'true',
      JESAISFAIRE_ACCESS_TOKEN_TTL_SECONDS: '1',
      JESAISFAIRE_OUTBOX_DIR: path.join(dataDir, 'short-session-outbox'),
    }),
  ],
});

function server(url: string, name: string, env: Record<string, string>) {
  return {
    command: `${serverBin} serve`,
    cwd: root,
    url: `${url}/api/v1/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe' as const,
    env: {
      DATABASE_URL: `sqlite://${dataDir}/${name}.db?mode=rwc`,
      JESAISFAIRE_ADDR: url.replace('http://', ''),
      JESAISFAIRE_STATIC_DIR: path.join(root, 'crates/frontend/dist'),
      RUST_LOG: 'warn',
      // Every test signs in from 127.0.0.1.
      JESAISFAIRE_AUTH_ATTEMPTS_PER_MINUTE: '100000',
      ...env,
    },
  };
}
