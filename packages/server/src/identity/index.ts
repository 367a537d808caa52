export { certFingerprint } from './fingerprint.js';
export { createIdentity, type Identity, keyFiles, loadIdentity } from './key-files.js';
export { cardSigningMessage, signCard, verifyCard } from './peer-card.js';
export { clientAgent, type PinnedServerOptions, type ServerTlsConfig, serverTlsOptions } from './pinned-tls.js';
export type { Pin } from './pins.js';
export { ServerPins } from './server-pins.js';
export { generateTlsIdentity, type TlsIdentity } from './tls-certificate.js';
