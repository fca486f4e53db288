-- Stride device database, version 15: the people signed in on this laptop. A laptop at a
-- site is often shared by two or three coordinators and a supervisor: each signs in once
-- online, and later unlocks offline with their password or a PIN they set, checked
-- against an argon2id verifier kept here (never the secret itself). Their tokens are in
-- the OS keyring, one per person. Wrong tries are counted; at the limit offline unlock
-- stops until the person signs in online again. The person working now stays the
-- device setting `account_user_id` (whom new changes are by).
CREATE TABLE device_people (
  user_id           TEXT PRIMARY KEY NOT NULL,
  email             TEXT NOT NULL,
  display_name      TEXT,
  role              TEXT NOT NULL,
  -- NULL for a person signed in before this version, until their next online sign-in.
  password_verifier TEXT,
  pin_verifier      TEXT,
  failed_unlocks    INTEGER NOT NULL DEFAULT 0 CHECK (failed_unlocks >= 0),
  signed_in_at      TEXT NOT NULL
);

-- Whoever was signed in before this version is the laptop's first person.
INSERT INTO device_people (user_id, email, display_name, role, signed_in_at)
SELECT account.value,
       coalesce((SELECT email FROM users WHERE id = account.value), ''),
       (SELECT display_name FROM users WHERE id = account.value),
       role.value,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM device_settings AS account
JOIN device_settings AS role ON role.key = 'account_role'
WHERE account.key = 'account_user_id';
