//! The people signed in on this laptop (`device_people`): who they are, and how each
//! unlocks it offline: a verifier of their password, made at their online sign-in, and of
//! a PIN they may set (argon2id, `stride_domain::secret`; never the secret itself). Wrong
//! tries are counted per person; at [`UNLOCK_TRIES`] offline unlock stops for them until
//! they sign in online again. Their tokens are not here but in the OS keyring.

use crate::error::{Result, StoreError};
use crate::store::{Mode, Store};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use stride_domain::api::Me;
use stride_domain::secret;
use stride_domain::staff::Pin;
use stride_domain::{Role, Timestamp, UserId};
use ts_rs::TS;

/// Wrong passwords or PINs in a row before offline unlock stops for a person.
pub const UNLOCK_TRIES: u32 = 5;

/// A person signed in on this laptop, as the unlock screen and the switcher show them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PersonOnDevice {
    pub user_id: UserId,
    pub email: String,
    pub display_name: Option<String>,
    /// Their role when they last signed in here.
    pub role: Role,
    /// Whether they can unlock offline now: a verifier is kept and the wrong tries are
    /// under the limit (else they sign in online with their password).
    pub unlocks_offline: bool,
    pub has_pin: bool,
    /// Wrong tries since their last unlock.
    pub failed_unlocks: u32,
    pub signed_in_at: Timestamp,
}

/// What an offline unlock answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlock {
    Unlocked,
    /// Not their password or PIN; `tries_left` more before offline unlock stops.
    Wrong {
        tries_left: u32,
    },
    /// Too many wrong tries (or no verifier kept): only an online sign-in unlocks.
    NeedsOnlineSignIn,
}

const PERSON_COLUMNS: &str = "user_id, email, display_name, role, password_verifier IS NOT NULL,
    pin_verifier IS NOT NULL, failed_unlocks, signed_in_at";

fn person(row: &Row<'_>) -> Result<PersonOnDevice> {
    let corrupt = |problem: String| StoreError::CorruptRecord { what: "device_people".into(), problem };
    let user_id: String = row.get(0)?;
    let role: String = row.get(3)?;
    let has_verifier: bool = row.get(4)?;
    let failed_unlocks: u32 = row.get(6)?;
    let signed_in_at: String = row.get(7)?;
    Ok(PersonOnDevice {
        user_id: user_id.parse().map_err(|_| corrupt(format!("user id {user_id}")))?,
        email: row.get(1)?,
        display_name: row.get(2)?,
        role: role.parse().map_err(|_| corrupt(format!("role {role}")))?,
        unlocks_offline: has_verifier && failed_unlocks < UNLOCK_TRIES,
        has_pin: row.get(5)?,
        failed_unlocks,
        signed_in_at: Timestamp::parse(&signed_in_at).map_err(|e| corrupt(e.to_string()))?,
    })
}

/// A verifier of `secret`, under a salt from the OS's randomness.
fn verifier(secret: &str) -> Result<String> {
    Ok(secret::hash(secret, crate::encryption::random_bytes()?))
}

impl Store {
    /// Everyone signed in on this laptop, the earliest first.
    pub fn people(&self) -> Result<Vec<PersonOnDevice>> {
        self.with_conn(|conn| {
            let sql = format!("SELECT {PERSON_COLUMNS} FROM device_people ORDER BY signed_in_at, user_id");
            let mut statement = conn.prepare(&sql)?;
            let mut rows = statement.query([])?;
            let mut people = Vec::new();
            while let Some(row) = rows.next()? {
                people.push(person(row)?);
            }
            Ok(people)
        })
    }

    pub fn person(&self, user: UserId) -> Result<Option<PersonOnDevice>> {
        Ok(self.people()?.into_iter().find(|person| person.user_id == user))
    }

    /// A person who just signed in online: kept with a verifier of the password they
    /// signed in with, their wrong tries forgotten; a PIN they set before stays. Hashing
    /// takes tens of milliseconds: call it off async threads.
    pub fn keep_person(&self, me: &Me, password: &str) -> Result<()> {
        let password_verifier = verifier(password)?;
        self.transaction(Mode::Write, |t| {
            t.tx.execute(
                "INSERT INTO device_people (user_id, email, display_name, role, password_verifier, signed_in_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name,
                   role = excluded.role, password_verifier = excluded.password_verifier, failed_unlocks = 0",
                params![
                    me.user_id.to_string(),
                    me.email.as_str(),
                    me.display_name.as_ref().map(|name| name.as_str()),
                    me.role.as_str(),
                    password_verifier,
                    t.now.to_string()
                ],
            )?;
            Ok(())
        })
    }

    /// Checks `typed` against the person's password and PIN verifiers; never asks the
    /// network. Each try is counted before it is checked, in one write, so tries made at
    /// once cannot pass the limit together; a right one starts the count again.
    pub fn unlock_offline(&self, user: UserId, typed: &str) -> Result<Unlock> {
        let reserved: Option<(String, Option<String>, u32)> = self.transaction(Mode::Write, |t| {
            let reserved =
                t.tx.query_row(
                    "UPDATE device_people SET failed_unlocks = failed_unlocks + 1
                     WHERE user_id = ?1 AND password_verifier IS NOT NULL AND failed_unlocks < ?2
                     RETURNING password_verifier, pin_verifier, failed_unlocks",
                    params![user.to_string(), UNLOCK_TRIES],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            // Nothing to check: a person at the limit (or without a verifier), or nobody.
            let known = || -> Result<bool> {
                let sql = "SELECT EXISTS (SELECT 1 FROM device_people WHERE user_id = ?1)";
                Ok(t.tx.query_row(sql, [user.to_string()], |r| r.get(0))?)
            };
            if reserved.is_none() && !known()? {
                return Err(StoreError::NotOnDevice);
            }
            Ok(reserved)
        })?;
        let Some((password_verifier, pin_verifier, counted)) = reserved else { return Ok(Unlock::NeedsOnlineSignIn) };
        let right = secret::matches(typed, &password_verifier)
            || pin_verifier.is_some_and(|pin| Pin::parse(typed).is_ok() && secret::matches(typed.trim(), &pin));
        if right {
            self.transaction(Mode::Write, |t| {
                t.tx.execute("UPDATE device_people SET failed_unlocks = 0 WHERE user_id = ?1", [user.to_string()])?;
                Ok(())
            })?;
            return Ok(Unlock::Unlocked);
        }
        Ok(match UNLOCK_TRIES.saturating_sub(counted) {
            0 => Unlock::NeedsOnlineSignIn,
            tries_left => Unlock::Wrong { tries_left },
        })
    }

    /// Sets (or, with None, removes) the PIN a person unlocks with offline.
    pub fn set_pin(&self, user: UserId, pin: Option<&Pin>) -> Result<()> {
        let pin_verifier = pin.map(|pin| verifier(pin.as_str())).transpose()?;
        self.transaction(Mode::Write, |t| {
            let changed = t.tx.execute(
                "UPDATE device_people SET pin_verifier = ?2 WHERE user_id = ?1",
                params![user.to_string(), pin_verifier],
            )?;
            if changed == 0 {
                return Err(StoreError::NotOnDevice);
            }
            Ok(())
        })
    }

    /// Forgets a person (signing them out): their verifiers go; every change waiting to
    /// sync stays, theirs included, and goes up under their name.
    pub fn remove_person(&self, user: UserId) -> Result<()> {
        self.transaction(Mode::Write, |t| {
            t.tx.execute("DELETE FROM device_people WHERE user_id = ?1", [user.to_string()])?;
            Ok(())
        })
    }

    /// Makes `person` the one working: new changes are theirs.
    pub fn switch_to(&self, person: &PersonOnDevice) -> Result<()> {
        self.set_account(person.user_id, person.role)
    }
}
