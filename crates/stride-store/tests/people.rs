//! The people signed in on one laptop: offline unlock against verifiers, wrong tries,
//! PINs, and an upgrade that keeps whoever was signed in.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

mod common;

use common::{device, name, organization, Device};
use stride_domain::api::Me;
use stride_domain::staff::Pin;
use stride_domain::*;
use stride_store::{Store, StoreError, Unlock, UNLOCK_TRIES};

fn me(org: &Organization, email: &str, role: Role) -> Me {
    Me {
        user_id: UserId::new(),
        email: Email::parse(email).unwrap(),
        role,
        display_name: Some(name(email.split('@').next().unwrap())),
        device_id: DeviceId::new(),
        organization: org.clone(),
    }
}

#[test]
fn each_person_unlocks_with_their_own_password_or_pin_and_wrong_tries_stop_offline_unlock() {
    let Device { store, org, .. } = &device();
    let cora = me(org, "cora@lakeside.example", Role::Coordinator);
    let nia = me(org, "nia@lakeside.example", Role::Coordinator);
    store.keep_person(&cora, "cora's password").unwrap();
    store.keep_person(&nia, "nia's password").unwrap();
    let people = store.people().unwrap();
    assert_eq!(people.iter().map(|p| p.email.as_str()).collect::<Vec<_>>(), [cora.email.as_str(), nia.email.as_str()]);
    assert!(people.iter().all(|p| p.unlocks_offline && !p.has_pin));

    // Passwords are each person's; the file holds no password.
    assert_eq!(store.unlock_offline(cora.user_id, "cora's password").unwrap(), Unlock::Unlocked);
    assert_eq!(store.unlock_offline(nia.user_id, "cora's password").unwrap(), Unlock::Wrong { tries_left: 4 });
    assert_eq!(store.unlock_offline(UserId::new(), "anything").unwrap_err().code(), ErrorCode::NotOnDevice);

    // A PIN unlocks beside the password; a wrong PIN counts as a wrong try.
    store.set_pin(nia.user_id, Some(&Pin::parse("2580").unwrap())).unwrap();
    assert!(store.person(nia.user_id).unwrap().unwrap().has_pin);
    assert_eq!(store.unlock_offline(nia.user_id, "2580").unwrap(), Unlock::Unlocked);
    assert_eq!(store.person(nia.user_id).unwrap().unwrap().failed_unlocks, 0, "a right one starts the count again");
    for tries_left in (1..UNLOCK_TRIES).rev() {
        assert_eq!(store.unlock_offline(nia.user_id, "2581").unwrap(), Unlock::Wrong { tries_left });
    }
    assert_eq!(store.unlock_offline(nia.user_id, "2581").unwrap(), Unlock::NeedsOnlineSignIn);
    // At the limit not even the right PIN or password unlocks offline.
    assert_eq!(store.unlock_offline(nia.user_id, "2580").unwrap(), Unlock::NeedsOnlineSignIn);
    assert_eq!(store.unlock_offline(nia.user_id, "nia's password").unwrap(), Unlock::NeedsOnlineSignIn);
    assert!(!store.person(nia.user_id).unwrap().unwrap().unlocks_offline);
    assert_eq!(store.unlock_offline(cora.user_id, "cora's password").unwrap(), Unlock::Unlocked, "only Nia's stopped");

    // Her next online sign-in starts over, and the PIN she set stays.
    store.keep_person(&nia, "nia's password").unwrap();
    let again = store.person(nia.user_id).unwrap().unwrap();
    assert!(again.unlocks_offline && again.has_pin && again.failed_unlocks == 0);
    assert_eq!(store.unlock_offline(nia.user_id, "2580").unwrap(), Unlock::Unlocked);
    store.set_pin(nia.user_id, None).unwrap();
    assert_eq!(store.unlock_offline(nia.user_id, "2580").unwrap(), Unlock::Wrong { tries_left: 4 });

    // Signing Cora out forgets her alone.
    store.remove_person(cora.user_id).unwrap();
    assert_eq!(store.people().unwrap().iter().map(|p| p.user_id).collect::<Vec<_>>(), [nia.user_id]);
    assert!(matches!(store.set_pin(cora.user_id, None), Err(StoreError::NotOnDevice)));
}

#[test]
fn whoever_was_signed_in_before_people_were_kept_is_the_laptops_first_person_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v14.sqlite3");
    let org = organization();
    let user = UserId::new();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let before = &stride_store::DEVICE_MIGRATIONS[..14];
        assert_eq!(before.last().unwrap().version, 14);
        stride_store::apply_migrations(&mut conn, before).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO device_settings (key, value) VALUES ('account_user_id', '{user}'), ('account_role', 'coordinator');"
        ))
        .unwrap();
        common::insert_organization_row(&conn, &org);
        conn.execute(
            "INSERT INTO users (id, organization_id, email, role, display_name, created_at, updated_at)
             VALUES (?1, ?2, 'cora@lakeside.example', 'coordinator', 'Cora', ?3, ?3)",
            rusqlite::params![user.to_string(), org.id.to_string(), org.created_at.to_string()],
        )
        .unwrap();
    }
    let store = Store::open(&path, std::sync::Arc::new(stride_store::KeptInMemory::new())).unwrap();
    let people = store.people().unwrap();
    assert_eq!(people.len(), 1);
    let cora = &people[0];
    assert_eq!(
        (cora.user_id, cora.email.as_str(), cora.display_name.as_deref()),
        (user, "cora@lakeside.example", Some("Cora"))
    );
    assert_eq!(cora.role, Role::Coordinator);
    // No verifier was ever made for her: she unlocks after her next online sign-in.
    assert!(!cora.unlocks_offline);
    assert_eq!(store.unlock_offline(user, "anything").unwrap(), Unlock::NeedsOnlineSignIn);
}

#[test]
fn tries_made_at_once_cannot_pass_the_limit_together() {
    let Device { _dir, store, org, .. } = device();
    let store = std::sync::Arc::new(store);
    let cora = me(&org, "cora@lakeside.example", Role::Coordinator);
    store.keep_person(&cora, "cora's password").unwrap();
    let tries: Vec<_> = (0..12)
        .map(|i| {
            let store = std::sync::Arc::clone(&store);
            std::thread::spawn(move || store.unlock_offline(cora.user_id, &format!("guess {i}")).unwrap())
        })
        .collect();
    let answers: Vec<Unlock> = tries.into_iter().map(|t| t.join().unwrap()).collect();
    let checked = answers.iter().filter(|a| matches!(a, Unlock::Wrong { .. })).count();
    assert_eq!(checked, UNLOCK_TRIES as usize - 1, "four checked and refused, the fifth stops it: {answers:?}");
    assert_eq!(store.unlock_offline(cora.user_id, "cora's password").unwrap(), Unlock::NeedsOnlineSignIn);
}
