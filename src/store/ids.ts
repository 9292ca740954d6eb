/**
 * Random hex for names that must be unique but not secret: entry ids, session id suffixes,
 * temporary files. Math.random is enough for that and, unlike node:crypto, costs nothing to load
 * on start-up. Anything secret (tokens, pairing codes) must use node:crypto instead.
 */
export function randomHex(bytes: number): string {
  let out = '';
  for (let index = 0; index < bytes; index++) out += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return out;
}
