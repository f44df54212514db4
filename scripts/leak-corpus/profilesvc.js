'use strict';
// profilesvc: a session/profile service. Each login gets a fresh token and a UserProfile.
// Usage: node profilesvc.js OUTDIR
const crypto = require('node:crypto');
const { takeThree, pause, seeded, run } = require('./lib/series');

const PER_PHASE = 1000;
const rand = seeded(23);
const LOCALES = ['en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL'];

class UserProfile {
  constructor(userId, locale) {
    this.userId = userId;
    this.locale = locale;
    this.displayName = 'user' + userId;
    this.roles = userId % 10 === 0 ? ['admin', 'editor'] : ['viewer'];
    this.lastSeen = 1700000000 + userId;
  }
}

class ProfileStore {
  constructor() {
    this.byToken = {};
    this.logins = 0;
  }

  remember(token, profile) {
    this.byToken[token] = profile;
    this.logins++;
  }

  lookup(token) {
    return this.byToken[token];
  }
}

const app = {
  config: { sessionTtlSeconds: 900, cookieName: 'sid' },
  profiles: new ProfileStore(),
};

function issueToken(userId, n) {
  return crypto.createHash('sha1').update(`${userId}:${n}`).digest('hex').slice(0, 24);
}

async function login(n) {
  const userId = 1 + Math.floor(rand() * 5000);
  const token = issueToken(userId, n);
  app.profiles.remember(token, new UserProfile(userId, LOCALES[userId % LOCALES.length]));
  if (n % 20 === 0) await pause(1);
  const again = app.profiles.lookup(token);
  return again.displayName.length;
}

let n = 0;
async function logins(count) {
  for (let done = 0; done < count; done += 25) {
    const wave = [];
    for (let k = 0; k < 25; k++) wave.push(login(n++));
    await Promise.all(wave);
  }
}

run(() => takeThree('profilesvc', {
  warmUp: () => logins(300),
  load: () => logins(PER_PHASE),
}));
