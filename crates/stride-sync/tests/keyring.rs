//! The device token in the real OS keyring: a Secret Service (gnome-keyring) on a D-Bus
//! session, which `make test` provides (scripts/test-session.sh).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test
#![allow(clippy::disallowed_methods)] // test rows are stamped by the wall clock

use stride_domain::api::DeviceToken;
use stride_domain::DeviceId;
use stride_sync::Credentials;

#[test]
fn a_token_is_kept_found_again_by_a_new_handle_and_forgotten() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run the tests with `make test` (scripts/test-session.sh)"
    );
    let credentials = Credentials::new(format!("org.stride.test.{}", DeviceId::new()));
    let device = DeviceId::new();
    assert_eq!(credentials.load(device).unwrap(), None);
    let token = DeviceToken("f".repeat(64));
    credentials.save(device, &token).unwrap();
    let other_handle = Credentials::new(credentials.service());
    assert_eq!(other_handle.load(device).unwrap(), Some(token));
    assert_eq!(other_handle.load(DeviceId::new()).unwrap(), None, "entries are per device");
    credentials.delete(device).unwrap();
    assert_eq!(other_handle.load(device).unwrap(), None);
    credentials.delete(device).unwrap();
}
