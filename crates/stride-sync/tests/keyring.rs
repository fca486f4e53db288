//! The device token in the real OS keyring: a Secret Service (gnome-keyring) on a D-Bus
//! session, which `make test` provides (scripts/test-session.sh).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

use stride_domain::api::DeviceToken;
use stride_domain::{DeviceId, UserId};
use stride_sync::Credentials;

#[test]
fn each_persons_token_is_kept_found_again_by_a_new_handle_and_forgotten_alone() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests with `make test` (scripts/test-session.sh)"
    );
    let credentials = Credentials::new(format!("org.stride.test.{}", DeviceId::new()));
    let (device, first, second) = (DeviceId::new(), UserId::new(), UserId::new());
    assert_eq!(credentials.load(device, first).unwrap(), None);
    let (token, other_token) = (DeviceToken("f".repeat(64)), DeviceToken("e".repeat(64)));
    credentials.save(device, first, &token).unwrap();
    credentials.save(device, second, &other_token).unwrap();
    let other_handle = Credentials::new(credentials.service());
    assert_eq!(other_handle.load(device, first).unwrap(), Some(token.clone()));
    assert_eq!(other_handle.load(device, second).unwrap(), Some(other_token.clone()));
    assert_eq!(other_handle.load(DeviceId::new(), first).unwrap(), None, "entries are per device");
    credentials.delete(device, first).unwrap();
    assert_eq!(other_handle.load(device, first).unwrap(), None);
    assert_eq!(other_handle.load(device, second).unwrap(), Some(other_token), "the other person's stays");
    credentials.delete(device, first).unwrap();
    credentials.delete(device, second).unwrap();
}

#[test]
fn a_token_kept_by_device_alone_before_people_becomes_the_signed_in_persons() {
    let service = format!("org.stride.test.{}", DeviceId::new());
    let (device, user) = (DeviceId::new(), UserId::new());
    let token = DeviceToken("a".repeat(64));
    keyring::Entry::new(&service, &device.to_string()).unwrap().set_password(&token.0).unwrap();
    let credentials = Credentials::new(service.as_str());
    credentials.adopt_device_token(device, user).unwrap();
    assert_eq!(credentials.load(device, user).unwrap(), Some(token));
    let old = keyring::Entry::new(&service, &device.to_string()).unwrap();
    assert!(matches!(old.get_password(), Err(keyring::Error::NoEntry)), "the old entry is gone");
    credentials.adopt_device_token(device, user).unwrap();
    credentials.delete(device, user).unwrap();
}
