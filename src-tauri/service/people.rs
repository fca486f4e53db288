//! The people on one laptop: who is working, the lock, unlocking offline, switching, and
//! signing one person out.
//!
//! Each person signs in online once (their token goes to the keyring, a verifier of their
//! password to the store); afterwards they unlock offline with that password or a PIN
//! they set. The app starts locked, and locks itself after `lock_after` without use
//! (the window also locks when nobody touched it that long, and Ctrl+L locks at once).
//! While it is locked every command refuses with `locked`, except those that unlock,
//! add a person or say what the lock screen shows. Switching is unlocking as another
//! person: what waits to sync stays, and goes up under whoever made it.

use super::{DeviceStatus, Service};
use crate::error::AppError;
use serde::Deserialize;
use std::time::{Duration, Instant};
use stride_domain::staff::Pin;
use stride_domain::{DeviceId, ErrorCode, UserId};
use stride_store::{PersonOnDevice, Unlock};
use ts_rs::TS;

/// How long the app stays unlocked without use, unless the app is told otherwise
/// (STRIDE_LOCK_AFTER_SECONDS).
pub const LOCK_AFTER: Duration = Duration::from_secs(10 * 60);

/// Whether the window may be used now, kept in memory: a restart locks.
#[derive(Debug)]
pub(crate) struct LockState {
    /// Nobody may work until a person unlocks (only with people signed in here).
    locked: bool,
    last_used: Instant,
    lock_after: Duration,
}

impl LockState {
    pub(crate) fn new(locked: bool, lock_after: Duration) -> Self {
        Self { locked, last_used: Instant::now(), lock_after }
    }
}

/// No Debug: what is typed here must not reach a log.
#[derive(Clone, Deserialize, TS)]
pub struct UnlockInput {
    pub user_id: UserId,
    /// Their password or their PIN.
    pub secret: String,
}

#[derive(Clone, Deserialize, TS)]
pub struct PinInput {
    /// The new PIN; None or empty removes the PIN (the password still unlocks).
    pub pin: Option<String>,
}

impl Service {
    fn lock_state(&self) -> std::sync::MutexGuard<'_, LockState> {
        self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn lock_after(&self) -> Duration {
        self.lock_state().lock_after
    }

    /// Whether the app is locked now (idle past the limit counts). Memory only: safe on
    /// any thread.
    pub(crate) fn is_locked(&self) -> bool {
        let mut lock = self.lock_state();
        if !lock.locked && lock.last_used.elapsed() > lock.lock_after {
            lock.locked = true;
        }
        lock.locked
    }

    /// Refuses every command but the lock screen's while the app is locked; otherwise
    /// counts as use, which keeps it unlocked.
    pub(crate) fn require_unlocked(&self) -> Result<(), AppError> {
        if self.is_locked() {
            return Err(AppError::new(ErrorCode::Locked, "the app is locked: a person signed in here unlocks it"));
        }
        self.lock_state().last_used = Instant::now();
        Ok(())
    }

    /// Opens the app to `person` (their changes from now on are theirs).
    fn unlock_as(&self, person: &PersonOnDevice) -> Result<(), AppError> {
        self.store.switch_to(person)?;
        let mut lock = self.lock_state();
        lock.locked = false;
        lock.last_used = Instant::now();
        Ok(())
    }

    /// Locks the app (Ctrl+L, the window's idle timer, or before another person takes
    /// over). With nobody signed in here there is nobody to unlock it, so it stays open.
    pub fn lock(&self) -> Result<DeviceStatus, AppError> {
        let anyone = !self.store.people()?.is_empty();
        self.lock_state().locked = anyone;
        self.status()
    }

    /// At launch: locked when people are signed in here, unless the account the app was
    /// launched with (`make run`'s) unlocks it, or the one person working signed in before
    /// this laptop kept verifiers (they unlock with their password from their next
    /// sign-in on).
    pub(crate) fn lock_at_launch(&self) -> Result<(), AppError> {
        let device = self.store.device().device_id;
        let people = self.store.people()?;
        let working = self.user_id()?;
        if let Some(user) = working {
            self.credentials.adopt_device_token(device, user)?;
        }
        let launched_as = self.automatic_sign_in.as_ref().and_then(|account| {
            people.iter().find(|person| person.email.eq_ignore_ascii_case(&account.email)).map(|p| (p, account))
        });
        if let Some((person, account)) = launched_as {
            if self.store.unlock_offline(person.user_id, &account.password)? == Unlock::Unlocked {
                return self.unlock_as(person);
            }
        }
        let from_before =
            people.iter().find(|p| Some(p.user_id) == working && !p.unlocks_offline && p.failed_unlocks == 0);
        if let (Some(person), [_]) = (from_before, people.as_slice()) {
            return self.unlock_as(person);
        }
        self.lock_state().locked = !people.is_empty();
        Ok(())
    }

    /// Unlocks offline as a person signed in here, with their password or PIN; never
    /// asks the network. A wrong one counts; at the limit only an online sign-in unlocks.
    pub fn unlock(&self, input: UnlockInput) -> Result<DeviceStatus, AppError> {
        let person = self.store.person(input.user_id)?.ok_or(stride_store::StoreError::NotOnDevice)?;
        match self.store.unlock_offline(person.user_id, &input.secret)? {
            Unlock::Unlocked => {
                self.unlock_as(&person)?;
                self.status()
            }
            Unlock::Wrong { tries_left } => Err(AppError::new(
                ErrorCode::WrongUnlock,
                format!("not {}'s password or PIN; {tries_left} more tries before signing in online", person.email),
            )),
            Unlock::NeedsOnlineSignIn => Err(AppError::new(
                ErrorCode::UnlockNeedsSignIn,
                format!("{} signs in with their password, online, to unlock", person.email),
            )),
        }
    }

    /// Sets or removes the PIN the person working unlocks with.
    pub fn set_pin(&self, input: PinInput) -> Result<(), AppError> {
        let user = self.user_id()?.ok_or(stride_store::StoreError::NotOnDevice)?;
        let pin = match input.pin.as_deref().map(str::trim).filter(|pin| !pin.is_empty()) {
            None => None,
            Some(typed) => Some(Pin::parse(typed).map_err(|e| AppError::invalid(vec![e.in_field("pin")]))?),
        };
        Ok(self.store.set_pin(user, pin.as_ref())?)
    }

    /// A person who just signed in online: their token kept, a verifier of their password
    /// made, and the app opened to them.
    pub(super) fn keep_signed_in(
        &self,
        me: &stride_domain::api::Me,
        token: &stride_domain::api::DeviceToken,
        password: &str,
    ) -> Result<(), AppError> {
        self.credentials.save(self.store.device().device_id, me.user_id, token)?;
        self.store.keep_person(me, password)?;
        let person = self.store.person(me.user_id)?.ok_or(stride_store::StoreError::NotOnDevice)?;
        self.unlock_as(&person)
    }

    /// Signs the person working out of this laptop: their token and verifiers go; every
    /// change waiting to sync stays (theirs too, sent under their name by whoever syncs
    /// next). With others signed in here the app locks for one of them.
    pub fn sign_out(&self) -> Result<DeviceStatus, AppError> {
        if let Some(user) = self.user_id()? {
            self.forget_person(self.store.device().device_id, user)?;
        }
        self.lock()
    }

    /// Forgets one person on `device` (the device id they signed in under).
    pub(super) fn forget_person(&self, device: DeviceId, user: UserId) -> Result<(), AppError> {
        self.credentials.delete(device, user)?;
        Ok(self.store.remove_person(user)?)
    }

    #[cfg(test)]
    pub(crate) fn idle_for(&self, idle: Duration) {
        let mut lock = self.lock_state();
        lock.last_used = Instant::now().checked_sub(idle).unwrap_or(lock.last_used);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{form, service, set_up_input};
    use super::*;
    use stride_domain::api::{DeviceToken, Me};
    use stride_domain::{Email, Name, Role};

    fn me(service: &Service, email: &str) -> Me {
        Me {
            user_id: UserId::new(),
            email: Email::parse(email).unwrap(),
            role: Role::Coordinator,
            display_name: Some(Name::parse(email.split('@').next().unwrap()).unwrap()),
            device_id: service.store.device().device_id,
            organization: service.store.organization().unwrap().unwrap(),
        }
    }

    fn refused(result: Result<DeviceStatus, AppError>) -> ErrorCode {
        result.unwrap_err().code
    }

    #[test]
    fn offline_unlock_refuses_a_wrong_pin_stops_after_the_limit_and_the_app_locks_when_idle() {
        let (_dir, service) = service();
        service.set_up(set_up_input("Lakeside Farms", "+254")).unwrap();
        assert!(!service.status().unwrap().locked, "with nobody signed in there is nobody to unlock");
        let (cora, nia) = (me(&service, "cora@lakeside.example"), me(&service, "nia@lakeside.example"));
        let device = service.store.device().device_id;
        service.keep_signed_in(&cora, &DeviceToken("c".repeat(64)), "cora's password").unwrap();
        service.set_pin(PinInput { pin: Some("2580".into()) }).unwrap();
        let easy = service.set_pin(PinInput { pin: Some("1234".into()) }).unwrap_err();
        assert_eq!(easy.fields[0].problem, stride_domain::InvalidValue::PinTooEasy);
        service.enroll_worker(form("Amina Wanjiru", "")).unwrap();
        service.keep_signed_in(&nia, &DeviceToken("d".repeat(64)), "nia's password").unwrap();
        let status = service.status().unwrap();
        assert_eq!((status.working, status.locked, status.people.len()), (Some(nia.user_id), false, 2));

        // Locked, nothing but the lock screen's commands work.
        assert!(service.lock().unwrap().locked);
        assert_eq!(service.require_unlocked().unwrap_err().code, ErrorCode::Locked);
        let wrong = |secret: &str| UnlockInput { user_id: cora.user_id, secret: secret.into() };
        for _ in 1..stride_store::UNLOCK_TRIES {
            assert_eq!(refused(service.unlock(wrong("2581"))), ErrorCode::WrongUnlock);
            assert!(service.is_locked());
        }
        assert_eq!(refused(service.unlock(wrong("2582"))), ErrorCode::UnlockNeedsSignIn);
        assert_eq!(refused(service.unlock(wrong("2580"))), ErrorCode::UnlockNeedsSignIn, "not even the right PIN now");
        assert!(service.is_locked());

        // Nia switches in with her password: the waiting change is still there, Cora's.
        let status = service.unlock(UnlockInput { user_id: nia.user_id, secret: "nia's password".into() }).unwrap();
        assert_eq!((status.working, status.locked, status.pending_changes), (Some(nia.user_id), false, 1));
        assert_eq!(service.store.pending_changes(0, 10).unwrap()[0].author, Some(cora.user_id));
        service.require_unlocked().unwrap();

        // Idle past the limit, it locks by itself.
        service.idle_for(LOCK_AFTER + Duration::from_secs(1));
        assert_eq!(service.require_unlocked().unwrap_err().code, ErrorCode::Locked);
        assert!(service.status().unwrap().locked);
        service.unlock(UnlockInput { user_id: nia.user_id, secret: "nia's password".into() }).unwrap();

        // Nia signs out: her token and verifier go, Cora's and the waiting change stay.
        let status = service.sign_out().unwrap();
        assert!(status.locked, "Cora is still signed in here");
        assert_eq!(status.people.iter().map(|p| p.user_id).collect::<Vec<_>>(), [cora.user_id]);
        assert_eq!(status.pending_changes, 1);
        assert_eq!(service.credentials.load(device, nia.user_id).unwrap(), None);
        assert_eq!(service.credentials.load(device, cora.user_id).unwrap(), Some(DeviceToken("c".repeat(64))));
        service.forget_person(device, cora.user_id).unwrap();
    }
}
