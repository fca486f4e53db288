//! Argon2id hashes of what a person types to prove who they are: the server's stored
//! passwords and the device's offline-unlock verifiers (a password or a PIN), made and
//! checked one way. Pure: the salt's random bytes come from the caller. Hashing takes
//! tens of milliseconds of CPU by design, so callers run it off async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Random bytes of a salt.
pub const SALT_BYTES: usize = 16;

/// The argon2id hash of `secret` under `salt`, as a PHC string (`$argon2id$v=19$…`):
/// parameters, salt and hash in one text, never the secret.
pub fn hash(secret: &str, salt: [u8; SALT_BYTES]) -> String {
    let salt = SaltString::encode_b64(&salt).expect("16 bytes are a valid salt");
    Argon2::default().hash_password(secret.as_bytes(), &salt).expect("argon2's defaults hash any secret").to_string()
}

/// Whether `secret` is the one `stored` (a [`hash`]) was made from; false for a stored
/// text that is no hash.
pub fn matches(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(secret.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_matches_its_secret_only_and_holds_no_trace_of_it() {
        let stored = hash("a long password", [7; SALT_BYTES]);
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("a long password"));
        assert!(matches("a long password", &stored));
        assert!(!matches("a long passwore", &stored));
        assert!(!matches("a long password", "not a hash"));
        assert_ne!(stored, hash("a long password", [8; SALT_BYTES]), "the salt changes the hash");
    }
}
