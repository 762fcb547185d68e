// The two servers the browser tests run against: the main one with demo
// data, and one whose access tokens live 1 second (plus the API's 5 s of
// clock leeway), to watch sessions expire without waiting 15 minutes.
const port = Number(process.env.E2E_PORT ?? 18181);

export const mainURL = `http://127.0.0.1:${port}`;
const shortSessionPort = Number(process.env.E2E_SHORT_SESSION_PORT ?? port + 1);
export const shortSessionURL = `http://127.0.0.1:${shortSessionPort}`;
